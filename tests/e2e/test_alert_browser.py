"""An open alert-groups page follows a storm as it arrives (headless Chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import LiveServer, make_user
from tests.integration.alerts.ingest_helpers import am_alert, am_body
from warroom.access.rules import Role

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 10_000


@pytest.fixture
def page(browser: Any, live_server: LiveServer, live_app: FastAPI) -> Iterator[Any]:
    """A viewer signed in; the context closes before the server stops (it holds a stream)."""
    viewer = make_user(live_app, Role.viewer, "Vic Viewer")
    context = browser.new_context()
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    tab.goto(f"{live_server.url}/login")
    tab.fill("input[name=email]", viewer.email)
    tab.fill("input[name=password]", viewer.password)
    tab.click("button:has-text('Sign in')")
    tab.wait_for_url(f"{live_server.url}/")
    yield tab
    context.close()


def _routing_key(server: LiveServer, app: FastAPI) -> str:
    admin = make_user(app, Role.admin, "Ada Admin")
    body = {"kind": "alertmanager", "name": "prometheus"}
    answer = httpx.post(f"{server.url}/api/v1/integrations", json=body, headers=admin.headers)
    assert answer.status_code == 201, answer.text
    key: str = answer.json()["routing_key"]
    return key


def _fire(server: LiveServer, key: str, hosts: range) -> None:
    alerts = [am_alert(f"av-{n:03d}", name="AntivirusDetection") for n in hosts]
    url = f"{server.url}/api/v1/integrations/alertmanager/{key}"
    answer = httpx.post(url, json=am_body(*alerts))
    assert answer.status_code == 202, answer.text


def test_group_page_shows_a_storm_growing_without_reload(
    page: Any, live_server: LiveServer, live_app: FastAPI
) -> None:
    key = _routing_key(live_server, live_app)
    page.goto(f"{live_server.url}/alert-groups")
    page.wait_for_selector("#live-state[data-state=on]")
    page.evaluate("window.__sameDocument = true")
    assert "No open alert groups." in page.inner_text("#group-list")

    _fire(live_server, key, range(1, 3))
    row = "#group-list tbody tr"
    page.wait_for_selector(f"{row} .alert-total:text-is('2')")
    assert "AntivirusDetection on 2 hosts" in page.inner_text(row)
    assert "Declare incident from these alerts" not in page.inner_text(row), "viewer"

    # Past the shipped rule's 5 hosts: the counts rise and the group links its incident.
    _fire(live_server, key, range(3, 8))
    page.wait_for_selector(f"{row} .alert-total:text-is('7')")
    assert page.inner_text(f"{row} .host-total") == "7"
    page.wait_for_selector(f"{row} a[href^='/incidents/INC-']")
    assert "av-007" in page.inner_text(row)
    assert page.evaluate("window.__sameDocument === true"), "the page was not reloaded"
