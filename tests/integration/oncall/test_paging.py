"""The escalation engine on both databases: steps, acknowledgements, repeats, resolving,
snapshots and bundling, driven by the test clock."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.oncall.paging_helpers import (
    Org,
    declare,
    deliveries,
    escalation_states,
    make_org,
    make_policy,
    mark_sent,
    ok,
    pages,
    run_due,
    texts,
)


@pytest.fixture
def org(client: TestClient, app: FastAPI, admin: User) -> Org:
    return make_org(client, app, admin)


def test_declaring_pages_step_1_and_an_ack_stops_step_2(
    client: TestClient, app: FastAPI, clock: Clock, org: Org
) -> None:
    ref = declare(client, org.admin)
    paged = pages(client, org.admin, ref)
    assert set(paged) == {"Ann"}
    assert "on call for Payments primary" in paged["Ann"]["reason"]
    assert any(
        "Paged Ann (on call for Payments primary), Payments, step 1 of 2" in t
        for t in texts(client, org.admin, ref)
    )
    [mail] = deliveries(client, org.admin, ref)
    assert (mail["person"]["name"], mail["channel"], mail["address"]) == (
        "Ann",
        "email",
        org.ann.email,
    )
    assert mail["due_at"] == clock.now.isoformat().replace("+00:00", "Z")

    clock.advance(minutes=2)
    acked = ok(
        client.post(f"/api/v1/pages/{paged['Ann']['id']}/acknowledge", headers=org.ann.headers)
    )
    assert (acked["status"], acked["acknowledged_via"]) == ("acknowledged", "api")
    assert escalation_states(app) == [("acknowledged", 1, 0)]
    assert run_due(app, clock, minutes=30) == 0
    assert set(pages(client, org.admin, ref)) == {"Ann"}
    incident = ok(client.get(f"/api/v1/incidents/{ref}", headers=org.admin.headers))
    assert incident["acknowledged_at"] is not None
    assert any("Ann acknowledged the page (via api)" in t for t in texts(client, org.admin, ref))


def test_step_2_runs_after_the_delay_and_its_ack_stops_the_escalation(
    client: TestClient, app: FastAPI, clock: Clock, org: Org
) -> None:
    ref = declare(client, org.admin)
    assert run_due(app, clock, minutes=4) == 0  # step 1 waits five minutes
    assert run_due(app, clock, minutes=1) == 1
    paged = pages(client, org.admin, ref)
    assert set(paged) == {"Ann", "Bob"}
    assert "step 2 of 2" in paged["Bob"]["reason"]
    ok(client.post(f"/api/v1/pages/{paged['Bob']['id']}/acknowledge", headers=org.bob.headers))
    assert escalation_states(app) == [("acknowledged", 2, 0)]
    assert run_due(app, clock, hours=1) == 0
    assert not any("nobody acknowledged" in t for t in texts(client, org.admin, ref))


def test_repeat_runs_the_steps_twice_then_the_escalation_is_exhausted(
    client: TestClient, app: FastAPI, clock: Clock, org: Org
) -> None:
    make_policy(
        client,
        org.admin,
        "Twice",
        [({"person": org.ann.email}, 5), ({"person": org.bob.email}, 5)],
        repeat=1,
    )
    ok(
        client.put(
            "/api/v1/services/wiki/escalation-policy",
            json={"policy": "Twice"},
            headers=org.admin.headers,
        )
    )
    ref = declare(client, org.admin, services=["wiki"])
    mark_sent(app, clock.now)
    assert run_due(app, clock, minutes=5) == 1  # step 2, round 1
    mark_sent(app, clock.now)
    assert run_due(app, clock, minutes=5) == 1  # step 1 again, round 2
    assert run_due(app, clock, minutes=5) == 1  # step 2, round 2
    assert escalation_states(app) == [("active", 2, 1)]
    assert run_due(app, clock, minutes=5) == 1  # the last wait is over
    assert escalation_states(app) == [("exhausted", 2, 1)]
    assert run_due(app, clock, hours=1) == 0
    timeline = texts(client, org.admin, ref)
    assert sum("Paged Ann" in t for t in timeline) == 2
    assert any("step 1 of 2, round 2 of 2" in t for t in timeline)
    assert any("nobody acknowledged" in t for t in timeline)
    # Round 2 told Ann again (her first message was out); still one page for her.
    ann = [d for d in deliveries(client, org.admin, ref) if d["person"]["name"] == "Ann"]
    assert len(ann) == 2
    assert len({d["page_id"] for d in ann}) == 1


def test_resolving_stops_all_paging(
    client: TestClient, app: FastAPI, clock: Clock, org: Org
) -> None:
    ref = declare(client, org.admin, severity="SEV1")
    assert set(pages(client, org.admin, ref)) == {"Ann", "Ivan", "Olga"}
    clock.advance(minutes=1)
    ok(
        client.patch(
            f"/api/v1/incidents/{ref}", json={"status": "resolved"}, headers=org.admin.headers
        )
    )
    assert {p["status"] for p in pages(client, org.admin, ref).values()} == {"closed"}
    assert {d["status"] for d in deliveries(client, org.admin, ref)} == {"cancelled"}
    assert escalation_states(app) == [("stopped", 1, 0)]
    assert run_due(app, clock, hours=1) == 0
    assert "Bob" not in pages(client, org.admin, ref)
    assert any("Paging stopped (incident resolved)" in t for t in texts(client, org.admin, ref))


def test_reopening_a_major_incident_pages_again(
    client: TestClient, app: FastAPI, clock: Clock, org: Org
) -> None:
    ref = declare(client, org.admin)
    h = org.admin.headers
    ok(client.patch(f"/api/v1/incidents/{ref}", json={"status": "resolved"}, headers=h))
    clock.advance(minutes=30)
    ok(client.patch(f"/api/v1/incidents/{ref}", json={"status": "investigating"}, headers=h))
    assert escalation_states(app) == [("stopped", 1, 0), ("active", 1, 0)]
    assert pages(client, org.admin, ref)["Ann"]["status"] == "open"
    assert "SEV2 reopened" in pages(client, org.admin, ref)["Ann"]["reason"]


def test_a_policy_edit_does_not_change_a_running_escalation(
    client: TestClient, app: FastAPI, clock: Clock, org: Org
) -> None:
    ref = declare(client, org.admin)
    changed = {
        "name": "Payments",
        "steps": [{"delay_minutes": 1, "targets": [{"person": org.sam.email}]}],
    }
    ok(client.put("/api/v1/escalation-policies/Payments", json=changed, headers=org.admin.headers))
    assert run_due(app, clock, minutes=5) == 1
    assert set(pages(client, org.admin, ref)) == {"Ann", "Bob"}
    later = declare(client, org.admin, title="Refunds failing")
    assert set(pages(client, org.admin, later)) == {"Sam"}


def test_two_triggers_make_one_page_per_person(
    client: TestClient, app: FastAPI, clock: Clock, org: Org
) -> None:
    make_policy(client, org.admin, "Wiki", [({"schedule": "Payments primary"}, 5)])
    ok(
        client.put(
            "/api/v1/services/wiki/escalation-policy",
            json={"policy": "Wiki"},
            headers=org.admin.headers,
        )
    )
    ref = declare(client, org.admin, services=["payments", "wiki"])
    assert len(escalation_states(app)) == 2
    clock.advance(minutes=1)
    by_hand = ok(
        client.post(
            f"/api/v1/incidents/{ref}/page", json={"person": org.ann.email}, headers=org.bob.headers
        )
    )
    assert [p["person"]["name"] for p in by_hand["pages"]] == ["Ann"]
    assert len(deliveries(client, org.admin, ref)) == 1
    assert any("already paged" in t for t in texts(client, org.admin, ref))
    # Long after her message went out, a new trigger tells her again, on the same page.
    mark_sent(app, clock.now)
    clock.advance(minutes=45)
    ok(
        client.post(
            f"/api/v1/incidents/{ref}/page", json={"person": org.ann.email}, headers=org.bob.headers
        )
    )
    assert len(deliveries(client, org.admin, ref)) == 2
    assert len(pages(client, org.admin, ref)) == 1


def test_escalate_now_runs_the_next_step_without_waiting(
    client: TestClient, app: FastAPI, clock: Clock, org: Org
) -> None:
    ref = declare(client, org.admin)
    moved = ok(client.post(f"/api/v1/incidents/{ref}/escalate", headers=org.ann.headers))
    assert moved["paged"] == 1
    assert {p["person"]["name"] for p in moved["pages"]} == {"Ann", "Bob"}
    assert any("Ann escalated" in t for t in texts(client, org.admin, ref))
    assert client.post(f"/api/v1/incidents/{ref}/escalate").status_code == 401


def test_paging_by_hand_needs_a_responder_and_an_active_incident(
    client: TestClient, app: FastAPI, clock: Clock, org: Org, viewer: User
) -> None:
    ref = declare(client, org.admin, severity="SEV3")
    assert pages(client, org.admin, ref) == {}
    body = {"person": org.bob.email}
    assert (
        client.post(f"/api/v1/incidents/{ref}/page", json=body, headers=viewer.headers).status_code
        == 403
    )
    unknown = client.post(
        f"/api/v1/incidents/{ref}/page",
        json={"person": "nobody@example.com"},
        headers=org.ann.headers,
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "person"
    both = client.post(f"/api/v1/incidents/{ref}/page", json={}, headers=org.ann.headers)
    assert both.status_code == 422
    ok(
        client.post(
            f"/api/v1/incidents/{ref}/page", json={"policy": "Payments"}, headers=org.ann.headers
        )
    )
    assert set(pages(client, org.admin, ref)) == {"Ann"}
    # The SEV3's escalation waiting for business hours started now, not a second one.
    assert escalation_states(app) == [("active", 1, 0)]
    ok(
        client.patch(
            f"/api/v1/incidents/{ref}", json={"status": "resolved"}, headers=org.admin.headers
        )
    )
    late = client.post(f"/api/v1/incidents/{ref}/page", json=body, headers=org.ann.headers)
    assert late.status_code == 409


def test_releasing_a_participant_closes_their_page(
    client: TestClient, app: FastAPI, clock: Clock, org: Org
) -> None:
    ref = declare(client, org.admin, severity="SEV1")
    incident = ok(client.get(f"/api/v1/incidents/{ref}", headers=org.admin.headers))
    olga = next(p for p in incident["participants"] if p["person"]["name"] == "Olga")
    ok(
        client.post(
            f"/api/v1/incidents/{ref}/participants/{olga['id']}/release", headers=org.admin.headers
        )
    )
    paged = pages(client, org.admin, ref)
    assert paged["Olga"]["status"] == "closed"
    assert paged["Ann"]["status"] == "open"


def test_someone_elses_page_needs_a_responder_to_acknowledge(
    client: TestClient, app: FastAPI, clock: Clock, org: Org, viewer: User
) -> None:
    ref = declare(client, org.admin)
    page_id = pages(client, org.admin, ref)["Ann"]["id"]
    path = f"/api/v1/pages/{page_id}/acknowledge"
    assert client.post(path, headers=viewer.headers).status_code == 403
    assert client.get("/api/v1/pages", headers=viewer.headers).json() == []  # mine: none
    assert ok(client.get(f"/api/v1/pages/{page_id}", headers=viewer.headers))["status"] == "open"
    acked = ok(client.post(path, headers=org.bob.headers))
    assert acked["status"] == "acknowledged"
    assert any("Bob acknowledged Ann's page (via api)" in t for t in texts(client, org.admin, ref))
    assert ok(client.post(path, headers=org.ann.headers))["status"] == "acknowledged"  # again
    assert client.post("/api/v1/pages/9999/acknowledge", headers=org.ann.headers).status_code == 404
