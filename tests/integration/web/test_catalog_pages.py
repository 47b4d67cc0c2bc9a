"""Catalog pages as a person reads them: lists, filters, search, details and the graph."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import User, make_user
from tests.integration.web.helpers import sign_in
from warroom.access.rules import Role
from warroom.catalog.lifecycles import shipped_data


def post(client: TestClient, user: User, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/v1/{path}", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


SERVICES: tuple[tuple[str, int, list[str], str], ...] = (
    ("identity", 1, [], "https://wiki.example/identity"),
    ("order-db", 1, [], "## Failover\n\nPromote the **replica**."),
    ("orders", 1, ["order-db", "identity"], ""),
    ("checkout", 1, ["orders", "identity"], "https://wiki.example/checkout"),
    ("reporting", 3, ["order-db"], "Rerun the nightly job."),
    ("<script>alert(1)</script>", 4, ["checkout"], ""),
)


def seed(client: TestClient, admin: User) -> None:
    post(client, admin, "teams", {"name": "Ops"})
    for name, tier, needs, runbook in SERVICES:
        body = {"name": name, "tier": tier, "depends_on": needs, "runbook": runbook}
        owner = {"owner_team": "Ops"} if name != "orders" else {}
        post(client, admin, "services", body | owner | {"description": f"The *{name}* service"})
    post(client, admin, "lifecycles", {"product": "openssl", "data": shipped_data("openssl")})
    for host, exposure, services, software, extra in (
        ("web-01", "internet-facing", ["checkout"], ["openssl@1.0.1e"], {"tags": ["dmz"]}),
        ("web-02", "internet-facing", ["checkout"], ["openssl@3.5.2"], {"aliases": ["shop"]}),
        ("db-01", "internal", ["order-db"], ["openssl@3.5.2", "pgpool@4.1"], {}),
        ("tool-01", "internal-tool", [], [], {"ips": ["10.20.1.5"]}),
    ):
        sw = [dict(zip(("product", "version"), s.split("@"), strict=True)) for s in software]
        body = {"hostname": host, "exposure": exposure, "services": services, "software": sw}
        post(client, admin, "assets", body | extra)
    seed_parties(client, admin)


def seed_parties(client: TestClient, admin: User) -> None:
    post(client, admin, "vendors", {"name": "Acme", "portal_url": "https://support.acme.test"})
    engineer = {"name": "Erin Engineer", "organisation": "Acme", "plan_role": "vendor_engineer"}
    erin = post(client, admin, "contacts", engineer | {"vendor": "Acme", "email": "erin@acme.test"})
    for number, ends, assets in (
        ("AC-OLD", "2026-01-31", ["web-02"]),
        ("AC-SOON", "2026-12-10", ["db-01"]),
        ("AC-LONG", "2027-12-31", ["web-01"]),
    ):
        body = {"number": number, "vendor": "Acme", "assets": assets, "hours": "24x7"}
        body |= {"starts_on": "2025-01-01", "ends_on": ends, "escalation_contacts": [erin["id"]]}
        post(client, admin, "contracts", body)
    post(client, admin, "contacts", {"name": "Cora CEO", "plan_role": "executive"})
    sla = {"service": "orders", "availability_target": 99.95, "response_minutes": 15}
    post(client, admin, "customers", {"name": "Globex", "tier": 1, "slas": [sla]})


@pytest.fixture
def reader(app: FastAPI, client: TestClient, admin: User) -> TestClient:
    """A viewer signed in through the form, with the catalog seeded by an admin."""
    seed(client, admin)
    sign_in(client, make_user(app, Role.viewer, "Vera Viewer"))
    return client


def rows_of(html: str, table_id: str) -> list[str]:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>\s*<td><a href=\"[^\"]+\">([^<]+)</a>", table)


def test_overview_counts_and_searches_every_kind(reader: TestClient) -> None:
    page = reader.get("/catalog").text
    assert re.search(r'big-count">6</span> Services', page)
    assert re.search(r'big-count">4</span> Assets', page)
    for q, expected in (
        ("10.20.1.5", "/catalog/assets/tool-01"),
        ("shop", "/catalog/assets/web-02"),
        ("dmz", "/catalog/assets/web-01"),
        ("ACME", "/catalog/vendors/Acme"),
        ("erin@", "Erin Engineer"),
        ("globex", "/catalog/customers/Globex"),
        ("report", "/catalog/services/reporting"),
    ):
        found = reader.get("/catalog", params={"q": q}).text
        assert expected in found, q
    nothing = reader.get("/catalog", params={"q": "zzz-nothing"}).text
    assert "0 results" in nothing


def test_service_list_filters_by_tier_and_search(reader: TestClient) -> None:
    page = reader.get("/catalog/services").text
    assert rows_of(page, "service-list")[:4] == ["checkout", "identity", "order-db", "orders"]
    orders_row = page.split('href="/catalog/services/orders"', 1)[1].split("</tr>", 1)[0]
    assert "no owner" in orders_row
    assert ">no<" in orders_row
    assert re.findall(r'class="num">(\d+)', orders_row) == ["2", "1"]
    assert rows_of(reader.get("/catalog/services?tier=3").text, "service-list") == ["reporting"]
    assert rows_of(reader.get("/catalog/services?q=ord").text, "service-list") == [
        "order-db",
        "orders",
    ]
    assert "choose a tier" in reader.get("/catalog/services?tier=9").text


def test_service_detail_shows_graph_runbook_assets_slas_and_blast_radius(
    reader: TestClient,
) -> None:
    page = reader.get("/catalog/services/orders").text
    assert "The <em>orders</em> service" in page
    assert "No runbook" in page
    graph = page.split('<svg xmlns="http://www.w3.org/2000/svg" class="dep-graph"', 1)[1]
    graph = graph.split("</svg>", 1)[0]
    for name in ("checkout", "identity", "order-db", "orders"):
        assert graph.count(f'data-service="{name}"') == 1
    assert "reporting" not in graph  # shares order-db, but neither depends on nor uses orders
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in graph
    assert "<script>alert" not in page
    slas = page.split('id="slas"', 1)[1].split("</section>", 1)[0]
    assert "Globex" in slas
    assert "99.95 %" in slas
    assert "15 min" in slas
    blast = page.split('id="blast-radius"', 1)[1].split("</section>", 1)[0]
    assert re.search(r"<dt>Services</dt><dd>3</dd>", blast)  # orders, checkout, <script>
    checkout = reader.get("/catalog/services/checkout").text
    assert 'href="https://wiki.example/checkout"' in checkout
    assets = checkout.split('id="assets"', 1)[1].split("</section>", 1)[0]
    assert "web-01" in assets
    assert "web-02" in assets
    assert "db-01" not in assets
    markdown = reader.get("/catalog/services/order-db").text
    assert "<h2>Failover</h2>" in markdown
    assert "<strong>replica</strong>" in markdown


def test_asset_list_filters_and_support_badges(reader: TestClient) -> None:
    page = reader.get("/catalog/assets").text
    assert rows_of(page, "asset-list") == ["db-01", "tool-01", "web-01", "web-02"]
    web01 = page.split('href="/catalog/assets/web-01"', 1)[1].split("</tr>", 1)[0]
    assert "support-eol" in web01
    db01 = page.split('href="/catalog/assets/db-01"', 1)[1].split("</tr>", 1)[0]
    assert "support-unknown" in db01  # worst of a supported openssl and an unknown pgpool
    for query, expected in (
        ("support=eol", ["web-01"]),
        ("support=supported", ["web-02"]),
        ("support=unknown", ["db-01"]),
        ("exposure=internet-facing", ["web-01", "web-02"]),
        ("service=order-db", ["db-01"]),
        ("q=10.20", ["tool-01"]),
        ("exposure=internet-facing&support=supported", ["web-02"]),
    ):
        assert rows_of(reader.get(f"/catalog/assets?{query}").text, "asset-list") == expected
    assert "choose eol, unknown or supported" in reader.get("/catalog/assets?support=bad").text


def test_asset_list_pages_through_many_assets(
    app: FastAPI, client: TestClient, admin: User
) -> None:
    for i in range(120):
        post(client, admin, "assets", {"hostname": f"pos-{i:03d}", "kind": "endpoint"})
    sign_in(client, make_user(app, Role.viewer))
    first = client.get("/catalog/assets").text
    assert "Showing 1\u201350 of 120" in first
    assert rows_of(first, "asset-list")[0] == "pos-000"
    last = client.get("/catalog/assets?page=3").text
    assert rows_of(last, "asset-list") == [f"pos-{i:03d}" for i in range(100, 120)]
    assert 'rel="next"' not in last
    assert 'href="/catalog/assets?page=2"' in last


def test_asset_detail_shows_eol_software_coverage_and_blast_radius(reader: TestClient) -> None:
    page = reader.get("/catalog/assets/web-01").text
    software = page.split('id="software"', 1)[1].split("</section>", 1)[0]
    row = software.split('class="sw-eol"', 1)[1].split("</tr>", 1)[0]
    assert "openssl" in row
    assert "1.0.1e" in row
    assert ">EOL<" in row
    assert "2016-12-31" in row
    assert "1.0.1" in row
    assert "days ago" in row
    coverage = page.split('id="coverage"', 1)[1].split("</section>", 1)[0]
    assert "AC-LONG" in coverage
    assert "cover-covered" in coverage
    expired = reader.get("/catalog/assets/web-02").text
    assert "contract expired" in expired
    assert "/catalog/services/checkout" in page.split('id="blast-radius"', 1)[1]


def test_unknown_service_or_asset_is_a_readable_404(reader: TestClient) -> None:
    for url in ("/catalog/services/ghost", "/catalog/assets/ghost", "/catalog/vendors/ghost"):
        response = reader.get(url)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "ghost" in response.text
        assert "<h1>" in response.text


def test_contracts_contacts_and_customers(reader: TestClient) -> None:
    contracts = reader.get("/catalog/contracts").text
    for number, status in (("AC-OLD", "expired"), ("AC-SOON", "expiring"), ("AC-LONG", "active")):
        row = contracts.split(f'href="/catalog/contracts/{number}"', 1)[0].rsplit("<tr", 1)[1]
        assert f"contract-{status}" in row, number
    only = reader.get("/catalog/contracts?status=expiring").text
    assert "AC-SOON" in only
    assert "AC-OLD" not in only
    detail = reader.get("/catalog/contracts/AC-SOON").text
    assert "expiring within 30 days" in detail
    assert "Erin Engineer" in detail
    contacts = reader.get("/catalog/contacts").text
    assert contacts.index('id="role-executive"') < contacts.index('id="role-vendor_engineer"')
    assert "Cora CEO" in contacts.split('id="role-executive"', 1)[1].split("</section>", 1)[0]
    assert "No communications contact" in contacts
    customers = reader.get("/catalog/customers").text
    assert "Globex" in customers
    assert "99.95 %" in customers
    assert "/catalog/services/orders" in reader.get("/catalog/customers/Globex").text
    vendor = reader.get("/catalog/vendors/Acme").text
    assert "AC-OLD" in vendor
    assert "erin@acme.test" in vendor


def test_edit_hint_for_managers_only(app: FastAPI, reader: TestClient) -> None:
    assert "warroom plan export" not in reader.get("/catalog/services/orders").text
    sign_in(reader, make_user(app, Role.manager, "Mona Manager"))
    page = reader.get("/catalog/services/orders").text
    assert "PATCH /api/v1/services/orders" in page
    assert "warroom plan export" in page


def test_catalog_needs_sign_in(client: TestClient) -> None:
    response = client.get("/catalog/services", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
