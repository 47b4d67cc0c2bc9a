"""An incident commander holds a planned change from the war room with one click (headless
Chromium), and the change calendar shows the change beside a freeze."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import LiveServer, User, make_user
from warroom.access.rules import Role

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 10_000


def ok(response: httpx.Response, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def plan(server: LiveServer, admin: User, start: datetime) -> int:
    """A tier-1 service on two hosts, an approved change on it at ``start``, and a freeze over
    the same hours; returns the change's number."""
    with httpx.Client(base_url=server.url, headers=admin.headers) as api:
        ok(api.post("/api/v1/services", json={"name": "payments", "tier": 1}))
        for host in ("pay-01", "pay-02"):
            ok(api.post("/api/v1/assets", json={"hostname": host, "services": ["payments"]}))
        change = {
            "title": "Rotate payment gateway keys",
            "type": "standard",  # pre-approved: submitting approves it
            "submit": True,
            "planned_start": start.isoformat(),
            "planned_end": (start + timedelta(hours=1)).isoformat(),
            "services": ["payments"],
        }
        made = ok(api.post("/api/v1/changes", json=change))
        assert made["state"] == "approved"
        freeze = {
            "name": "Peak trading freeze",
            "kind": "freeze",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
        }
        ok(api.post("/api/v1/windows", json=freeze))
        number: int = made["id"]
        return number


@pytest.fixture
def tab(browser: Any, live_server: LiveServer, live_app: FastAPI) -> Iterator[Any]:
    """A responder signed in; the context closes before the server stops (it holds a stream)."""
    commander = make_user(live_app, Role.responder, "Ines Commander")
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


def test_the_commander_holds_a_change_at_risk_with_one_click(
    tab: Any, live_server: LiveServer, live_app: FastAPI
) -> None:
    admin = make_user(live_app, Role.admin, "Ada Admin")
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=30)
    change_id = plan(live_server, admin, start)
    blocked: list[str] = []
    tab.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security" in msg.text else None
    )

    # Declaring a SEV1 makes its declarer the commander.
    tab.click("a:has-text('Declare incident')")
    tab.fill("input[name=title]", "Card payments failing")
    tab.check("input[name=services][value=payments]")
    tab.check("input[name=severity][value=SEV1]")
    tab.click("button:has-text('Declare incident')")
    tab.wait_for_url(f"{live_server.url}/incidents/INC-*")
    ref = tab.url.rsplit("/", 1)[1]

    row = tab.locator(f"#changes-at-risk #at-risk-{change_id}")
    assert "Rotate payment gateway keys" in row.inner_text()
    assert "Ada Admin" in row.inner_text(), "its owner"
    assert f"incident {ref} (SEV1) is on payments" in row.inner_text()
    row.get_by_role("button", name="Hold").click()

    tab.wait_for_selector(f".flash:has-text('CHG-{change_id} is on hold')")
    assert "On hold" in tab.inner_text(f"#at-risk-{change_id}")
    assert tab.locator(f"#at-risk-{change_id} button").count() == 0, "nothing left to hold"
    assert f"held change CHG-{change_id}" in tab.inner_text("#timeline")

    tab.click(f"#at-risk-{change_id} a[href='/changes/{change_id}']")
    tab.wait_for_url(f"{live_server.url}/changes/{change_id}")
    assert "On hold" in tab.inner_text("#actions")
    assert f"Held from {ref}: scope under an active incident" in tab.inner_text("#log")

    tab.click("nav.cat-tabs a:has-text('Calendar')")
    tab.wait_for_url(f"{live_server.url}/changes/calendar")
    # The change's own week, whichever day this test runs on.
    tab.goto(f"{live_server.url}/changes/calendar?view=week&date={start.date().isoformat()}")
    day = tab.locator(f"#day-{start.date().isoformat()}")
    assert "Peak trading freeze" in day.locator(".cal-freeze").inner_text()
    entry = day.locator(".cal-change", has_text=f"CHG-{change_id}")
    assert "Rotate payment gateway keys" in entry.inner_text()
    assert "On hold" in entry.inner_text()
    entry.locator("a").click()
    tab.wait_for_url(f"{live_server.url}/changes/{change_id}")
    assert blocked == [], "the pages must work under the CSP"
