"""The acknowledge link of a page's message, followed in headless Chromium without signing in:
the page asks first, and the button acknowledges."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from tests.conftest import LiveServer, make_user
from tests.integration.oncall.paging_helpers import declare, make_org
from warroom.access.rules import Role
from warroom.db import transaction
from warroom.oncall.models import Delivery

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 10_000


def _ack_path(app: FastAPI) -> str:
    with transaction(app.state.sessions) as session:
        body = session.scalars(select(Delivery.body).order_by(Delivery.id)).first()
    match = re.search(r"https?://[^/\s]+(/ack/\S+)", body or "")
    assert match is not None, body
    return match.group(1)


def test_the_link_in_a_page_acknowledges_with_one_click(
    browser: Any, live_server: LiveServer, live_app: FastAPI
) -> None:
    admin = make_user(live_app, Role.admin, "Ada Admin")
    with httpx.Client(base_url=live_server.url) as api:
        org = make_org(api, live_app, admin)  # type: ignore[arg-type]
        ref = declare(api, admin)  # type: ignore[arg-type]
    context = browser.new_context()  # nobody signed in
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    tab.goto(live_server.url + _ack_path(live_app))
    assert ref in tab.inner_text("h1")
    mine = httpx.get(f"{live_server.url}/api/v1/pages", headers=org.ann.headers).json()
    assert [p["status"] for p in mine] == ["open"]  # opening the link changed nothing
    tab.click("button:has-text('Acknowledge')")
    tab.wait_for_selector(".ack-done")
    assert "escalation has stopped" in tab.inner_text(".ack-done")
    assert context.cookies() == []
    context.close()
    mine = httpx.get(f"{live_server.url}/api/v1/pages", headers=org.ann.headers).json()
    assert [(p["status"], p["acknowledged_via"]) for p in mine] == [("acknowledged", "link")]
