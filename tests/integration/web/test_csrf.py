"""Every form POST carries the session's CSRF token; anything else is refused with 403."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import User
from tests.integration.web.helpers import declare, incident_count, sign_in, timeline_count


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_declare_without_the_right_token_is_refused(
    client: TestClient, app: FastAPI, responder: User, token: str | None
) -> None:
    sign_in(client, responder)
    form = {"title": "Forged", "severity": "SEV1", "kind": "service"}
    if token is not None:
        form["csrf"] = token
    answer = client.post("/incidents", data=form, follow_redirects=False)
    assert answer.status_code == 403
    assert "expired or came from another site" in answer.text
    assert incident_count(app) == 0


def test_war_room_actions_check_the_token_too(
    client: TestClient, app: FastAPI, responder: User
) -> None:
    csrf = sign_in(client, responder)
    ref = declare(client, csrf)
    before = timeline_count(app)
    answer = client.post(
        f"/incidents/{ref}/notes", data={"text": "sneaky", "csrf": "x"}, follow_redirects=False
    )
    assert answer.status_code == 403
    assert timeline_count(app) == before


def test_login_form_needs_its_token(client: TestClient, responder: User) -> None:
    client.get("/login")
    answer = client.post(
        "/login",
        data={"email": responder.email, "password": responder.password},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 303


def test_token_from_another_session_is_refused(
    app: FastAPI, client: TestClient, responder: User
) -> None:
    mine = sign_in(client, responder)
    with TestClient(app) as other:
        sign_in(other, responder)
        form = {"title": "Cross", "severity": "SEV3", "kind": "service", "csrf": mine}
        assert other.post("/incidents", data=form, follow_redirects=False).status_code == 403
    assert incident_count(app) == 0
