"""Open pages follow changes made elsewhere without a reload (headless Chromium)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import LiveServer, User, make_user
from warroom.access.models import Person
from warroom.access.rules import Role
from warroom.access.service import actor_for
from warroom.db import make_session_factory, transaction
from warroom.incidents.declare import do_declare
from warroom.incidents.rules import Severity
from warroom.incidents.schemas import IncidentCreate

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 10_000


@pytest.fixture
def contexts(browser: Any, live_server: LiveServer) -> Iterator[list[Any]]:
    """Separate browser contexts are separate people: no shared cookies or storage.

    Closed before the server stops, so it does not wait for their open streams."""
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def signed_in_page(browser: Any, contexts: list[Any], server: LiveServer, user: User) -> Any:
    context = browser.new_context()
    contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{server.url}/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", user.password)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{server.url}/")
    return page


def wait_live(page: Any) -> None:
    """The stream is open: from here on, no change can slip by unseen."""
    page.wait_for_selector("#live-state[data-state=on]")
    page.evaluate("window.__sameDocument = true")


def still_same_document(page: Any) -> bool:
    return bool(page.evaluate("window.__sameDocument === true"))


def test_war_room_changes_appear_in_another_browser(
    browser: Any, contexts: list[Any], live_server: LiveServer, live_app: FastAPI
) -> None:
    rita = make_user(live_app, Role.responder, "Rita Responder")
    ines = make_user(live_app, Role.responder, "Ines Commander")
    page_a = signed_in_page(browser, contexts, live_server, rita)
    page_a.click("a:has-text('Declare incident')")
    page_a.fill("input[name=title]", "Checkout latency over 5 s")
    page_a.check("input[name=severity][value=SEV3]")
    page_a.click("button:has-text('Declare incident')")
    page_a.wait_for_url(re.compile(r".*/incidents/INC-\d+$"))
    room_url = page_a.url

    page_b = signed_in_page(browser, contexts, live_server, ines)
    page_b.goto(room_url)
    wait_live(page_b)
    assert page_b.inner_text("#roles ul") == "No roles assigned."

    page_a.select_option("#roles select[name=role]", "commander")
    page_a.select_option("#roles select[name=person]", ines.email)
    page_a.click("#roles button:has-text('Assign')")
    page_a.wait_for_selector("text=Ines Commander is incident commander")
    page_a.fill("#note-text", "Rolled back **deploy 812**")
    page_a.click("button:has-text('Post note')")
    page_a.wait_for_selector("#timeline strong:has-text('deploy 812')")

    page_b.wait_for_selector("#timeline strong:has-text('deploy 812')")
    page_b.wait_for_selector("#roles ul :text('Ines Commander')")
    assert "Incident commander" in page_b.inner_text("#roles ul")
    assert "Ines Commander" in page_b.inner_text("#summary")
    assert still_same_document(page_b)


def test_typing_in_the_note_box_survives_a_live_refresh(
    browser: Any, contexts: list[Any], live_server: LiveServer, live_app: FastAPI
) -> None:
    rita = make_user(live_app, Role.responder, "Rita Responder")
    page = signed_in_page(browser, contexts, live_server, rita)
    ref = _declare(live_app, rita, "Queue backlog", Severity.SEV3)
    page.goto(f"{live_server.url}/incidents/{ref}")
    wait_live(page)
    page.fill("#note-text", "half a thought")
    _declare_note(live_server, rita, ref, "from the API")
    page.wait_for_selector("#timeline :text('from the API')")
    assert page.input_value("#note-text") == "half a thought"
    assert still_same_document(page)


def test_sev1_declared_through_the_api_appears_on_the_dashboard(
    browser: Any, contexts: list[Any], live_server: LiveServer, live_app: FastAPI
) -> None:
    viewer = make_user(live_app, Role.viewer, "Vic Viewer")
    page = signed_in_page(browser, contexts, live_server, viewer)
    wait_live(page)
    assert "No active incidents." in page.inner_text("#dashboard")
    declarer = make_user(live_app, Role.responder, "Rita Responder")
    answer = httpx.post(
        f"{live_server.url}/api/v1/incidents",
        json={"title": "Payments down everywhere", "severity": "SEV1"},
        headers=declarer.headers,
    )
    assert answer.status_code == 201
    page.wait_for_selector("#group-SEV1")
    assert "Payments down everywhere" in page.inner_text("#dashboard")
    assert still_same_document(page)


def test_sev1_declared_from_the_cli_appears_on_the_dashboard(
    browser: Any, contexts: list[Any], live_server: LiveServer, live_app: FastAPI
) -> None:
    viewer = make_user(live_app, Role.viewer, "Vic Viewer")
    page = signed_in_page(browser, contexts, live_server, viewer)
    wait_live(page)
    declarer = make_user(live_app, Role.responder, "Rita Responder")
    # The real command in its own process, on the same database file: the server hears of
    # the change only by looking at the database, not through its in-process dispatcher.
    env = os.environ | {"WARROOM_DATABASE_URL": str(live_app.state.engine.url)}
    command = [
        sys.executable,
        "-m",
        "warroom",
        "incident",
        "declare",
        "--title",
        "Login broken for all",
        "--severity",
        "SEV1",
        "--as",
        declarer.email,
        "--json",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    ref = json.loads(done.stdout)["ref"]
    page.wait_for_selector("#dashboard :text('Login broken for all')")
    assert ref in page.inner_text("#dashboard")
    assert still_same_document(page)


def test_theme_choice_is_remembered_without_a_cookie(
    browser: Any, contexts: list[Any], live_server: LiveServer, live_app: FastAPI
) -> None:
    viewer = make_user(live_app, Role.viewer, "Vic Viewer")
    page = signed_in_page(browser, contexts, live_server, viewer)
    before = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.click("#theme-toggle")
    chosen = page.get_attribute("html", "data-theme")
    assert chosen in ("light", "dark")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != before
    page.reload()
    assert page.get_attribute("html", "data-theme") == chosen
    assert [c["name"] for c in page.context.cookies()] == ["warroom_session"]


def _declare(app: FastAPI, user: User, title: str, severity: Severity, engine: Any = None) -> str:
    factory = make_session_factory(engine) if engine is not None else app.state.sessions
    with transaction(factory) as session:
        person = session.get(Person, user.person_id)
        assert person is not None
        data = IncidentCreate(title=title, severity=severity)
        incident = do_declare(
            session=session, actor=actor_for(person), data=data, now=app.state.clock()
        )
        return f"INC-{incident.id}"


def _declare_note(server: LiveServer, user: User, ref: str, text: str) -> None:
    answer = httpx.post(
        f"{server.url}/api/v1/incidents/{ref}/timeline", json={"text": text}, headers=user.headers
    )
    assert answer.status_code == 201, answer.text
