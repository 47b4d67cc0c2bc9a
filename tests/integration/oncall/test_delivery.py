"""Draining the outbox on SQLite and PostgreSQL: what is due goes out once and is marked sent;
failures are retried with backoff and then given up; a contact method's hourly limit holds
messages back; a dead worker's claim is taken over when its lease runs out."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.conftest import Clock, User
from tests.integration.incidents.helpers import declare, timeline
from tests.integration.oncall.outbox_helpers import (
    add_deliveries,
    add_method,
    delivery,
    http_receiver,
    smtp_server,
)
from warroom.db import transaction
from warroom.oncall.channels import EmailChannel
from warroom.oncall.delivery import deliver_due
from warroom.oncall.models import Delivery
from warroom.oncall.webhooks import WebhookChannel, signing_secret


def email(port: int) -> dict[str, EmailChannel]:
    return {"email": EmailChannel("127.0.0.1", port, "warroom@ops.example", timeout=5)}


def webhook() -> dict[str, WebhookChannel]:
    return {"webhook": WebhookChannel(signing_secret("k"), timeout=5)}


def test_due_deliveries_go_out_once_and_are_marked_sent(app: FastAPI, clock: Clock) -> None:
    sessions = app.state.sessions
    due = add_deliveries(sessions, clock.now, "ann@example.com", "bob@example.com")
    later = add_deliveries(sessions, clock.now, "cy@example.com", due_at=clock.now + timedelta(1))
    cancelled = add_deliveries(sessions, clock.now, "dee@example.com", status="cancelled")
    with smtp_server() as (inbox, port):
        assert deliver_due(sessions=sessions, now=clock.now, channels=email(port)) == 2
        assert deliver_due(sessions=sessions, now=clock.now, channels=email(port)) == 0
        assert sorted(m["To"] for m in inbox.snapshot()) == ["ann@example.com", "bob@example.com"]
    for delivery_id in due:
        row = delivery(sessions, delivery_id)
        assert (row.status, row.sent_at, row.attempts) == ("sent", clock.now, 1)
        assert row.claimed_by is None
    assert delivery(sessions, later[0]).status == "pending"
    assert delivery(sessions, cancelled[0]).status == "cancelled"


def test_a_failing_webhook_is_retried_with_backoff_until_it_answers(
    app: FastAPI, clock: Clock
) -> None:
    sessions = app.state.sessions
    with http_receiver(503, 502, 200) as receiver:
        [hook] = add_deliveries(sessions, clock.now, receiver.url, channel="webhook")
        start = clock.now
        assert deliver_due(sessions=sessions, now=clock.now, channels=webhook()) == 0
        first = delivery(sessions, hook)
        assert (first.status, first.attempts, first.due_at) == (
            "pending",
            1,
            start + timedelta(seconds=30),
        )
        assert first.last_error is not None
        assert "HTTP 503" in first.last_error
        clock.advance(seconds=29)
        assert deliver_due(sessions=sessions, now=clock.now, channels=webhook()) == 0
        assert len(receiver.requests) == 1  # not due yet
        clock.advance(seconds=1)
        assert deliver_due(sessions=sessions, now=clock.now, channels=webhook()) == 0
        second = delivery(sessions, hook)
        assert (second.attempts, second.due_at) == (2, clock.now + timedelta(minutes=1))
        clock.advance(minutes=1)
        assert deliver_due(sessions=sessions, now=clock.now, channels=webhook()) == 1
    done = delivery(sessions, hook)
    assert (done.status, done.attempts, done.sent_at) == ("sent", 3, clock.now)
    assert len(receiver.requests) == 3


def test_a_webhook_that_keeps_failing_is_given_up_after_eight_attempts(
    app: FastAPI, clock: Clock
) -> None:
    sessions = app.state.sessions
    gaps = []
    with http_receiver(500) as receiver:
        [hook] = add_deliveries(sessions, clock.now, receiver.url, channel="webhook")
        while delivery(sessions, hook).status == "pending":
            before = clock.now
            deliver_due(sessions=sessions, now=clock.now, channels=webhook())
            row = delivery(sessions, hook)
            if row.status == "pending":
                gaps.append(int((row.due_at - before).total_seconds()))
                clock.now = row.due_at
    assert gaps == [30, 60, 120, 240, 480, 960, 1800]
    failed = delivery(sessions, hook)
    assert (failed.status, failed.attempts) == ("failed", 8)
    assert failed.last_error is not None
    assert "HTTP 500" in failed.last_error
    assert len(receiver.requests) == 8


def test_a_refusing_webhook_fails_at_once(app: FastAPI, clock: Clock) -> None:
    sessions = app.state.sessions
    with http_receiver(404) as receiver:
        [hook] = add_deliveries(sessions, clock.now, receiver.url, channel="webhook")
        assert deliver_due(sessions=sessions, now=clock.now, channels=webhook()) == 0
    row = delivery(sessions, hook)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error is not None
    assert row.last_error.startswith("HTTP 404")
    assert len(receiver.requests) == 1


def test_an_hourly_limit_postpones_the_rest_until_the_oldest_leaves_the_window(
    app: FastAPI, clock: Clock, responder: User
) -> None:
    sessions = app.state.sessions
    method = add_method(
        sessions,
        responder.person_id,
        "email",
        "rita@example.com",
        max_per_hour=2,
        created_at=clock.now,
    )
    first_sent = clock.now
    with smtp_server() as (inbox, port):
        add_deliveries(sessions, clock.now, "rita@example.com", contact_method_id=method)
        assert deliver_due(sessions=sessions, now=clock.now, channels=email(port)) == 1
        clock.advance(minutes=10)
        ids = add_deliveries(
            sessions, clock.now, "rita@example.com", "rita@example.com", contact_method_id=method
        )
        assert deliver_due(sessions=sessions, now=clock.now, channels=email(port)) == 1
        held = delivery(sessions, ids[1])
        assert held.status == "pending"
        assert held.due_at == first_sent + timedelta(hours=1)
        assert held.last_error is not None
        assert held.last_error.startswith("rate limited: 2 per hour")
        assert held.attempts == 0
        clock.now = held.due_at
        assert deliver_due(sessions=sessions, now=clock.now, channels=email(port)) == 1
        assert len(inbox.snapshot()) == 3
    assert delivery(sessions, ids[1]).status == "sent"


def test_a_dead_workers_claim_is_taken_over_when_its_lease_ends(app: FastAPI, clock: Clock) -> None:
    sessions = app.state.sessions
    [held] = add_deliveries(sessions, clock.now, "ann@example.com")
    with transaction(sessions) as session:
        session.execute(
            update(Delivery)
            .where(Delivery.id == held)
            .values(claimed_by="gone:1:abc", claimed_until=clock.now + timedelta(seconds=60))
        )
    with smtp_server() as (inbox, port):
        assert deliver_due(sessions=sessions, now=clock.now, channels=email(port)) == 0
        clock.advance(seconds=60)
        assert deliver_due(sessions=sessions, now=clock.now, channels=email(port)) == 1
        assert [m["To"] for m in inbox.snapshot()] == ["ann@example.com"]


def test_a_channel_this_worker_lacks_fails_the_delivery_visibly(app: FastAPI, clock: Clock) -> None:
    sessions = app.state.sessions
    [orphan] = add_deliveries(sessions, clock.now, "tg://token/chat", channel="apprise")
    assert deliver_due(sessions=sessions, now=clock.now, channels=webhook()) == 0
    row = delivery(sessions, orphan)
    assert row.status == "failed"
    assert row.last_error == "no 'apprise' channel in this worker"


def test_a_failed_attempt_shows_in_the_incidents_deliveries(
    app: FastAPI, client: TestClient, clock: Clock, admin: User
) -> None:
    ref = declare(client, admin, severity="SEV3")["ref"]
    with http_receiver(503) as receiver:
        add_deliveries(
            app.state.sessions, clock.now, receiver.url, channel="webhook", incident_id=int(ref[4:])
        )
        deliver_due(sessions=app.state.sessions, now=clock.now, channels=webhook())
    listed = client.get(f"/api/v1/incidents/{ref}/deliveries", headers=admin.headers)
    assert listed.status_code == 200, listed.text
    [row] = [d for d in listed.json() if d["channel"] == "webhook"]
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert row["last_error"].startswith("HTTP 503")


def test_no_send_starts_too_late_in_the_lease_and_the_rest_is_released(
    app: FastAPI, clock: Clock
) -> None:
    sessions = app.state.sessions
    ids = add_deliveries(sessions, clock.now, *(f"user{i}@example.com" for i in range(10)))
    with smtp_server(delay=0.5) as (inbox, port):
        sent = deliver_due(
            sessions=sessions,
            now=clock.now,
            channels=email(port),
            lease=timedelta(seconds=4),
            send_budget=timedelta(seconds=2),  # sends may start during the first 2 s only
            batch=2,
            concurrency=1,
        )
        assert 1 <= sent < 10
        rows = [delivery(sessions, i) for i in ids]
        waiting = [row for row in rows if row.status == "pending"]
        assert len(waiting) == 10 - sent
        assert all(row.claimed_by is None for row in waiting)  # free for any worker at once
        assert deliver_due(sessions=sessions, now=clock.now, channels=email(port)) == 10 - sent
        assert len(inbox.snapshot()) == 10


def test_a_message_given_up_is_noted_on_its_incidents_timeline(
    app: FastAPI, client: TestClient, clock: Clock, admin: User
) -> None:
    ref = declare(client, admin, severity="SEV3")["ref"]
    with http_receiver(404) as receiver:
        secret_url = receiver.url + "/hook?token=s3cr3t"
        add_deliveries(
            app.state.sessions, clock.now, secret_url, channel="webhook", incident_id=int(ref[4:])
        )
        deliver_due(sessions=app.state.sessions, now=clock.now, channels=webhook())
    [note] = [e for e in timeline(client, admin, ref) if e["kind"] == "delivery_failed"]
    assert note["text"].startswith("Could not send the notice by webhook: HTTP 404")
    assert note["text"].endswith("(gave up after 1 attempt)")
    assert "s3cr3t" not in note["text"]


def test_two_workers_at_once_keep_to_one_hourly_limit(
    app: FastAPI, clock: Clock, responder: User
) -> None:
    sessions = app.state.sessions
    method = add_method(
        sessions,
        responder.person_id,
        "email",
        "rita@example.com",
        max_per_hour=3,
        created_at=clock.now,
    )
    ids = add_deliveries(sessions, clock.now, *["rita@example.com"] * 10, contact_method_id=method)
    with smtp_server(delay=0.2) as (inbox, port), ThreadPoolExecutor(2) as workers:
        runs = [
            workers.submit(deliver_due, sessions=sessions, now=clock.now, channels=email(port))
            for _ in range(2)
        ]
        assert sum(run.result() for run in runs) == 3
        assert len(inbox.snapshot()) == 3
    held = [row for row in (delivery(sessions, i) for i in ids) if row.status == "pending"]
    assert len(held) == 7
    assert all((row.last_error or "").startswith("rate limited") for row in held)
