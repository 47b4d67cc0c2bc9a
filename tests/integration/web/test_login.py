"""Signing in and out through the form; pages send strangers to the login form."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import User
from tests.integration.web.helpers import csrf_of, post, sign_in


def test_pages_send_strangers_to_login_and_back(client: TestClient, responder: User) -> None:
    answer = client.get("/incidents?status=active", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fincidents%3Fstatus%3Dactive"

    form = client.get(answer.headers["location"])
    assert 'name="next" value="/incidents?status=active"' in form.text
    signed = post(
        client,
        "/login",
        csrf_of(form.text),
        email=responder.email.upper(),
        password=responder.password,
        next="/incidents?status=active",
    )
    assert signed.status_code == 303
    assert signed.headers["location"] == "/incidents?status=active"
    assert "Rita Responder" in client.get("/incidents?status=active").text


def test_wrong_password_stays_out(client: TestClient, responder: User) -> None:
    token = csrf_of(client.get("/login").text)
    answer = post(client, "/login", token, email=responder.email, password="wrong", next="/")
    assert answer.status_code == 401
    assert "Wrong email or password." in answer.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_next_never_leaves_the_site(client: TestClient, responder: User) -> None:
    token = csrf_of(client.get("/login").text)
    answer = post(
        client,
        "/login",
        token,
        email=responder.email,
        password=responder.password,
        next="//evil.example/",
    )
    assert answer.headers["location"] == "/"


def test_sign_out_ends_the_session(client: TestClient, responder: User) -> None:
    token = sign_in(client, responder)
    assert post(client, "/logout", token).headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_session_cookie_is_http_only_and_same_site(client: TestClient) -> None:
    header = client.get("/login").headers["set-cookie"].lower()
    assert header.startswith("warroom_session=")
    assert "httponly" in header
    assert "samesite=lax" in header
