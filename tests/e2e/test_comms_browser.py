"""The communications lead opens a public incident from the war room and the commander
approves it, each in their own headless Chromium: nothing is public until the approval, then
the status page names it; the war room says when the next update is due, and nothing breaks
the Content-Security-Policy."""

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


def ok(response: httpx.Response, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def prepare(server: LiveServer, admin: User, commander: User, comms: User) -> str:
    """A SEV1 on the web shop with a component showing it, ``comms`` its communications lead."""
    with httpx.Client(base_url=server.url, headers=admin.headers) as api:
        ok(api.post("/api/v1/services", json={"name": "web-shop", "tier": 1}))
        ok(api.post("/api/v1/status-components", json={"name": "Web shop", "service": "web-shop"}))
        made = ok(api.post("/api/v1/incidents", json={
            "title": "Checkout failing", "severity": "SEV1", "kind": "service",
            "services": ["web-shop"], "commander": commander.email,
        }))  # fmt: skip
        ref: str = made["ref"]
        role = {"role": "comms_lead", "person": comms.email}
        ok(api.post(f"/api/v1/incidents/{ref}/roles", json=role))
        return ref


class Browsers:
    def __init__(self, browser: Any, server: LiveServer) -> None:
        self.browser, self.server = browser, server
        self.contexts: list[Any] = []
        self.blocked: list[str] = []

    def signed_in(self, user: User) -> Any:
        context = self.browser.new_context()
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("console", self._csp)
        page.goto(f"{self.server.url}/login")
        page.fill("input[name=email]", user.email)
        page.fill("input[name=password]", user.password)
        page.click("button:has-text('Sign in')")
        page.wait_for_url(f"{self.server.url}/")
        return page

    def _csp(self, message: Any) -> None:
        if "Content Security" in message.text:
            self.blocked.append(message.text)


@pytest.fixture
def browsers(browser: Any, live_server: LiveServer) -> Iterator[Browsers]:
    found = Browsers(browser, live_server)
    yield found
    for context in found.contexts:  # before the server stops: each holds a live stream
        context.close()


def test_a_public_incident_opened_from_the_war_room_is_public_once_approved(
    browsers: Browsers, live_server: LiveServer, live_app: FastAPI
) -> None:
    commander = make_user(live_app, Role.responder, "Ida Commander")
    comms = make_user(live_app, Role.responder, "Cora Comms")
    admin = make_user(live_app, Role.admin, "Ada Admin")
    ref = prepare(live_server, admin, commander, comms)

    lead = browsers.signed_in(comms)
    lead.goto(f"{live_server.url}/incidents/{ref}")
    form = lead.locator("#status-page form[action$='/status-page']")
    form.locator("input[name=name]").fill("Checkout errors in the web shop")
    form.locator("textarea[name=body]").fill("Some customers cannot pay. We are investigating.")
    assert form.locator("input[name=components]:checked").count() == 1, "its service's component"
    form.locator("button[type=submit]").click()
    lead.wait_for_selector("#status-page .public-incident .draft")
    assert lead.locator("#status-page button:has-text('Approve and publish')").count() == 0
    summary = httpx.get(f"{live_server.url}/api/v2/summary.json").json()
    assert summary["incidents"] == [], "nothing public before the approval"

    boss = browsers.signed_in(commander)
    boss.goto(f"{live_server.url}/incidents/{ref}")
    boss.locator("#status-page button:has-text('Approve and publish')").click()
    boss.wait_for_selector("#status-page .published")
    assert "approved by Ida Commander" in boss.inner_text("#status-page")

    public = browsers.browser.new_context()
    browsers.contexts.append(public)
    reader = public.new_page()
    reader.goto(f"{live_server.url}/status")
    assert "Checkout errors in the web shop" in reader.inner_text("#overall")
    assert public.cookies() == []
    summary = httpx.get(f"{live_server.url}/api/v2/summary.json").json()
    assert [i["name"] for i in summary["incidents"]] == ["Checkout errors in the web shop"]

    lead.reload()
    assert "Next update due at" in lead.inner_text("#communications")
    assert browsers.blocked == [], "the pages must work under the CSP"
