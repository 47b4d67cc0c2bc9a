"""The metrics page: the MTTR chart drawn on the server names each service with its MTTR, the
SLA table shows the breach, a restricted incident stays out of a non-member's page, and a bad
window is shown beside its field."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.metrics.helpers import add_action_items, seed
from tests.integration.web.helpers import sign_in

PAGE = "/metrics?since=2026-11-23&until=2026-11-29&by=service"  # the 29th is included


def chart(html: str, section: str) -> str:
    found = re.search(rf'<section class="card" id="{section}">(.*?)</section>', html, re.S)
    assert found, f"no {section} on the page"
    return found.group(1)


def bars(svg: str) -> list[tuple[str, str]]:
    return re.findall(r'<g class="bar" data-label="([^"]+)" data-value="([^"]+)">', svg)


def test_the_page_draws_mttr_per_service(
    app: FastAPI, client: TestClient, admin: User, responder: User, viewer: User, clock: Clock
) -> None:
    week = seed(app, client, admin, responder, clock)
    add_action_items(app, week.refs)
    browser = TestClient(app, raise_server_exceptions=False)
    sign_in(browser, viewer)
    page = browser.get(PAGE)
    assert page.status_code == 200
    mttr = chart(page.text, "mttr-chart")
    assert "<svg" in mttr
    assert "MTTR per service" in mttr
    # orders: A 90 min and B 180 min; web-shop: B only (C is unresolved).
    assert bars(mttr) == [("orders", "2 h 15 min"), ("web-shop", "3 h 00 min")]
    assert ">orders</text>" in mttr
    assert ">2 h 15 min</text>" in mttr
    assert bars(chart(page.text, "mtta-chart")) == [("orders", "22 min 30 s"),
                                                     ("web-shop", "40 min 0 s")]  # fmt: skip
    sla = chart(page.text, "sla")
    assert "breached" in sla
    assert "25 % of the monthly fee" in sla
    assert 'aria-current="page">Metrics</a>' in page.text
    actions = chart(page.text, "action-items")
    assert "<td>all</td><td>2</td><td>1</td><td>0</td><td>1</td><td>0</td>" in actions
    assert "<td>50 %</td>" in actions
    # The security team's page counts the restricted incident: orders' MTTR falls to 1 h 51.
    team = TestClient(app, raise_server_exceptions=False)
    sign_in(team, week.analyst)
    assert ("orders", "1 h 51 min") in bars(chart(team.get(PAGE).text, "mttr-chart"))


def test_a_bad_window_is_named_beside_its_field(
    app: FastAPI, client: TestClient, viewer: User
) -> None:
    browser = TestClient(app, raise_server_exceptions=False)
    sign_in(browser, viewer)
    page = browser.get("/metrics?since=2026-11-30&until=2026-11-01")
    assert page.status_code == 422
    assert '<span class="field-error">must be after since</span>' in page.text
    assert browser.get("/metrics?by=team").status_code == 422
    assert browser.get("/metrics", follow_redirects=False).status_code == 200
