"""Vendors, support contracts, outside contacts and customers with SLAs, through the JSON API:
each is created, read, changed and deleted; viewers read but cannot write; duplicates are
refused; bad input names the field and writes nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import User
from warroom.catalog import parties
from warroom.catalog.models import Asset, Vendor
from warroom.catalog.parties_schemas import ContractIn, VendorIn
from warroom.db import transaction

API = "/api/v1"


def post(client: TestClient, user: User, collection: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"{API}/{collection}", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def get(client: TestClient, user: User, path: str) -> Any:
    response = client.get(f"{API}/{path}", headers=user.headers)
    assert response.status_code == 200, response.text
    return response.json()


def add_asset(app: FastAPI, hostname: str) -> None:
    with transaction(app.state.sessions) as session:
        session.add(Asset(hostname=hostname))


def seed(app: FastAPI, client: TestClient, admin: User) -> dict[str, Any]:
    """Two services, a vendor with an engineer, an asset; returns the engineer."""
    for name in ("orders", "wiki"):
        post(client, admin, "services", {"name": name, "tier": 1})
    post(client, admin, "vendors", {"name": "Acme", "portal_url": "https://support.acme.test"})
    add_asset(app, "db-01.prod")
    engineer = {"name": "Eve Engineer", "organisation": "Acme", "plan_role": "vendor_engineer"}
    return post(client, admin, "contacts", engineer | {"vendor": "Acme", "phone": "+1 555 0100"})


CONTRACT: dict[str, Any] = {
    "number": "ACME-2026/01",
    "vendor": "Acme",
    "products": ["OpenSSL", " McAfee-Engine ", "openssl"],
    "assets": ["db-01.prod"],
    "level": "Premier",
    "hours": "24x7",
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
}
CUSTOMER: dict[str, Any] = {
    "name": "Globex Corp",
    "tier": 1,
    "slas": [
        {"service": "orders", "availability_target": 99.95, "response_minutes": 15},
        {"service": "wiki", "availability_target": 99.0, "penalty_terms": "5% credit"},
    ],
}


def test_vendor_lifecycle(app: FastAPI, client: TestClient, admin: User, viewer: User) -> None:
    engineer = seed(app, client, admin)
    name = "Initech / EMEA"
    made = client.post(f"{API}/vendors", json={"name": name}, headers=admin.headers)
    assert made.status_code == 201
    assert made.headers["location"] == f"{API}/vendors/{quote(name, safe='')}"
    assert get(client, viewer, f"vendors/{quote(name, safe='')}")["portal_url"] == ""
    acme = get(client, viewer, "vendors/Acme")
    assert [c["id"] for c in acme["contacts"]] == [engineer["id"]]
    assert [v["name"] for v in get(client, viewer, "vendors?q=emea")] == [name]

    changed = client.patch(
        f"{API}/vendors/{quote(name, safe='')}",
        json={"name": "Initech", "portal_url": "https://help.initech.test"},
        headers=admin.headers,
    )
    assert changed.status_code == 200
    assert get(client, viewer, "vendors/Initech")["portal_url"] == "https://help.initech.test"
    assert (
        client.get(f"{API}/vendors/{quote(name, safe='')}", headers=viewer.headers).status_code
        == 404
    )
    assert client.delete(f"{API}/vendors/Initech", headers=admin.headers).status_code == 204
    assert [v["name"] for v in get(client, viewer, "vendors")] == ["Acme"]


def test_contract_lifecycle(app: FastAPI, client: TestClient, admin: User, viewer: User) -> None:
    engineer = seed(app, client, admin)
    contract = post(
        client, admin, "contracts", CONTRACT | {"escalation_contacts": [engineer["id"]]}
    )
    assert contract["products"] == ["openssl", "mcafee-engine"]
    assert contract["assets"] == ["db-01.prod"]
    assert contract["escalation_contacts"][0]["phone"] == "+1 555 0100"
    path = f"contracts/{quote(CONTRACT['number'], safe='')}"
    assert get(client, viewer, path) == contract
    assert get(client, viewer, "vendors/Acme")["contracts"] == ["ACME-2026/01"]
    assert [c["number"] for c in get(client, viewer, "contracts?q=acme")] == ["ACME-2026/01"]

    changed = client.patch(
        f"{API}/{path}", json={"hours": "business", "ends_on": "2027-06-30"}, headers=admin.headers
    )
    assert changed.status_code == 200
    shown = get(client, viewer, path)
    assert (shown["hours"], shown["ends_on"], shown["level"]) == (
        "business",
        "2027-06-30",
        "Premier",
    )
    assert shown["escalation_contacts"] == contract["escalation_contacts"]

    assert client.delete(f"{API}/{path}", headers=admin.headers).status_code == 204
    assert client.get(f"{API}/{path}", headers=viewer.headers).status_code == 404
    # The contract's escalation contact outlives it.
    assert get(client, viewer, f"contacts/{engineer['id']}")["name"] == "Eve Engineer"


def test_contact_lifecycle(app: FastAPI, client: TestClient, admin: User, viewer: User) -> None:
    seed(app, client, admin)
    post(client, admin, "customers", {"name": "Globex Corp"})
    body = {
        "name": "Carol Counsel",
        "organisation": "Globex Corp",
        "plan_role": "legal",
        "email": "Carol@Globex.test",
        "customer": "Globex Corp",
        "notes": "Call before any breach notice.",
    }
    carol = post(client, admin, "contacts", body)
    assert carol["email"] == "carol@globex.test"
    assert carol["customer"] == "Globex Corp"
    assert carol["vendor"] is None
    assert [c["name"] for c in get(client, viewer, "contacts?plan_role=legal")] == ["Carol Counsel"]
    assert [c["name"] for c in get(client, viewer, "contacts?q=EVE")] == ["Eve Engineer"]
    assert get(client, viewer, "customers/Globex%20Corp")["contacts"][0]["id"] == carol["id"]

    path = f"{API}/contacts/{carol['id']}"
    changed = client.patch(
        path, json={"plan_role": "executive", "customer": None}, headers=admin.headers
    )
    assert changed.status_code == 200
    assert changed.json() | {"plan_role": "legal", "customer": "Globex Corp"} == carol
    assert get(client, viewer, "customers/Globex%20Corp")["contacts"] == []

    assert client.delete(path, headers=admin.headers).status_code == 204
    assert client.get(path, headers=viewer.headers).status_code == 404


def test_customer_lifecycle(app: FastAPI, client: TestClient, admin: User, viewer: User) -> None:
    seed(app, client, admin)
    customer = post(client, admin, "customers", CUSTOMER)
    assert [(s["service"], s["availability_target"]) for s in customer["slas"]] == [
        ("orders", 99.95),
        ("wiki", 99.0),
    ]
    assert get(client, viewer, "customers/Globex%20Corp") == customer
    assert [c["name"] for c in get(client, viewer, "customers?q=glob")] == ["Globex Corp"]

    slas = [{"service": "orders", "availability_target": 99.99, "response_minutes": 5}]
    changed = client.patch(
        f"{API}/customers/Globex%20Corp", json={"tier": 2, "slas": slas}, headers=admin.headers
    )
    assert changed.status_code == 200
    shown = get(client, viewer, "customers/Globex%20Corp")
    assert shown["tier"] == 2
    assert shown["slas"] == [slas[0] | {"penalty_terms": ""}]

    assert client.delete(f"{API}/customers/Globex%20Corp", headers=admin.headers).status_code == 204
    assert get(client, viewer, "customers") == []


def test_viewer_reads_but_cannot_write(
    app: FastAPI, client: TestClient, admin: User, viewer: User
) -> None:
    engineer = seed(app, client, admin)
    post(client, admin, "contracts", CONTRACT)
    post(client, admin, "customers", CUSTOMER)
    keys = {
        "vendors": "Acme",
        "contracts": quote(CONTRACT["number"], safe=""),
        "contacts": str(engineer["id"]),
        "customers": "Globex%20Corp",
    }
    for collection, key in keys.items():
        assert len(get(client, viewer, collection)) == 1
        one = f"{API}/{collection}/{key}"
        refusals = [
            client.post(f"{API}/{collection}", json={"name": "x"}, headers=viewer.headers),
            client.patch(one, json={}, headers=viewer.headers),
            client.delete(one, headers=viewer.headers),
        ]
        assert [r.status_code for r in refusals] == [403, 403, 403]
        assert "manager" in refusals[0].json()["detail"]
        assert client.get(one, headers=viewer.headers).status_code == 200


def test_duplicates_are_409(app: FastAPI, client: TestClient, admin: User) -> None:
    engineer = seed(app, client, admin)
    post(client, admin, "contracts", CONTRACT)
    post(client, admin, "customers", {"name": "Globex Corp"})
    again: dict[str, dict[str, Any]] = {
        "vendors": {"name": "Acme"},
        "contracts": CONTRACT,
        "contacts": {k: engineer[k] for k in ("name", "organisation", "plan_role")},
        "customers": {"name": "Globex Corp"},
    }
    for collection, body in again.items():
        response = client.post(f"{API}/{collection}", json=body, headers=admin.headers)
        assert response.status_code == 409, collection
        assert response.headers["content-type"] == "application/problem+json"
        assert len(get(client, admin, collection)) == 1
    # Renaming onto a taken name is a duplicate too.
    post(client, admin, "vendors", {"name": "Initech"})
    renamed = client.patch(f"{API}/vendors/Initech", json={"name": "Acme"}, headers=admin.headers)
    assert renamed.status_code == 409
    assert [v["name"] for v in get(client, admin, "vendors")] == ["Acme", "Initech"]
    # The same name in another organisation is another person.
    post(client, admin, "contacts", again["contacts"] | {"organisation": "Initech"})


BAD_INPUT = [
    ("contracts", CONTRACT | {"hours": "weekends"}, "hours"),
    ("contracts", CONTRACT | {"ends_on": "2025-12-31"}, "ends_on"),
    ("contracts", CONTRACT | {"vendor": "Nobody Inc"}, "vendor"),
    ("contracts", CONTRACT | {"assets": ["db-01.prod", "ghost-99"]}, "assets"),
    ("contracts", CONTRACT | {"escalation_contacts": [999_999]}, "escalation_contacts"),
    ("contracts", CONTRACT | {"surprise": 1}, "surprise"),
    (
        "customers",
        CUSTOMER | {"slas": [{"service": "orders"}, {"service": "ghost"}]},
        "slas.1.service",
    ),
    (
        "customers",
        CUSTOMER | {"slas": [{"service": "orders"}, {"service": "orders"}]},
        "slas.1.service",
    ),
    (
        "customers",
        CUSTOMER | {"slas": [{"service": "orders", "availability_target": 0}]},
        "slas.0.availability_target",
    ),
    (
        "customers",
        CUSTOMER | {"slas": [{"service": "orders", "availability_target": 101}]},
        "slas.0.availability_target",
    ),
    (
        "customers",
        CUSTOMER | {"slas": [{"service": "orders", "response_minutes": 0}]},
        "slas.0.response_minutes",
    ),
    ("customers", CUSTOMER | {"tier": 5}, "tier"),
    ("contacts", {"name": "Pat", "plan_role": "ceo"}, "plan_role"),
    ("contacts", {"name": "Pat", "plan_role": "pr", "vendor": "Nobody Inc"}, "vendor"),
    ("contacts", {"name": "Pat", "plan_role": "pr", "customer": "Nobody Ltd"}, "customer"),
    ("contacts", {"name": "Pat", "plan_role": "pr", "email": "not-an-address"}, "email"),
    ("vendors", {"name": "Initech", "portal_url": "javascript:alert(1)"}, "portal_url"),
    ("vendors", {"name": "  "}, "name"),
]


@pytest.mark.parametrize(("collection", "body", "field"), BAD_INPUT)
def test_bad_input_names_the_field_and_writes_nothing(
    app: FastAPI, client: TestClient, admin: User, collection: str, body: dict[str, Any], field: str
) -> None:
    seed(app, client, admin)
    before = get(client, admin, collection)
    response = client.post(f"{API}/{collection}", json=body, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert get(client, admin, collection) == before


def test_bad_patch_names_the_field_and_changes_nothing(
    app: FastAPI, client: TestClient, admin: User
) -> None:
    seed(app, client, admin)
    path = f"contracts/{quote(CONTRACT['number'], safe='')}"
    before = post(client, admin, "contracts", CONTRACT)
    for change, field in [
        ({"ends_on": "2025-06-30"}, "ends_on"),
        ({"level": "Gold", "assets": ["ghost-99"]}, "assets"),
        ({"vendor": None}, "vendor"),
    ]:
        response = client.patch(f"{API}/{path}", json=change, headers=admin.headers)
        assert response.status_code == 422, response.text
        assert field in [e["field"] for e in response.json()["errors"]]
        assert get(client, admin, path) == before


def test_missing_records_are_404(client: TestClient, viewer: User, admin: User) -> None:
    for path in ("vendors/Nobody", "contracts/X-1", "contacts/12345", "customers/Nobody"):
        assert client.get(f"{API}/{path}", headers=viewer.headers).status_code == 404
        assert client.patch(f"{API}/{path}", json={}, headers=admin.headers).status_code == 404
        assert client.delete(f"{API}/{path}", headers=admin.headers).status_code == 404


def test_vendor_with_contracts_is_kept(app: FastAPI, client: TestClient, admin: User) -> None:
    seed(app, client, admin)
    post(client, admin, "contracts", CONTRACT)
    response = client.delete(f"{API}/vendors/Acme", headers=admin.headers)
    assert response.status_code == 409
    assert CONTRACT["number"] in response.json()["detail"]
    assert len(get(client, admin, "contracts")) == 1


def test_save_helpers_create_then_replace(app: FastAPI, client: TestClient, admin: User) -> None:
    """The upsert helpers a plan apply calls: the second save replaces every field."""
    seed(app, client, admin)
    first = ContractIn.model_validate(CONTRACT)
    with transaction(app.state.sessions) as session:
        vendor = parties.do_save_vendor(session=session, data=VendorIn(name="Initech"))
        parties.do_save_contract(session=session, data=first)
    second = first.model_copy(update={"vendor": "Initech", "assets": [], "level": "Basic"})
    with transaction(app.state.sessions) as session:
        existing = parties.find_contract(session=session, number=first.number)
        assert existing is not None
        assert parties.contract_in(existing) == first
        parties.do_save_contract(session=session, data=second, existing=existing)
    with transaction(app.state.sessions) as session:
        [saved] = parties.list_contracts(session=session)
        assert parties.contract_in(saved) == second
        assert session.get(Vendor, vendor.id) is not None
