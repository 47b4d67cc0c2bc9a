"""Group commit for inbound alerts.

Every webhook request hands its parsed events to the process's ``Intake`` and waits. One writer
thread takes whatever has queued up since its last commit, writes all of it in one transaction
(one ingest per integration, then one correlation over every alert touched) and answers each
request once that transaction has committed. Nothing is answered before its alert is durable,
and no request waits on a timer: under light load a batch is one request, under a storm it is
everything that arrived while the previous batch was being written. That turns hundreds of
commits, row-lock waits on a hot alert or group, and correlation passes into one of each.

If a batch fails, its requests are written again one at a time, so one bad request cannot
fail its neighbours and each gets its own answer.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from warroom.alerts.correlate import do_correlate
from warroom.alerts.ingest import ingest_batch
from warroom.alerts.integrations import IntegrationRef
from warroom.alerts.lookups import DIRECT, Cached, Lookups
from warroom.alerts.models import Alert
from warroom.alerts.rules import IncomingEvent
from warroom.db import transaction

log = logging.getLogger("warroom.intake")
MAX_EVENTS = 2000  # per transaction: bounds a batch's lock time and memory
IDLE_SECONDS = 30.0  # the writer thread ends after this long without work; it restarts on demand


@dataclass
class Submission:
    """One request's events, and where its answer (the alert ids it touched) goes."""

    integration: IntegrationRef
    events: Sequence[IncomingEvent]
    now: datetime
    answer: Future[list[int]] = field(default_factory=Future)


def do_receive_many(
    *, session: Session, submissions: Sequence[Submission], lookups: Lookups = DIRECT
) -> list[list[int]]:
    """Ingest every submission, then correlate all the alerts touched, in ``session``'s
    transaction; per submission, the ids of the alerts its events landed in, in order.

    The events of one integration are ingested together in arrival order, so a trigger and its
    resolve in two requests behave as they would one after the other. The batch's clock is the
    newest of its requests' (they arrived within one commit of each other)."""
    now = max(s.now for s in submissions)
    by_integration: dict[int, list[int]] = {}
    for index, submission in enumerate(submissions):
        by_integration.setdefault(submission.integration.id, []).append(index)
    landed: list[list[Alert | None]] = [[] for _ in submissions]
    touched: dict[int, Alert] = {}
    for integration_id in sorted(by_integration):  # one lock order for every batch
        indexes = by_integration[integration_id]
        events = [e for i in indexes for e in submissions[i].events]
        integration = submissions[indexes[0]].integration
        alerts, each = ingest_batch(
            session=session, integration=integration, events=events, now=now, lookups=lookups
        )
        touched.update((a.id, a) for a in alerts)
        _share(landed, indexes, [len(submissions[i].events) for i in indexes], each)
    do_correlate(session=session, alerts=list(touched.values()), now=now, lookups=lookups)
    return [_unique_ids(alerts) for alerts in landed]


def _share(
    landed: list[list[Alert | None]],
    indexes: list[int],
    sizes: list[int],
    each: list[Alert | None],
) -> None:
    start = 0
    for index, size in zip(indexes, sizes, strict=True):
        landed[index] = each[start : start + size]
        start += size


def _unique_ids(alerts: list[Alert | None]) -> list[int]:
    return list(dict.fromkeys(a.id for a in alerts if a is not None and a.id is not None))


class Intake:
    """The process's queue of submissions and its one writer thread (started on first use)."""

    def __init__(self, sessions: sessionmaker[Session], *, idle_seconds: float = IDLE_SECONDS):
        self._sessions, self._idle = sessions, idle_seconds
        self._queue: queue.SimpleQueue[Submission | None] = queue.SimpleQueue()  # None: stop
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._conn: Connection | None = None  # only the writer thread touches it
        self.lookups = Cached()
        self.lookups.watch(sessions)

    def submit(
        self, integration: IntegrationRef, events: Sequence[IncomingEvent], now: datetime
    ) -> Future[list[int]]:
        submission = Submission(integration, events, now)
        with self._lock:
            self._queue.put(submission)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="intake", daemon=True)
                self._thread.start()
        return submission.answer

    async def receive(
        self, integration: IntegrationRef, events: Sequence[IncomingEvent], now: datetime
    ) -> list[int]:
        """Queue the events and wait until they are committed; the alert ids they touched."""
        return await asyncio.wrap_future(self.submit(integration, events, now))

    def close(self) -> None:
        """Write what is queued, then stop the writer thread (a later submit restarts it)."""
        with self._lock:
            thread = self._thread
            if thread is None:
                return
            self._queue.put(None)
        thread.join(timeout=60)

    def _run(self) -> None:
        while (batch := self._take()) is not None:
            self._write(batch)

    def _take(self) -> list[Submission] | None:
        """The next batch: whatever is queued, up to ``MAX_EVENTS``; None once idle."""
        try:
            first = self._queue.get(timeout=self._idle)
        except queue.Empty:
            first = None
        with self._lock:
            if first is None and self._queue.empty():
                if self._conn is not None:
                    self._conn.close()
                self._thread, self._conn = None, None
                return None
        if first is None:
            return self._take()
        batch, size = [first], len(first.events)
        while size < MAX_EVENTS:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:  # stop once this batch is written
                self._queue.put(None)
                break
            batch.append(item)
            size += len(item.events)
        return batch

    def _write(self, batch: list[Submission]) -> None:
        try:
            results = self._commit(batch)
        except Exception as exc:
            if len(batch) == 1:
                _fail(batch[0], exc)
                return
            log.warning("batch of %d failed (%s); writing one at a time", len(batch), exc)
            for submission in batch:
                self._write([submission])
            return
        for submission, ids in zip(batch, results, strict=True):
            if not submission.answer.done():
                submission.answer.set_result(ids)

    def _commit(self, batch: list[Submission]) -> list[list[int]]:
        with transaction(self._sessions, bind=self._connection()) as session:
            return do_receive_many(session=session, submissions=batch, lookups=self.lookups)

    def _connection(self) -> Connection:
        """The writer's own connection, kept between batches: checking one out of the pool
        costs a ping (a round trip) every time. Replaced once it breaks."""
        if self._conn is None or self._conn.invalidated or self._conn.closed:
            engine = self._sessions.kw["bind"]
            self._conn = engine.connect()
        return self._conn


def _fail(submission: Submission, exc: Exception) -> None:
    if not submission.answer.done():
        submission.answer.set_exception(exc)
