"""The change calendar over the API on SQLite and PostgreSQL: changes through their states
with approvals and holds, conflicts found when things happen, windows that repeat, the iCal
feed, deploys reported as change events, and suspects on an incident."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar

from tests.conftest import Clock, User, make_user
from tests.integration.alerts.ingest_helpers import make_integration
from tests.integration.changes.helpers import (
    approved_change,
    create_change,
    iso,
    ok,
    patch,
    reasons,
    seed_catalog,
    show,
)
from tests.integration.incidents.helpers import declare, timeline
from warroom.access.rules import Role
from warroom.catalog.lifecycles import shipped_data


def test_a_change_is_created_listed_and_shown_with_its_scope_and_risk(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    made = create_change(
        client,
        responder,
        clock.now,
        title="Patch and reboot orders",
        services=["orders"],
        assets=["db-01"],
        reboot_required=True,
        implementer=admin.email,
    )
    assert made["ref"] == f"CHG-{made['id']}"
    assert (made["state"], made["type"], made["source"]) == ("draft", "normal", "api")
    assert (made["services"], made["assets"]) == (["orders"], ["db-01"])
    assert made["owner"]["email"] == responder.email
    assert made["implementer"]["email"] == admin.email
    # Tier-1 service and a reboot: high, and taken as the risk since none was given.
    assert made["suggested_risk"] == made["risk"] == "high"
    assert [h["code"] for h in made["risk_hints"]] == ["tier", "reboot"]
    assert made["scope"] == {
        "services": ["order-db", "orders"],
        "hosts": ["db-01", "ord-01", "ord-02"],
        "dependencies": [],
        "dependents": ["checkout"],
    }
    assert [e["kind"] for e in made["log"]] == ["created"]
    other = create_change(client, responder, clock.now, title="Wiki upgrade", services=["wiki"])
    assert other["risk"] == "low"

    listed = ok(client.get("/api/v1/changes", headers=responder.headers))
    assert [c["title"] for c in listed] == ["Patch and reboot orders", "Wiki upgrade"]
    on_orders = ok(client.get("/api/v1/changes?service=orders", headers=responder.headers))
    assert [c["id"] for c in on_orders] == [made["id"]]
    assert ok(client.get("/api/v1/changes?state=approved", headers=responder.headers)) == []
    later = iso(clock.now + timedelta(days=2))
    assert ok(client.get("/api/v1/changes", params={"since": later}, headers=admin.headers)) == []
    assert show(client, responder, made["ref"])["title"] == "Patch and reboot orders"
    assert show(client, responder, str(made["id"]))["id"] == made["id"]
    assert client.get("/api/v1/changes/CHG-999", headers=responder.headers).status_code == 404


def test_a_normal_change_is_submitted_approved_by_its_authority_scheduled_and_completed(
    app: FastAPI, client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    authority = make_user(app, Role.responder, "Carl Authority")
    made = create_change(client, responder, clock.now, authority=authority.email)
    submitted = ok(patch(client, responder, made["ref"], state="submitted"))
    assert submitted["state"] == "submitted"
    url = f"/api/v1/changes/{made['ref']}/approvals"
    outsider = make_user(app, Role.responder, "Olly Outsider")
    assert client.post(url, json={}, headers=outsider.headers).status_code == 403
    clock.advance(minutes=5)
    approved = ok(client.post(url, json={"comment": "go"}, headers=authority.headers))
    assert approved["state"] == "approved"
    (approval,) = approved["approvals"]
    assert approval["person"]["email"] == authority.email
    assert (approval["decision"], approval["comment"]) == ("approved", "go")
    assert approval["decided_at"].startswith(iso(clock.now)[:19])
    assert ok(patch(client, responder, made["ref"], state="scheduled"))["state"] == "scheduled"
    clock.advance(hours=2)
    started = ok(patch(client, responder, made["ref"], state="in_progress"))
    assert started["actual_start"].startswith(iso(clock.now)[:19])
    clock.advance(hours=1)
    done = ok(patch(client, responder, made["ref"], state="completed", reason="all patched"))
    assert (done["state"], done["actual_end"][:19]) == ("completed", iso(clock.now)[:19])
    kinds = [(e["kind"], e["text"]) for e in done["log"]]
    assert kinds[0] == ("created", "Patch orders servers")
    assert ("approved", "go") in kinds
    assert kinds[-1] == ("state_changed", "in_progress → completed: all patched")


def test_a_rejected_change_goes_back_to_draft_and_a_standard_one_is_approved_on_submit(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    made = create_change(client, responder, clock.now, submit=True)
    url = f"/api/v1/changes/{made['ref']}/approvals"
    rejected = ok(client.post(url, json={"decision": "rejected"}, headers=admin.headers))
    assert rejected["state"] == "draft"
    assert rejected["approvals"][0]["decision"] == "rejected"
    standard = create_change(client, responder, clock.now, type="standard", submit=True)
    assert standard["state"] == "approved"


def test_the_owner_holds_a_scheduled_change_and_releases_it(
    app: FastAPI, client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    made = approved_change(client, responder, admin, clock.now)
    ok(patch(client, responder, made["ref"], state="scheduled"))
    hold = f"/api/v1/changes/{made['ref']}/hold"
    outsider = make_user(app, Role.responder, "Olly Outsider")
    refused = client.post(hold, json={"reason": "mine now"}, headers=outsider.headers)
    assert refused.status_code == 403
    held = ok(client.post(hold, json={"reason": "vendor advisory"}, headers=responder.headers))
    assert (held["state"], held["held_from"]) == ("on_hold", "scheduled")
    assert [e["text"] for e in held["log"] if e["kind"] == "held"] == ["vendor advisory"]
    release = f"/api/v1/changes/{made['ref']}/release"
    back = ok(client.post(release, json={"reason": "advisory withdrawn"}, headers=admin.headers))
    assert (back["state"], back["held_from"]) == ("scheduled", None)
    assert [e["text"] for e in back["log"] if e["kind"] == "released"] == ["advisory withdrawn"]
    again = client.post(release, json={"reason": "twice"}, headers=admin.headers)
    assert again.status_code == 422


def test_conflicts_follow_the_incident_as_it_opens_grows_and_changes_scope(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    made = create_change(client, responder, clock.now)
    assert show(client, responder, made["ref"])["conflicts"] == []
    # An incident opening on a service the scope depends on: a dependency conflict, kept.
    ref = declare(client, admin, severity="SEV3", services=["order-db"])["ref"]
    kept = show(client, responder, made["ref"])["conflicts"]
    assert [(c["reason"], c["severity"], c["incident"]) for c in kept] == [
        ("dependency", "medium", ref)
    ]
    # The incident's scope now takes in orders itself.
    body = {"services": ["order-db", "orders"]}
    ok(client.patch(f"/api/v1/incidents/{ref}", json=body, headers=admin.headers))
    assert reasons(client, responder, made["ref"]) == [("incident", "high")]
    kept = show(client, responder, made["ref"])["conflicts"]
    assert [(c["reason"], c["severity"]) for c in kept] == [("incident", "high")]
    # Raised to SEV1: critical.
    ok(client.patch(f"/api/v1/incidents/{ref}", json={"severity": "SEV1"}, headers=admin.headers))
    kept = show(client, responder, made["ref"])["conflicts"]
    assert [(c["reason"], c["severity"]) for c in kept] == [("incident", "critical")]
    assert "Orders failing" in kept[0]["detail"]
    # Resolved: nothing left.
    resolved = {"status": "resolved"}
    ok(client.patch(f"/api/v1/incidents/{ref}", json=resolved, headers=admin.headers))
    assert show(client, responder, made["ref"])["conflicts"] == []
    assert reasons(client, responder, made["ref"]) == []


def test_another_change_on_the_same_assets_and_a_busy_implementer_conflict(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    first = approved_change(client, responder, admin, clock.now, implementer=admin.email)
    second = create_change(client, responder, clock.now, assets=["ord-01"], services=[])
    assert reasons(client, responder, second["ref"]) == [("change_overlap", "high")]
    wiki = create_change(client, responder, clock.now, services=["wiki"], implementer=admin.email)
    assert reasons(client, responder, wiki["ref"]) == [("implementer_busy", "medium")]
    # A draft is an idea, not a booking: the first change sees neither.
    assert reasons(client, responder, first["ref"]) == []


def test_end_of_life_software_in_the_scope_conflicts_and_raises_the_risk(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    body = {"product": "openssl", "data": shipped_data("openssl")}
    ok(client.post("/api/v1/lifecycles", json=body, headers=admin.headers), 201)
    software = [{"product": "openssl", "version": "1.0.1e"}]
    ok(client.patch("/api/v1/assets/wiki-01", json={"software": software}, headers=admin.headers))
    made = create_change(client, responder, clock.now, services=["wiki"], reboot_required=True)
    assert reasons(client, responder, made["ref"]) == [("end_of_life", "high")]
    assert [h["code"] for h in made["risk_hints"]] == ["end_of_life", "reboot"]
    assert made["risk"] == "medium"
    (kept,) = made["conflicts"]
    assert "openssl 1.0.1" in kept["detail"]
    assert "wiki-01" in kept["detail"]


def window(client: TestClient, user: User, **fields: Any) -> Any:
    return client.post("/api/v1/windows", json=fields, headers=user.headers)


def test_windows_repeat_by_rule_and_a_change_inside_a_freeze_conflicts(
    app: FastAPI, client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    manager = make_user(app, Role.manager, "Mona Manager")
    friday = clock.now.replace(day=27, hour=18)  # Friday 27 November 2026, 18:00 UTC
    made = ok(
        window(
            client,
            manager,
            name="Weekend freeze",
            kind="freeze",
            starts_at=iso(friday),
            ends_at=iso(friday + timedelta(hours=62)),
            rrule="FREQ=WEEKLY;COUNT=3",
            reason="Peak season",
        ),
        201,
    )
    assert made["rrule"] == "FREQ=WEEKLY;COUNT=3"
    assert made["repeat_until"].startswith(iso(friday + timedelta(days=14, hours=62))[:19])
    assert [start[:10] for start, _ in made["next"]] == ["2026-11-27", "2026-12-04", "2026-12-11"]
    assert made["active"] is False
    maintenance = ok(
        window(
            client,
            manager,
            name="Wiki patch night",
            starts_at=iso(clock.now + timedelta(hours=1)),
            ends_at=iso(clock.now + timedelta(hours=3)),
            services=["wiki"],
        ),
        201,
    )
    listed = ok(client.get("/api/v1/windows", headers=responder.headers))
    assert [w["name"] for w in listed] == ["Wiki patch night", "Weekend freeze"]
    freezes = ok(client.get("/api/v1/windows?kind=freeze", headers=responder.headers))
    assert [w["id"] for w in freezes] == [made["id"]]
    shown = ok(client.get(f"/api/v1/windows/{made['id']}", headers=responder.headers))
    assert shown["name"] == "Weekend freeze"
    # The second Saturday of the freeze, and a Tuesday between two occurrences.
    saturday = friday + timedelta(days=8)
    inside = create_change(
        client,
        responder,
        clock.now,
        planned_start=iso(saturday),
        planned_end=iso(saturday + timedelta(hours=2)),
    )
    assert reasons(client, responder, inside["ref"]) == [("freeze", "high")]
    assert "Weekend freeze" in inside["conflicts"][0]["detail"]
    tuesday = friday + timedelta(days=4)
    outside = create_change(
        client,
        responder,
        clock.now,
        planned_start=iso(tuesday),
        planned_end=iso(tuesday + timedelta(hours=2)),
    )
    assert reasons(client, responder, outside["ref"]) == []
    # Lifted: the change is free.
    assert (
        client.delete(f"/api/v1/windows/{made['id']}", headers=manager.headers).status_code == 204
    )
    assert reasons(client, responder, inside["ref"]) == []
    assert client.get(f"/api/v1/windows/{made['id']}", headers=admin.headers).status_code == 404
    assert ok(client.get("/api/v1/windows", headers=responder.headers)) == [maintenance]


def test_an_emergency_change_opens_a_maintenance_window_over_its_scope(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    ref = declare(client, admin, severity="SEV1", services=["orders"])["ref"]
    fix = create_change(
        client,
        responder,
        clock.now,
        type="emergency",
        incident=ref,
        planned_start=iso(clock.now),
        planned_end=iso(clock.now + timedelta(hours=1)),
        assets=["ord-01"],
    )
    (opened,) = ok(client.get("/api/v1/windows", headers=responder.headers))
    assert (opened["kind"], opened["services"], opened["assets"]) == (
        "maintenance",
        ["orders"],
        ["ord-01"],
    )
    assert opened["name"] == f"{fix['ref']} Patch orders servers"
    assert opened["active"] is True
    # It fixes the incident: no conflict with it, so it starts without an override.
    assert reasons(client, responder, fix["ref"]) == []
    started = ok(patch(client, responder, fix["ref"], state="in_progress"))
    assert started["state"] == "in_progress"
    clock.advance(minutes=20)
    ok(patch(client, responder, fix["ref"], state="completed"))
    (closed,) = ok(client.get("/api/v1/windows?past=true", headers=responder.headers))
    assert closed["ends_at"].startswith(iso(clock.now)[:19])


def test_the_change_calendar_feed_holds_changes_and_each_occurrence_of_a_window(
    app: FastAPI, client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    made = approved_change(client, responder, admin, clock.now)
    friday = clock.now.replace(day=27, hour=18)
    body = {
        "name": "Weekend freeze",
        "kind": "freeze",
        "starts_at": iso(friday),
        "ends_at": iso(friday + timedelta(hours=62)),
        "rrule": "FREQ=WEEKLY;COUNT=2",
    }
    ok(client.post("/api/v1/windows", json=body, headers=admin.headers), 201)
    feed = ok(client.get("/api/v1/changes-feed", headers=responder.headers))
    assert feed["url"].endswith(".ics")
    assert feed["webcal"] == "webcal://" + feed["url"].split("://", 1)[1]
    path = "/" + feed["url"].split("://", 1)[1].split("/", 1)[1]
    response = client.get(path)  # no token: the address is the credential
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert summaries == [
        f"{made['ref']} [approved] Patch orders servers",
        "Freeze: Weekend freeze",
        "Freeze: Weekend freeze",
    ]
    starts = sorted(e.decoded("DTSTART") for e in events if "Freeze" in str(e["SUMMARY"]))
    assert starts == [friday, friday + timedelta(days=7)]
    # Started late, after its planned end: the event runs from the actual start, never
    # ending before it begins (calendar apps drop such events).
    clock.advance(hours=5)
    ok(patch(client, responder, made["ref"], state="in_progress"))
    late = Calendar.from_ical(client.get(path).content).walk("VEVENT")
    (event,) = [e for e in late if str(e["SUMMARY"]).startswith(made["ref"])]
    assert str(event["SUMMARY"]) == f"{made['ref']} [in_progress] Patch orders servers"
    assert event.decoded("DTSTART") == clock.now
    assert event.decoded("DTEND") >= event.decoded("DTSTART")
    assert client.get("/calendar/changes/not-a-token.ics").status_code == 404


def test_deploys_reported_as_change_events_become_completed_changes_and_suspects(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    deployed_at = clock.now - timedelta(minutes=40)
    body = {
        "summary": "Deploy orders v42",
        "occurred_at": iso(deployed_at),
        "services": ["orders"],
        "links": [{"href": "https://ci.example.com/42", "text": "build 42"}],
        "external_id": "ci-42",
    }
    url = "/api/v1/change-events"
    recorded = ok(client.post(url, json=body, headers=responder.headers), 201)
    assert (recorded["state"], recorded["type"], recorded["source"]) == (
        "completed",
        "standard",
        "api",
    )
    assert recorded["actual_end"].startswith(iso(deployed_at)[:19])
    retried = ok(client.post(url, json=body, headers=responder.headers), 201)
    assert retried["id"] == recorded["id"]
    # The PagerDuty way: an integration on the wiki service, its source naming an asset.
    key = make_integration(client, admin, "pagerduty", service="wiki")
    event = {
        "routing_key": key,
        "payload": {
            "summary": "Config push to db-01",
            "source": "db-01",
            "timestamp": iso(clock.now - timedelta(hours=30)),
        },
        "links": [{"href": "https://ci.example.com/7", "text": "pipeline 7"}],
    }
    assert client.post("/v2/change/enqueue", json=event).status_code == 202
    completed = ok(client.get("/api/v1/changes?state=completed", headers=responder.headers))
    pushed = next(c for c in completed if c["title"] == "Config push to db-01")
    assert (pushed["source"], pushed["services"], pushed["assets"]) == (
        "deploy",
        ["wiki"],
        ["db-01"],
    )
    assert len(completed) == 2
    # An incident on orders: the deploy on orders 40 minutes before ranks first; the push to
    # the database orders depends on, a day earlier, after it.
    ref = declare(client, admin, severity="SEV2", services=["orders"])["ref"]
    found = ok(client.get(f"/api/v1/incidents/{ref}/suspects", headers=responder.headers))
    assert [s["change"]["id"] for s in found] == [recorded["id"], pushed["id"]]
    assert found[0]["reasons"] == [
        "same service: orders",
        "time proximity: 40 min before the incident started",
    ]
    assert found[1]["reasons"] == ["a dependency: orders"]  # orders depends on db-01's order-db
    mark = f"/api/v1/incidents/{ref}/suspects/{pushed['ref']}"
    marked = ok(
        client.put(mark, json={"mark": "cause", "note": "bad pool size"}, headers=admin.headers)
    )
    assert [(s["change"]["id"], s["mark"]) for s in marked] == [
        (pushed["id"], "cause"),
        (recorded["id"], None),
    ]
    again = ok(client.get(f"/api/v1/incidents/{ref}/suspects", headers=responder.headers))
    assert (again[0]["mark"], again[0]["note"], again[0]["marked_by"]["email"]) == (
        "cause",
        "bad pool size",
        admin.email,
    )
    suspect = f"/api/v1/incidents/{ref}/suspects/{recorded['ref']}"
    both = ok(client.put(suspect, json={"mark": "suspect"}, headers=responder.headers))
    assert [(s["change"]["id"], s["mark"]) for s in both] == [
        (pushed["id"], "cause"),
        (recorded["id"], "suspect"),
    ]
    assert client.delete(suspect, headers=responder.headers).status_code == 204
    cleared = client.delete(mark, headers=admin.headers)
    assert cleared.status_code == 204
    again = ok(client.get(f"/api/v1/incidents/{ref}/suspects", headers=responder.headers))
    assert [(s["change"]["id"], s["mark"]) for s in again] == [
        (recorded["id"], None),
        (pushed["id"], None),
    ]
    entries = [e["text"] for e in timeline(client, admin, ref) if e["kind"] == "change_marked"]
    assert entries == [
        f"Ada Admin marked as cause: change {pushed['ref']} 'Config push to db-01' (bad pool size)",
        f"Rita Responder marked as suspect: change {recorded['ref']} 'Deploy orders v42'",
        f"Rita Responder cleared the mark on change {recorded['ref']} 'Deploy orders v42'",
        f"Ada Admin cleared the mark on change {pushed['ref']} 'Config push to db-01'",
    ]


def test_an_incident_lists_the_changes_about_to_touch_its_scope_and_its_commander_holds_one(
    app: FastAPI, client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    commander = make_user(app, Role.responder, "Irene Commander")
    incident = declare(
        client, admin, severity="SEV1", services=["order-db"], commander=commander.email
    )
    ref = incident["ref"]

    def planned(title: str, hours: float, **scope: Any) -> dict[str, Any]:
        start = clock.now + timedelta(hours=hours)
        return create_change(
            client,
            responder,
            clock.now,
            title=title,
            planned_start=iso(start),
            planned_end=iso(start + timedelta(hours=1)),
            **({"services": []} | scope),
        )

    planned("Resize db-01", 3, assets=["db-01"])
    one_hop = planned("Orders config", 2, services=["orders"], submit=True)  # needs order-db
    planned("Checkout UI", 1, services=["checkout"])  # two hops up: noted, not listed
    planned("Wiki upgrade", 1, services=["wiki"])
    next_week = planned("db-01 firmware", 30, assets=["db-01"])
    url = f"/api/v1/incidents/{ref}/changes"
    found = ok(client.get(url, headers=responder.headers))
    assert [(c["change"]["title"], c["conflict"]["reason"]) for c in found] == [
        ("Orders config", "dependency"),
        ("Resize db-01", "incident"),
    ]
    assert found[1]["conflict"]["severity"] == "critical"
    wider = ok(client.get(url, params={"hours": 48}, headers=responder.headers))
    assert [c["change"]["id"] for c in wider][-1] == next_week["id"]
    checkout = ok(client.get("/api/v1/changes?service=checkout", headers=responder.headers))
    assert reasons(client, responder, checkout[0]["ref"]) == [("dependency", "medium")]

    # The commander (neither manager nor owner) holds one, naming the incident.
    hold = f"/api/v1/changes/{one_hop['ref']}/hold"
    body = {"reason": "database under investigation", "incident": ref}
    held = ok(client.post(hold, json=body, headers=commander.headers))
    assert held["state"] == "on_hold"
    noted = [e for e in timeline(client, admin, ref) if e["kind"] == "change_held"]
    assert [(e["actor"]["email"], e["data"]["change"]) for e in noted] == [
        (commander.email, one_hop["id"])
    ]
    release = f"/api/v1/changes/{one_hop['ref']}/release"
    released = ok(client.post(release, json={"reason": "db fixed"}, headers=commander.headers))
    assert released["state"] == "submitted"
