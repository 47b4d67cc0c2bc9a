"""Declaring incidents through the API."""

from fastapi.testclient import TestClient

from tests.conftest import User
from tests.integration.incidents.helpers import declare, seed_catalog, timeline


def test_sev1_without_commander_makes_the_declarer_ic(
    client: TestClient, admin: User, responder: User
) -> None:
    seed_catalog(client, admin)
    response = client.post(
        "/api/v1/incidents",
        json={
            "title": "Sales ordering down",
            "description": "500s on checkout",
            "kind": "service",
            "severity": "SEV1",
            "services": ["orders"],
        },
        headers=responder.headers,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["ref"].startswith("INC-")
    assert response.headers["location"] == f"/api/v1/incidents/{body['ref']}"
    assert body["status"] == "triage"
    assert body["services"] == ["orders"]
    assert body["commander"]["email"] == responder.email
    assert body["reporter"]["email"] == responder.email
    texts = [e["text"] for e in timeline(client, responder, body["ref"])]
    assert any("No commander was named" in t and responder.name in t for t in texts)


def test_named_commander_is_used(client: TestClient, admin: User, responder: User) -> None:
    body = declare(client, responder, severity="SEV1", commander=admin.email)
    assert body["commander"]["email"] == admin.email
    assert not any("No commander" in e["text"] for e in timeline(client, admin, body["ref"]))


def test_minor_incident_has_no_forced_commander(client: TestClient, responder: User) -> None:
    body = declare(client, responder, severity="SEV3")
    assert body["commander"] is None
    assert body["roles"] == []


def test_owners_of_impacted_services_join(client: TestClient, admin: User, responder: User) -> None:
    seed_catalog(client, admin, owner=responder)
    body = declare(client, admin, severity="SEV3", services=["orders", "wiki"])
    joined = {p["person"]["email"]: p["reason"] for p in body["participants"]}
    assert responder.email in joined
    assert "owner of orders" in joined[responder.email]


def test_templates_follow_kind_and_severity(client: TestClient, responder: User) -> None:
    major = declare(client, responder, severity="SEV1")
    titles = [t["title"] for t in major["tasks"]]
    assert any("planned changes" in t for t in titles)
    assert all(t["due_at"] is None or t["due_at"] > major["declared_at"] for t in major["tasks"])
    ic_tasks = [t for t in major["tasks"] if t["assignee"]]
    assert ic_tasks
    assert all(t["assignee"]["email"] == responder.email for t in ic_tasks)
    minor = declare(client, responder, severity="SEV4")
    assert minor["tasks"] == []
    security = declare(client, responder, severity="SEV3", kind="security")
    assert any("evidence" in t["title"] for t in security["tasks"])


def test_started_and_detected_times_are_kept(client: TestClient, responder: User) -> None:
    body = declare(
        client,
        responder,
        severity="SEV3",
        started_at="2026-11-23T20:00:00Z",
        detected_at="2026-11-23T20:30:00+00:00",
    )
    assert body["started_at"] == "2026-11-23T20:00:00Z"
    assert body["detected_at"] == "2026-11-23T20:30:00Z"
