"""The group-commit intake on SQLite and PostgreSQL: many requests written in one transaction
behave as they would one after the other, each gets its own alert ids, and one bad request
fails alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.alerts.ingest_helpers import make_integration, stored
from warroom.alerts.intake import Intake, Submission, do_receive_many
from warroom.alerts.integrations import IntegrationRef, access_integration_by_key
from warroom.alerts.rules import Action, IncomingEvent
from warroom.db import transaction


def _ref(app: FastAPI, key: str) -> IntegrationRef:
    with transaction(app.state.sessions) as session:
        return access_integration_by_key(session=session, key=key)


def _event(key: str, action: Action = Action.trigger, host: str = "web-1") -> IncomingEvent:
    return IncomingEvent(action=action, dedup_key=key, summary=f"{key} on {host}", source=host)


def _write(app: FastAPI, submissions: Sequence[Submission]) -> list[list[int]]:
    with transaction(app.state.sessions) as session:
        return do_receive_many(session=session, submissions=submissions)


@pytest.fixture
def refs(client: TestClient, admin: User, app: FastAPI) -> tuple[IntegrationRef, IntegrationRef]:
    first = make_integration(client, admin, "pagerduty", "first")
    second = make_integration(client, admin, "generic", "second")
    return _ref(app, first), _ref(app, second)


def test_a_batch_answers_each_request_with_its_own_alerts(
    client: TestClient, app: FastAPI, refs: tuple[IntegrationRef, IntegrationRef], clock: Clock
) -> None:
    pd, generic = refs
    now = clock()
    answers = _write(
        app,
        [
            Submission(pd, [_event("a"), _event("b")], now),
            Submission(generic, [_event("a")], now),  # same key, other integration: its own
            Submission(pd, [_event("a")], now),  # a duplicate of the first request's alert
        ],
    )
    rows = {(r["key"], r["count"]) for r in stored(client)}
    assert rows == {("a", 2), ("b", 1), ("a", 1)}
    assert len(answers[0]) == 2
    assert answers[2] == answers[0][:1]
    assert answers[1] != answers[0][:1]


def test_trigger_and_resolve_in_one_batch_keep_their_order(
    client: TestClient, app: FastAPI, refs: tuple[IntegrationRef, IntegrationRef], clock: Clock
) -> None:
    pd, _ = refs
    now = clock()
    _write(
        app,
        [
            Submission(pd, [_event("disk")], now),
            Submission(pd, [_event("disk", Action.resolve)], now),
            Submission(pd, [_event("disk")], now),  # after a resolve: a new alert
        ],
    )
    assert [(r["key"], r["status"]) for r in stored(client)] == [
        ("disk", "resolved"),
        ("disk", "firing"),
    ]


def test_the_batch_clock_is_its_newest_request(
    client: TestClient, admin: User, app: FastAPI, refs: tuple[IntegrationRef, IntegrationRef]
) -> None:
    pd, _ = refs
    early = datetime.fromisoformat("2026-11-23T22:00:00+00:00")
    late = datetime.fromisoformat("2026-11-23T22:00:02+00:00")
    (ids, _) = _write(app, [Submission(pd, [_event("x")], early), Submission(pd, [], late)])
    shown = client.get(f"/api/v1/alerts/{ids[0]}", headers=admin.headers).json()
    assert shown["last_seen"].startswith("2026-11-23T22:00:02")


class _FailsOn(Intake):
    """An intake whose commit fails for any batch holding the poisoned request."""

    def __init__(self, app: FastAPI, poison: Submission) -> None:
        super().__init__(app.state.sessions, idle_seconds=0.5)
        self.poison, self.batches = poison, 0

    def _commit(self, batch: list[Submission]) -> list[list[int]]:
        self.batches += 1
        if any(s is self.poison for s in batch):
            raise ValueError("poisoned")
        return super()._commit(batch)


def test_one_bad_request_fails_alone(
    client: TestClient, app: FastAPI, refs: tuple[IntegrationRef, IntegrationRef], clock: Clock
) -> None:
    pd, generic = refs
    now = clock()
    good = [Submission(pd, [_event("ok-1")], now), Submission(generic, [_event("ok-2")], now)]
    bad = Submission(pd, [_event("bad")], now)
    intake = _FailsOn(app, bad)
    intake._write([good[0], bad, good[1]])
    assert intake.batches == 4  # the batch, then each request on its own
    assert all(len(s.answer.result(timeout=5)) == 1 for s in good)
    with pytest.raises(ValueError, match="poisoned"):
        bad.answer.result(timeout=5)
    assert sorted(r["key"] for r in stored(client)) == ["ok-1", "ok-2"]


def test_the_writer_thread_answers_and_stops_when_closed(
    client: TestClient, app: FastAPI, refs: tuple[IntegrationRef, IntegrationRef], clock: Clock
) -> None:
    pd, _ = refs
    intake = Intake(app.state.sessions, idle_seconds=5)
    answers = [intake.submit(pd, [_event(f"k{i}")], clock()) for i in range(50)]
    assert all(len(a.result(timeout=10)) == 1 for a in answers)
    intake.close()
    assert intake._thread is None
    assert len(stored(client)) == 50
    again = intake.submit(pd, [_event("k0")], clock())  # a later submit starts a new writer
    assert again.result(timeout=10) == answers[0].result()
    intake.close()
