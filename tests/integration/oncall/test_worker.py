"""The worker loop on SQLite and PostgreSQL: handover reminders when a shift ends (with the
clock moved by hand), the staffing and handover API, and a server's embedded worker sending
a message as soon as this process commits, without waiting for its interval."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User, make_user, wait_for
from tests.integration.incidents.helpers import declare, timeline
from tests.integration.oncall.outbox_helpers import add_deliveries, add_method, smtp_server
from warroom.access.rules import Role
from warroom.app import create_app
from warroom.oncall.worker import Worker
from warroom.settings import Settings


def worker(app: FastAPI, clock: Clock, smtp_port: int) -> Worker:
    settings = app.state.settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": smtp_port, "smtp_from": "ops@warroom.test"}
    )
    return Worker.build(app.state.sessions, clock, settings, app.state.secret_key)


def staffed_incident(client: TestClient, admin: User, responder: User) -> str:
    ref: str = declare(client, admin, severity="SEV1")["ref"]
    joined = client.post(
        f"/api/v1/incidents/{ref}/participants",
        json={"person": responder.email, "reason": "knows the payment gateway"},
        headers=admin.headers,
    )
    assert joined.status_code == 201, joined.text
    plan = client.put(
        f"/api/v1/incidents/{ref}/staffing", json={"shift_hours": 4}, headers=responder.headers
    )
    assert plan.status_code == 200, plan.text
    return ref


def staffing(client: TestClient, user: User, ref: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/incidents/{ref}/staffing", headers=user.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_a_shift_that_ends_reminds_the_commander_and_the_room_once(
    app: FastAPI, client: TestClient, clock: Clock, admin: User, responder: User
) -> None:
    add_method(
        app.state.sessions,
        responder.person_id,
        "email",
        "rita.pager@example.com",
        created_at=clock.now,
    )
    ref = staffed_incident(client, admin, responder)
    start = clock.now
    with smtp_server() as (inbox, port):
        loop = worker(app, clock, port)
        clock.advance(hours=3, minutes=59)
        assert loop.tick().reminded == 0
        clock.advance(minutes=1)
        assert loop.tick().reminded == 1
        assert loop.tick().reminded == 0
        mails = inbox.snapshot()
    assert sorted(m["To"] for m in mails) == [admin.email, "rita.pager@example.com"]
    mail = mails[0]
    assert mail["Subject"] == f"[{ref}] Handover due: Orders failing"
    assert "hands over every 4 hours" in mail.get_content()
    assert f"/incidents/{ref}" in mail.get_content()
    [due] = [e for e in timeline(client, admin, ref) if e["kind"] == "handover_due"]
    assert admin.name in due["text"]
    assert responder.name in due["text"]
    next_at = staffing(client, admin, ref)["next_handover_at"]
    assert next_at.startswith((start + timedelta(hours=8)).isoformat()[:19])


def test_a_handover_note_goes_on_the_timeline_and_starts_a_full_shift(
    app: FastAPI, client: TestClient, clock: Clock, admin: User, responder: User
) -> None:
    ref = staffed_incident(client, admin, responder)
    clock.advance(hours=3)
    note = client.post(
        f"/api/v1/incidents/{ref}/handover",
        json={"note": "Rita hands over to Sam: gateway fix deploying, watch error rate"},
        headers=responder.headers,
    )
    assert note.status_code == 201, note.text
    assert note.json()["kind"] == "handover"
    assert note.json()["actor"]["name"] == responder.name
    entry = timeline(client, admin, ref)[-1]
    assert entry["text"].startswith("Rita hands over to Sam")
    next_at = staffing(client, admin, ref)["next_handover_at"]
    assert next_at.startswith((clock.now + timedelta(hours=4)).isoformat()[:19])
    with smtp_server() as (inbox, port):
        clock.advance(hours=2)  # five hours after the plan: the note moved the reminder
        assert worker(app, clock, port).tick().reminded == 0
        assert inbox.snapshot() == []


def test_staffing_input_roles_and_ended_incidents(
    client: TestClient, admin: User, responder: User, viewer: User
) -> None:
    ref = declare(client, admin)["ref"]
    url = f"/api/v1/incidents/{ref}/staffing"
    bad = client.put(url, json={"shift_hours": 0}, headers=responder.headers)
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert "shift_hours" in bad.text
    denied = client.put(url, json={"shift_hours": 8}, headers=viewer.headers)
    assert denied.status_code == 403
    assert client.get(url, headers=viewer.headers).status_code == 404
    assert (
        client.put(
            "/api/v1/incidents/INC-999/staffing", json={"shift_hours": 8}, headers=responder.headers
        ).status_code
        == 404
    )
    resolved = client.patch(
        f"/api/v1/incidents/{ref}", json={"status": "resolved"}, headers=admin.headers
    )
    assert resolved.status_code == 200, resolved.text
    late = client.put(url, json={"shift_hours": 8}, headers=responder.headers)
    assert late.status_code == 409


def test_the_embedded_worker_sends_at_once_when_this_process_commits(
    settings: Settings, clock: Clock
) -> None:
    with smtp_server() as (inbox, port):
        awake = settings.model_copy(
            update={
                "worker": True,
                "worker_interval_seconds": 60.0,  # far longer than the test waits
                "smtp_host": "127.0.0.1",
                "smtp_port": port,
            }
        )
        app = create_app(awake, clock=clock)
        try:
            with TestClient(app) as client:
                admin = make_user(app, Role.admin, "Ada Admin")
                ref = declare(client, admin, severity="SEV3")["ref"]
                for number, address in enumerate(("ann@example.com", "bob@example.com"), 1):
                    add_deliveries(app.state.sessions, clock.now, address)
                    note = client.post(
                        f"/api/v1/incidents/{ref}/timeline",
                        json={"text": f"Note {number}"},
                        headers=admin.headers,
                    )
                    assert note.status_code == 201
                    # The second one proves the wake: the first tick has long run by then.
                    wait_for(lambda n=number: len(inbox.snapshot()) == n, timeout=5)  # type: ignore[misc]
        finally:
            app.state.engine.dispose()
    assert [m["To"] for m in inbox.snapshot()] == ["ann@example.com", "bob@example.com"]
