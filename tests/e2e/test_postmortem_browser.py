"""The commander of a resolved SEV1 follows the war room's Postmortem panel, edits a section,
submits and publishes it, adds an action item and then closes the incident (headless
Chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import LiveServer, User, make_user
from warroom.access.rules import Role

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 10_000


@pytest.fixture
def commander(live_app: FastAPI) -> User:
    return make_user(live_app, Role.responder, "Ines Commander")


@pytest.fixture
def tab(browser: Any, live_server: LiveServer, commander: User) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=email]", commander.email)
    page.fill("input[name=password]", commander.password)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{live_server.url}/")
    yield page
    context.close()


def resolved_sev1(server: LiveServer, user: User) -> str:
    with httpx.Client(base_url=server.url, headers=user.headers) as api:
        made = api.post("/api/v1/incidents", json={"title": "Checkout down", "severity": "SEV1"})
        ref: str = made.json()["ref"]
        api.post(f"/api/v1/incidents/{ref}/timeline", json={"text": "Rolled back 4.2.1"})
        api.patch(f"/api/v1/incidents/{ref}", json={"status": "resolved"})
    return ref


def test_a_postmortem_from_the_war_room_to_a_closed_incident(
    tab: Any, live_server: LiveServer, commander: User
) -> None:
    ref = resolved_sev1(live_server, commander)
    tab.goto(f"{live_server.url}/incidents/{ref}")
    assert "required for SEV1" in tab.inner_text("#postmortem")
    tab.click("#postmortem a:has-text('Open the postmortem')")
    tab.wait_for_url(f"{live_server.url}/incidents/{ref}/postmortem")
    assert "Rolled back 4.2.1" in tab.inner_text("#section-timeline")
    tab.click("#edit summary")
    tab.fill("textarea[name=trigger]", "Release **4.2.1** halved the pool <script>x()</script>")
    tab.click("#edit button:has-text('Save')")
    tab.wait_for_selector("text=Postmortem saved.")
    assert tab.inner_html("#section-trigger strong") == "4.2.1"
    assert tab.locator("#section-trigger script").count() == 0

    tab.fill("#action-items input[name=title]", "Alert on pool exhaustion")
    tab.select_option("#action-items select[name=type]", "detect")
    tab.click("#action-items button:has-text('Add')")
    # Its row is editable in place: the title is the value of its field.
    tab.wait_for_selector("tr[id^=action-] input[value='Alert on pool exhaustion']")

    tab.click("button:has-text('Submit for review')")
    tab.wait_for_selector("#pm-state:has-text('In review')")
    tab.click("button:has-text('Publish')")
    tab.wait_for_selector("#pm-state:has-text('Published')")

    tab.goto(f"{live_server.url}/incidents/{ref}")
    tab.click("#status button[name=status][value=closed]")
    tab.wait_for_selector("text=Status is now closed.")
