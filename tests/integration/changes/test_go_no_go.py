"""The go/no-go check on SQLite and PostgreSQL: the worker, with the clock moved by hand, looks
at each change ``change_check_minutes`` before it starts and tells its implementer (by real
email) when conflicts stand, once per planned start."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User, make_user
from tests.integration.changes.helpers import (
    approved_change,
    iso,
    notices,
    ok,
    patch,
    seed_catalog,
    show,
)
from tests.integration.incidents.helpers import declare
from tests.integration.oncall.outbox_helpers import smtp_server
from warroom.access.rules import Role
from warroom.changes.watch import worker_jobs
from warroom.oncall.worker import Worker


def worker(app: FastAPI, clock: Clock, port: int) -> Worker:
    """The worker as the server builds it, running its periodic jobs on every tick."""
    settings = app.state.settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_from": "ops@warroom.test",
            "worker_interval_seconds": 1e-6,
            "change_check_minutes": 30,
        }
    )
    return Worker.build(
        app.state.sessions, clock, settings, app.state.secret_key, worker_jobs(settings)
    )


def no_go_mails(messages: list[EmailMessage]) -> list[tuple[str, str]]:
    return [(m["To"], m["Subject"]) for m in messages if m["Subject"].startswith("No-go")]


def test_the_implementer_hears_once_per_planned_start_when_conflicts_stand(
    app: FastAPI, client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    implementer = make_user(app, Role.responder, "Ivan Implementer")
    start = clock.now + timedelta(hours=2)
    change = approved_change(client, responder, admin, clock.now, implementer=implementer.email)
    ref = change["ref"]
    incident = declare(client, admin, severity="SEV2", services=["orders"])["ref"]
    with smtp_server() as (inbox, port):
        loop = worker(app, clock, port)
        clock.advance(hours=1)  # an hour before: too early to look
        loop.tick()
        assert notices(app, "No-go") == []
        clock.advance(minutes=35)  # 25 minutes before
        loop.tick()
        (notice,) = notices(app, "No-go")
        assert notice.address == implementer.email
        assert f"{ref} Patch orders servers is due to start in 25 min" in notice.body
        assert f"incident {incident}" in notice.body
        clock.advance(minutes=1)
        loop.tick()  # sends it; and looks again, finding nothing new to tell
        clock.advance(minutes=1)
        loop.tick()
        assert no_go_mails(inbox.snapshot()) == [
            (implementer.email, f"No-go: {ref} Patch orders servers")
        ]
        assert len(notices(app, "No-go")) == 1
        log = show(client, admin, ref)["log"]
        assert [e["text"] for e in log if e["kind"] == "no_go"] == [
            "Go/no-go: 1 conflict(s), 25 min before the start"
        ]
        # Moved five minutes later: a new planned start, looked at again.
        later = start + timedelta(minutes=5)
        moved = patch(
            client,
            responder,
            ref,
            planned_start=iso(later),
            planned_end=iso(later + timedelta(hours=2)),
        )
        ok(moved)
        loop.tick()
        assert len(notices(app, "No-go")) == 2
        clock.advance(minutes=1)
        loop.tick()
        assert len(no_go_mails(inbox.snapshot())) == 2


def test_a_change_without_conflicts_is_logged_as_go_and_nobody_is_told(
    app: FastAPI, client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    change = approved_change(client, responder, admin, clock.now, services=["wiki"])
    with smtp_server() as (inbox, port):
        loop = worker(app, clock, port)
        clock.advance(hours=1, minutes=45)
        loop.tick()
        loop.tick()
        assert inbox.snapshot() == []
    log = show(client, admin, change["ref"])["log"]
    assert [e["text"] for e in log if e["kind"] in ("go", "no_go")] == ["Go/no-go: no conflicts"]
    assert notices(app, "No-go") == []


def test_without_an_implementer_the_owner_hears_and_a_draft_is_never_checked(
    app: FastAPI, client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    change = approved_change(client, responder, admin, clock.now)
    draft = ok(
        client.post(
            "/api/v1/changes",
            json={
                "title": "Idea",
                "planned_start": iso(clock.now + timedelta(hours=2)),
                "planned_end": iso(clock.now + timedelta(hours=3)),
                "services": ["orders"],
            },
            headers=responder.headers,
        ),
        201,
    )
    declare(client, admin, severity="SEV1", services=["orders"])
    with smtp_server() as (_, port):
        clock.advance(hours=1, minutes=45)
        worker(app, clock, port).tick()
    (notice,) = notices(app, "No-go")
    assert (notice.address, notice.subject) == (
        responder.email,
        f"No-go: {change['ref']} Patch orders servers",
    )
    assert [e["kind"] for e in show(client, admin, draft["ref"])["log"]].count("no_go") == 0
