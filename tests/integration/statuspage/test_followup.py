"""After the incident (SQLite and PostgreSQL): the customers it hurt most, by tier and the
share of their SLA's monthly downtime budget it used, each given a tracked outreach task once."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.incidents.helpers import declare
from tests.integration.web.helpers import post, sign_in


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_the_most_affected_customers_come_first_and_each_gets_one_outreach_task(
    client: TestClient, admin: User, clock: Clock
) -> None:
    for name in ("orders", "wiki"):
        ok(client.post("/api/v1/services", json={"name": name, "tier": 1},
                       headers=admin.headers), 201)  # fmt: skip
    customers = (
        ("Big Corp", 1, [{"service": "orders", "availability_target": 99.9}]),
        ("Small Shop", 3, [{"service": "orders", "availability_target": 99.5}]),
        ("Strict Ltd", 1, [{"service": "orders", "availability_target": 99.99,
                            "response_minutes": 5}]),
        ("Wiki Fans", 1, [{"service": "wiki"}]),
    )  # fmt: skip
    for name, tier, slas in customers:
        body = {"name": name, "tier": tier, "slas": slas}
        ok(client.post("/api/v1/customers", json=body, headers=admin.headers), 201)
    # A SEV3: a major incident would have its outreach planned as it is resolved (below).
    ref = declare(client, admin, severity="SEV3", services=["orders"])["ref"]
    clock.advance(minutes=43)
    resolve = {"status": "resolved", "message": "Back"}
    ok(client.patch(f"/api/v1/incidents/{ref}", json=resolve, headers=admin.headers))
    url = f"/api/v1/incidents/{ref}/affected-customers"
    found = ok(client.get(url, headers=admin.headers))
    assert [(c["customer"], c["budget_share"]) for c in found] == [
        ("Strict Ltd", 9.954),  # 43 min of a 4.3 min budget
        ("Big Corp", 0.995),
        ("Small Shop", 0.199),
    ]
    assert found[0]["outage_minutes"] == 43.0
    assert all(c["task_id"] is None for c in found)
    planned = ok(client.post(f"{url}/outreach", headers=admin.headers))
    assert [c["task_status"] for c in planned] == ["open", "open", "open"]
    again = ok(client.post(f"{url}/outreach", headers=admin.headers))
    assert [c["task_id"] for c in again] == [c["task_id"] for c in planned]  # once each
    tasks = ok(client.get(f"/api/v1/incidents/{ref}", headers=admin.headers))["tasks"]
    titles = [t["title"] for t in tasks if t["title"].startswith("Customer follow-up")]
    assert sorted(titles) == [f"Customer follow-up: {n}" for n in ("Big Corp", "Small Shop",
                                                                   "Strict Ltd")]  # fmt: skip


def _customers(client: TestClient, admin: User) -> None:
    ok(client.post("/api/v1/services", json={"name": "orders", "tier": 1},
                   headers=admin.headers), 201)  # fmt: skip
    for name, tier in (("Big Corp", 1), ("Small Shop", 3)):
        body = {"name": name, "tier": tier,
                "slas": [{"service": "orders", "availability_target": 99.9}]}  # fmt: skip
        ok(client.post("/api/v1/customers", json=body, headers=admin.headers), 201)


def test_a_resolved_major_incident_plans_its_outreach_and_the_war_room_tracks_it(
    client: TestClient, admin: User, clock: Clock
) -> None:
    _customers(client, admin)
    ref = declare(client, admin, severity="SEV1", services=["orders"])["ref"]
    csrf = sign_in(client, admin)
    assert 'id="followup"' in client.get(f"/incidents/{ref}").text  # major: shown while open
    clock.advance(minutes=30)
    resolve = {"status": "resolved", "message": "Back"}
    ok(client.patch(f"/api/v1/incidents/{ref}", json=resolve, headers=admin.headers))
    found = ok(client.get(f"/api/v1/incidents/{ref}/affected-customers", headers=admin.headers))
    assert [(c["customer"], c["task_status"]) for c in found] == [
        ("Big Corp", "open"), ("Small Shop", "open"),
    ]  # fmt: skip
    tasks = ok(client.get(f"/api/v1/incidents/{ref}", headers=admin.headers))["tasks"]
    big = next(t for t in tasks if t["title"] == "Customer follow-up: Big Corp")
    done = {"status": "done"}
    ok(client.patch(f"/api/v1/incidents/{ref}/tasks/{big['id']}", json=done,
                    headers=admin.headers))  # fmt: skip
    page = client.get(f"/incidents/{ref}").text
    panel = page[page.index('id="followup"') :]
    assert "1 of 2 reached" in panel
    assert "Add an outreach task" not in panel  # nobody is missing one
    assert post(client, f"/incidents/{ref}/affected-customers/outreach", csrf).status_code == 303


def test_a_minor_incident_shows_the_panel_once_someone_plans_outreach(
    client: TestClient, admin: User
) -> None:
    _customers(client, admin)
    ref = declare(client, admin, severity="SEV3", services=["orders"])["ref"]
    csrf = sign_in(client, admin)
    assert 'id="followup"' not in client.get(f"/incidents/{ref}").text
    planned = post(client, f"/incidents/{ref}/affected-customers/outreach", csrf)
    assert planned.status_code == 303
    assert planned.headers["location"].endswith("#followup")
    page = client.get(f"/incidents/{ref}").text
    assert "0 of 2 reached" in page
    tasks = ok(client.get(f"/api/v1/incidents/{ref}", headers=admin.headers))["tasks"]
    assert sorted(t["title"] for t in tasks if t["title"].startswith("Customer follow-up")) == [
        "Customer follow-up: Big Corp", "Customer follow-up: Small Shop",
    ]  # fmt: skip


def test_an_unacknowledged_incident_misses_the_response_time_as_the_minutes_pass(
    client: TestClient, admin: User, clock: Clock
) -> None:
    ok(client.post("/api/v1/services", json={"name": "orders", "tier": 1},
                   headers=admin.headers), 201)  # fmt: skip
    body = {"name": "Strict Ltd", "tier": 1,
            "slas": [{"service": "orders", "response_minutes": 5}]}  # fmt: skip
    ok(client.post("/api/v1/customers", json=body, headers=admin.headers), 201)
    ref = declare(client, admin, severity="SEV3", services=["orders"])["ref"]
    url = f"/api/v1/incidents/{ref}/affected-customers"
    assert ok(client.get(url, headers=admin.headers))[0]["response_missed"] is False
    clock.advance(minutes=6)  # still nobody has acknowledged it
    assert ok(client.get(url, headers=admin.headers))[0]["response_missed"] is True
