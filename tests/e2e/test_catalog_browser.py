"""A person opens a service in the catalog, sees its dependency graph and follows it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from tests.conftest import LiveServer, make_user
from warroom.access.rules import Role
from warroom.catalog.schemas import ServiceIn
from warroom.catalog.service import do_save_service
from warroom.db import transaction

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 10_000


def seed(app: FastAPI) -> None:
    with transaction(app.state.sessions) as session:
        for name, tier, needs in (
            ("identity", 1, []),
            ("order-db", 1, []),
            ("orders", 1, ["order-db", "identity"]),
            ("checkout", 1, ["orders", "identity"]),
        ):
            data = ServiceIn(name=name, tier=tier, depends_on=needs, runbook="https://wiki/rb")
            do_save_service(session=session, data=data)


@pytest.fixture
def page(browser: Any, live_server: LiveServer, live_app: FastAPI) -> Iterator[Any]:
    seed(live_app)
    viewer = make_user(live_app, Role.viewer, "Vera Viewer")
    context = browser.new_context()
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    tab.goto(f"{live_server.url}/login?next=/catalog")
    tab.fill("input[name=email]", viewer.email)
    tab.fill("input[name=password]", viewer.password)
    tab.click("button:has-text('Sign in')")
    tab.wait_for_url(f"{live_server.url}/catalog")
    yield tab
    context.close()


def test_service_graph_renders_and_leads_to_a_dependency(
    page: Any, live_server: LiveServer
) -> None:
    page.click("nav.cat-tabs a:has-text('Services')")
    page.click("#service-list a:has-text('checkout')")
    page.wait_for_url(f"{live_server.url}/catalog/services/checkout")
    graph = page.locator("svg.dep-graph")
    graph.wait_for()
    box = graph.bounding_box()
    assert box is not None
    assert box["width"] > 300
    assert box["height"] > 100
    names = page.eval_on_selector_all(
        "svg.dep-graph g[data-service]", "gs => gs.map(g => g.dataset.service)"
    )
    assert sorted(names) == ["checkout", "identity", "order-db", "orders"]
    # The CSS of the page, not only the fallback attributes, colours a tier-1 box.
    stroke = page.eval_on_selector(
        "svg.dep-graph g[data-service=orders] rect", "r => getComputedStyle(r).stroke"
    )
    assert stroke.startswith("rgb(")
    page.click("svg.dep-graph a[aria-label='orders']")
    page.wait_for_url(f"{live_server.url}/catalog/services/orders")
    assert page.inner_text("h1").startswith("orders")
    assert "checkout" in page.inner_text("#used-by")
