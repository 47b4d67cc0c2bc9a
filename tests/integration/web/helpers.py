"""Signing a test client in through the login form, and reading pages like a person would."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from tests.conftest import User
from warroom.db import transaction
from warroom.incidents.models import Incident, TimelineEvent

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, user: User) -> str:
    """Sign in with the login form; returns the CSRF token of the signed-in session."""
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"email": user.email, "password": user.password, "csrf": token, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/").text)


def post(client: TestClient, url: str, csrf: str, **fields: Any) -> Response:
    answer: Response = client.post(url, data={"csrf": csrf, **fields}, follow_redirects=False)
    return answer


def declare(client: TestClient, csrf: str, **fields: Any) -> str:
    """Declare through the form; returns the incident reference from the redirect."""
    form = {"title": "Checkout is down", "severity": "SEV2", "kind": "service"} | fields
    answer = post(client, "/incidents", csrf, **form)
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith("/incidents/INC-")
    return location.rsplit("/", 1)[1]


def error_text(html: str, form: str) -> str:
    found = re.search(rf'id="err-{form}"[^>]*>([^<]*)<', html)
    return found.group(1).strip() if found else ""


def stored(app: FastAPI, ref: str) -> Incident:
    with transaction(app.state.sessions) as session:
        incident = session.get(Incident, int(ref.removeprefix("INC-")))
        assert incident is not None
        return incident


def timeline_count(app: FastAPI) -> int:
    with transaction(app.state.sessions) as session:
        return session.scalar(select(func.count()).select_from(TimelineEvent)) or 0


def incident_count(app: FastAPI) -> int:
    with transaction(app.state.sessions) as session:
        return session.scalar(select(func.count()).select_from(Incident)) or 0
