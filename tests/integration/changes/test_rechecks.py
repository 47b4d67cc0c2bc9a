"""Edges of the gate on SQLite and PostgreSQL: a freeze set or lifted checks the changes kept
conflicts again; commanding one incident is no licence to hold changes elsewhere; and the
go/no-go check is not an edit that would make a responder's next save stale."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User, make_user
from tests.integration.changes.helpers import (
    approved_change,
    create_change,
    iso,
    ok,
    patch,
    seed_catalog,
    show,
)
from tests.integration.incidents.helpers import declare
from warroom.access.rules import Role
from warroom.changes.watch import worker_jobs
from warroom.oncall.worker import Worker


def kept(client: TestClient, user: User, ref: str) -> list[str]:
    """The conflicts stored on the change (what lists and the calendar show)."""
    return [c["reason"] for c in show(client, user, ref)["conflicts"]]


def test_a_freeze_set_and_lifted_is_reflected_in_the_changes_kept_conflicts(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    ref = create_change(client, responder, clock.now)["ref"]
    assert kept(client, responder, ref) == []
    body = {
        "name": "Quarter close",
        "kind": "freeze",
        "starts_at": iso(clock.now),
        "ends_at": iso(clock.now + timedelta(days=1)),
        "services": ["orders"],
    }
    window = ok(client.post("/api/v1/windows", json=body, headers=admin.headers), 201)
    assert kept(client, responder, ref) == ["freeze"]
    gone = client.delete(f"/api/v1/windows/{window['id']}", headers=admin.headers)
    assert gone.status_code == 204
    assert kept(client, responder, ref) == []


def test_the_commander_of_an_unrelated_incident_cannot_hold_a_change(
    app: FastAPI, client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    commander = make_user(app, Role.responder, "Wanda Wiki")
    wiki = declare(client, admin, severity="SEV2", services=["wiki"], commander=commander.email)
    ref = approved_change(client, responder, admin, clock.now)["ref"]  # on orders
    body = {"reason": "just in case", "incident": wiki["ref"]}
    refused = client.post(f"/api/v1/changes/{ref}/hold", json=body, headers=commander.headers)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert show(client, admin, ref)["state"] == "approved"


def test_the_go_no_go_check_does_not_make_a_responders_next_save_stale(
    app: FastAPI, client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    change = approved_change(client, responder, admin, clock.now)
    seen = change["version"]
    settings = app.state.settings.model_copy(
        update={"worker_interval_seconds": 1e-6, "change_check_minutes": 180}
    )
    worker = Worker.build(
        app.state.sessions, clock, settings, app.state.secret_key, worker_jobs(settings)
    )
    worker.tick()
    log = show(client, admin, change["ref"])["log"]
    assert [e["kind"] for e in log][-1] == "go"
    saved = patch(client, responder, change["ref"], version=seen, title="Patch orders (v2)")
    assert ok(saved)["title"] == "Patch orders (v2)"
