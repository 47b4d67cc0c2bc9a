"""Bad requests about changes and windows on SQLite and PostgreSQL: each gets a 4xx problem
document naming the field, writes nothing, and the roles are enforced."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User, make_user
from tests.integration.changes.helpers import (
    approved_change,
    change_body,
    create_change,
    iso,
    ok,
    patch,
    seed_catalog,
    show,
)
from tests.integration.incidents.helpers import declare
from warroom.access.rules import Role

PROBLEM = "application/problem+json"


def problem(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


def changes(client: TestClient, user: User) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = ok(client.get("/api/v1/changes", headers=user.headers))
    return result


def windows(client: TestClient, user: User) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = ok(client.get("/api/v1/windows?past=true", headers=user.headers))
    return result


def test_a_window_that_ends_before_it_starts_is_refused(
    client: TestClient, admin: User, clock: Clock
) -> None:
    body = {
        "name": "Backwards",
        "kind": "freeze",
        "starts_at": iso(clock.now + timedelta(hours=2)),
        "ends_at": iso(clock.now + timedelta(hours=1)),
    }
    found = problem(
        client.post("/api/v1/windows", json=body, headers=admin.headers), 422, "ends_at"
    )
    assert found["errors"][0]["detail"] == "must be after starts_at"
    bad_rule = body | {"ends_at": iso(clock.now + timedelta(hours=3)), "rrule": "FREQ=SOMETIMES"}
    problem(client.post("/api/v1/windows", json=bad_rule, headers=admin.headers), 422, "rrule")
    naive = body | {"starts_at": "2026-11-24T01:00:00"}
    problem(client.post("/api/v1/windows", json=naive, headers=admin.headers), 422, "starts_at")
    unscoped = body | {"kind": "maintenance", "ends_at": iso(clock.now + timedelta(hours=3))}
    problem(client.post("/api/v1/windows", json=unscoped, headers=admin.headers), 422, "assets")
    assert windows(client, admin) == []


def test_a_change_with_an_unknown_asset_or_service_writes_nothing(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    url = "/api/v1/changes"
    body = change_body(clock.now, assets=["ord-01", "ghost-9"])
    found = problem(client.post(url, json=body, headers=responder.headers), 422, "assets")
    assert "ghost-9" in found["errors"][0]["detail"]
    body = change_body(clock.now, services=["nope"])
    problem(client.post(url, json=body, headers=responder.headers), 422, "services")
    body = change_body(clock.now, planned_end=iso(clock.now))
    problem(client.post(url, json=body, headers=responder.headers), 422, "planned_end")
    body = change_body(clock.now, type="sneaky")
    problem(client.post(url, json=body, headers=responder.headers), 422, "type")
    body = change_body(clock.now, implementer="nobody@example.com")
    problem(client.post(url, json=body, headers=responder.headers), 422, "implementer")
    body = change_body(clock.now, incident="INC-404")
    problem(client.post(url, json=body, headers=responder.headers), 422, "incident")
    assert changes(client, admin) == []
    assert windows(client, admin) == []


def test_an_illegal_state_transition_is_refused_and_changes_nothing(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    made = create_change(client, responder, clock.now)
    response = patch(client, responder, made["ref"], title="Renamed", state="in_progress")
    found = problem(response, 422, "state")
    assert found["title"] == "Illegal transition"
    assert "a draft change cannot become in_progress" in found["detail"]
    after = show(client, responder, made["ref"])
    assert (after["state"], after["title"], after["version"]) == (
        "draft",
        "Patch orders servers",
        made["version"],
    )
    assert [e["kind"] for e in after["log"]] == ["created"]
    held = client.post(
        f"/api/v1/changes/{made['ref']}/hold", json={"reason": "x"}, headers=responder.headers
    )
    problem(held, 422, "state")
    problem(patch(client, responder, made["ref"], state="finished"), 422, "state")


def test_a_blocked_start_answers_409_and_keeps_the_edits_of_that_request_out(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    made = approved_change(client, responder, admin, clock.now)
    declare(client, admin, severity="SEV2", services=["orders"])
    response = patch(client, responder, made["ref"], title="Go anyway", state="in_progress")
    found = problem(response, 409)
    assert [(c["reason"], c["severity"]) for c in found["conflicts"]] == [("incident", "critical")]
    after = show(client, responder, made["ref"])
    assert (after["state"], after["title"], after["override_reason"]) == (
        "approved",
        "Patch orders servers",
        None,
    )
    blank = patch(client, responder, made["ref"], state="in_progress", override_reason="  ")
    problem(blank, 422, "override_reason")


def test_a_stale_version_is_409(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    made = create_change(client, responder, clock.now)
    ok(patch(client, responder, made["ref"], title="First edit", version=made["version"]))
    stale = patch(client, admin, made["ref"], title="Second edit", version=made["version"])
    problem(stale, 409)
    assert show(client, admin, made["ref"])["title"] == "First edit"


def test_a_viewer_reads_changes_but_cannot_make_hold_or_report_them(
    client: TestClient, admin: User, responder: User, viewer: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    made = create_change(client, responder, clock.now)
    body = change_body(clock.now)
    problem(client.post("/api/v1/changes", json=body, headers=viewer.headers), 403)
    problem(patch(client, viewer, made["ref"], title="Mine"), 403)
    hold = client.post(
        f"/api/v1/changes/{made['ref']}/hold", json={"reason": "no"}, headers=viewer.headers
    )
    problem(hold, 403)
    event = {"summary": "Deploy v1"}
    problem(client.post("/api/v1/change-events", json=event, headers=viewer.headers), 403)
    assert [c["id"] for c in changes(client, viewer)] == [made["id"]]
    assert client.get("/api/v1/changes").status_code == 401


def test_freezes_and_maintenance_windows_need_a_manager(
    app: FastAPI, client: TestClient, responder: User, clock: Clock
) -> None:
    body = {
        "name": "Year-end freeze",
        "kind": "freeze",
        "starts_at": iso(clock.now + timedelta(days=20)),
        "ends_at": iso(clock.now + timedelta(days=30)),
    }
    problem(client.post("/api/v1/windows", json=body, headers=responder.headers), 403)
    assert windows(client, responder) == []
    manager = make_user(app, Role.manager, "Mona Manager")
    made = ok(client.post("/api/v1/windows", json=body, headers=manager.headers), 201)
    url = f"/api/v1/windows/{made['id']}"
    problem(client.delete(url, headers=responder.headers), 403)
    assert [w["id"] for w in windows(client, responder)] == [made["id"]]
    assert client.delete(url, headers=manager.headers).status_code == 204


def test_a_hold_naming_an_unknown_incident_and_a_bad_mark_are_refused(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    made = approved_change(client, responder, admin, clock.now)
    hold = client.post(
        f"/api/v1/changes/{made['ref']}/hold",
        json={"reason": "storm", "incident": "INC-404"},
        headers=admin.headers,
    )
    problem(hold, 422, "incident")
    assert show(client, admin, made["ref"])["state"] == "approved"
    ref = declare(client, admin, severity="SEV2", services=["orders"])["ref"]
    url = f"/api/v1/incidents/{ref}/suspects/{made['ref']}"
    problem(client.put(url, json={"mark": "culprit"}, headers=admin.headers), 422, "mark")
    problem(
        client.put(
            f"/api/v1/incidents/{ref}/suspects/CHG-404",
            json={"mark": "cause"},
            headers=admin.headers,
        ),
        404,
    )


def test_a_calendar_range_without_a_time_zone_is_refused(client: TestClient, admin: User) -> None:
    for name in ("since", "until"):
        response = client.get(
            "/api/v1/changes", params={name: "2026-11-25T00:00:00"}, headers=admin.headers
        )
        found = problem(response, 422, name)
        assert "time zone" in found["errors"][0]["detail"]


def test_a_change_event_naming_an_unknown_service_records_nothing(
    client: TestClient, admin: User, responder: User
) -> None:
    seed_catalog(client, admin)
    url = "/api/v1/change-events"
    event = {"summary": "Deploy v9", "services": ["orders", "ghost"]}
    found = problem(client.post(url, json=event, headers=responder.headers), 422, "services")
    assert "ghost" in found["errors"][0]["detail"]
    naive = {"summary": "Deploy v9", "occurred_at": "2026-11-23T21:00:00"}
    problem(client.post(url, json=naive, headers=responder.headers), 422, "occurred_at")
    assert changes(client, admin) == []
