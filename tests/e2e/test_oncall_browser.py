"""A person paged for an incident sees it under My pages (a new page arrives without reload),
acknowledges it there (headless Chromium), and the war room shows the escalation stopped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import LiveServer, make_user
from tests.integration.oncall.paging_helpers import Org, declare, make_org
from warroom.access.rules import Role

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 10_000


@pytest.fixture
def org(live_server: LiveServer, live_app: FastAPI) -> Iterator[Org]:
    admin = make_user(live_app, Role.admin, "Ada Admin")
    with httpx.Client(base_url=live_server.url) as api:
        yield make_org(api, live_app, admin)  # type: ignore[arg-type] # same calls as TestClient


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


def test_a_paged_person_acknowledges_from_my_pages(
    tab: Any, live_server: LiveServer, org: Org
) -> None:
    with httpx.Client(base_url=live_server.url) as api:
        ref = declare(api, org.admin)  # type: ignore[arg-type]
    blocked: list[str] = []
    tab.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security" in msg.text else None
    )

    tab.goto(f"{live_server.url}/login")
    tab.fill("input[name=email]", org.ann.email)
    tab.fill("input[name=password]", org.ann.password)
    tab.click("button:has-text('Sign in')")
    tab.wait_for_url(f"{live_server.url}/")
    assert tab.inner_text("#nav-my-pages .count") == "1"

    tab.click("#nav-my-pages")
    tab.wait_for_url(f"{live_server.url}/pages/mine")
    tab.wait_for_selector("#live-state[data-state=on]")
    tab.evaluate("window.__sameDocument = true")
    with httpx.Client(base_url=live_server.url) as api:
        later = declare(api, org.admin, title="Refunds stuck")  # type: ignore[arg-type]
    tab.wait_for_selector(f"#open-pages tr:has-text('{later}')")
    assert tab.evaluate("window.__sameDocument === true"), "the new page arrived without reload"

    row = tab.locator("#open-pages tbody tr", has_text=f"{ref} ")
    assert "Card payments failing" in row.inner_text()
    assert "policy of payments" in row.inner_text()
    row.get_by_role("button", name="Acknowledge").click()

    tab.wait_for_selector(f".flash:has-text('Page for {ref} acknowledged')")
    assert ref not in tab.inner_text("#open-pages")
    assert later in tab.inner_text("#open-pages")
    assert tab.inner_text("#nav-my-pages .count") == "1"

    tab.click(f"#recent-pages a[href='/incidents/{ref}']")
    tab.wait_for_url(f"{live_server.url}/incidents/{ref}")
    paging = tab.inner_text("#paging")
    assert "Payments" in paging
    assert "acknowledged" in tab.inner_text("#paging .escalation")
    assert "via web" in tab.inner_text("#paged-people")
    assert org.ann.email in tab.inner_text("#delivery-log")
    assert tab.locator("#paging button:has-text('Escalate now')").count() == 0
    assert blocked == [], "the pages must work under the CSP"
