"""Ingest: normalised events become alerts, deduplicated, matched to the catalog.

A batch (one Alertmanager notification, one PagerDuty event) is one transaction, written with
a fixed number of statements whatever its size: the open alerts of its keys are read (locked
on PostgreSQL, so concurrent updates of one alert queue up instead of losing counts), the
catalog is asked once for all its hosts, and new alerts go in with one ``INSERT … ON CONFLICT
DO NOTHING``. A key that a concurrent request opened between our read and our insert comes
back from the insert empty-handed and is merged into that alert instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, lazyload, make_transient_to_detached

from warroom.alerts.correlate import do_correlate
from warroom.alerts.correlation_rules import record_change
from warroom.alerts.integrations import IntegrationRef
from warroom.alerts.lookups import DIRECT, Lookups
from warroom.alerts.matching import HostMatch, candidates
from warroom.alerts.models import Alert, ChangeEvent, Integration
from warroom.alerts.payloads import IncomingChange
from warroom.alerts.rules import Action, AlertStatus, IncomingEvent
from warroom.events import DomainEvent, emit

OPEN = (AlertStatus.firing.value, AlertStatus.acknowledged.value)
CHUNK = 500  # rows per INSERT: well under SQLite's limit of bound parameters
COLUMNS = tuple(c.key for c in Alert.__table__.columns if c.key != "id")
ALERTS = cast(Table, Alert.__table__)


@dataclass
class Batch:
    """The state of one ingest: open alerts by key, the new ones, and what matched."""

    integration: IntegrationRef
    now: datetime
    hosts: dict[str, HostMatch]
    open: dict[str, Alert]
    new: list[Alert] = field(default_factory=list)
    touched: dict[int, Alert] = field(default_factory=dict)
    each: list[Alert | None] = field(default_factory=list)  # the alert each event landed in
    merged: dict[int, Alert] = field(default_factory=dict)  # id(pending) → concurrent alert

    def landed(self) -> list[Alert | None]:
        """Per event, the alert it opened, repeated or changed (None: nothing to change)."""
        return [self.merged.get(id(a), a) if a is not None else None for a in self.each]


def do_ingest(
    *,
    session: Session,
    integration: IntegrationRef,
    events: Sequence[IncomingEvent],
    now: datetime,
) -> list[Alert]:
    """Apply ``events`` in order; the alerts created or changed, in the order first touched.

    Acknowledging or resolving a key with no open alert is accepted and ignored, as PagerDuty
    does. The caller commits; nothing is flushed for an empty batch.
    """
    return ingest_batch(session=session, integration=integration, events=events, now=now)[0]


def ingest_batch(
    *,
    session: Session,
    integration: IntegrationRef,
    events: Sequence[IncomingEvent],
    now: datetime,
    lookups: Lookups = DIRECT,
) -> tuple[list[Alert], list[Alert | None]]:
    """``do_ingest``, also saying which alert each event landed in."""
    if not events:
        return [], []
    _take_write_lock(session, integration, now)
    keys = sorted({e.dedup_key for e in events})
    batch = Batch(
        integration,
        now,
        lookups.hosts(session, candidates(events)),
        _open_alerts(session, integration.id, keys),
    )
    for event in events:
        batch.each.append(_apply(batch, event))
    _insert_new(session, batch)
    alerts = [*batch.touched.values(), *(a for a in batch.new if a.id is not None)]
    emit(session, DomainEvent("alerts.ingested", integration.name, _event_data(alerts)))
    return alerts, batch.landed()


def _take_write_lock(session: Session, integration: IntegrationRef, now: datetime) -> None:
    """On SQLite, write first: the transaction then holds the one write lock, so the reads
    that follow cannot go stale before we write over them. (PostgreSQL locks rows instead;
    touching a shared row there would serialise every request of the integration.)"""
    if session.get_bind().dialect.name != "sqlite":
        return
    session.execute(
        update(Integration).where(Integration.id == integration.id).values(last_seen_at=now)
    )


def _open_alerts(session: Session, integration_id: int, keys: list[str]) -> dict[str, Alert]:
    query = (
        select(Alert)
        .options(lazyload("*"))
        .where(
            Alert.integration_id == integration_id,
            Alert.dedup_key.in_(keys),
            Alert.status.in_(OPEN),
        )
        .order_by(Alert.dedup_key)
        .with_for_update()
    )
    return {alert.dedup_key: alert for alert in session.scalars(query)}


def _apply(batch: Batch, event: IncomingEvent) -> Alert | None:
    alert = batch.open.get(event.dedup_key)
    if event.action is Action.trigger:
        if alert is None:
            alert = batch.open[event.dedup_key] = _opened(batch, event)
        else:
            _repeat(batch, alert, event)
    elif alert is not None:
        _change_status(batch, alert, event.action)
    return alert


def _opened(batch: Batch, event: IncomingEvent) -> Alert:
    match = _match(batch, event)
    alert = Alert(
        integration_id=batch.integration.id,
        dedup_key=event.dedup_key,
        status=AlertStatus.firing.value,
        count=1,
        first_seen=event.occurred_at or batch.now,
        acknowledged_at=None,
        resolved_at=None,
        asset_id=match.asset_id if match else None,
        service_id=batch.integration.service_id or (match.service_id if match else None),
        group_id=None,
        expected=False,
        flapping=False,
        state_changes=[],
    )
    _describe(alert, event, batch.now)
    batch.new.append(alert)
    return alert


def _match(batch: Batch, event: IncomingEvent) -> HostMatch | None:
    for name in candidates([event]):
        if name in batch.hosts:
            return batch.hosts[name]
    return None


def _describe(alert: Alert, event: IncomingEvent, now: datetime) -> None:
    """What the latest report says: the newest summary, severity, labels and payload win."""
    alert.summary = event.summary
    alert.severity = event.severity.value
    alert.event = event.event
    alert.source = event.source
    alert.fingerprint = event.fingerprint
    alert.labels = dict(event.labels)
    alert.details = dict(event.details)
    alert.links = list(event.links)
    alert.raw = dict(event.raw)
    alert.last_seen = now


def _repeat(batch: Batch, alert: Alert, event: IncomingEvent) -> None:
    alert.count = (alert.count or 0) + 1
    _describe(alert, event, batch.now)
    _touch(batch, alert)


def _change_status(batch: Batch, alert: Alert, action: Action) -> None:
    if action is Action.acknowledge and alert.status == AlertStatus.firing.value:
        alert.status, alert.acknowledged_at = AlertStatus.acknowledged.value, batch.now
    elif action is Action.resolve:
        alert.status, alert.resolved_at = AlertStatus.resolved.value, batch.now
        del batch.open[alert.dedup_key]  # a later trigger opens a new alert
    else:
        return
    alert.state_changes = record_change(alert.state_changes or [], alert.status, batch.now)
    alert.last_seen = batch.now
    _touch(batch, alert)


def _touch(batch: Batch, alert: Alert) -> None:
    if alert.id is not None:
        batch.touched.setdefault(alert.id, alert)


def _insert_new(session: Session, batch: Batch) -> None:
    ordered = sorted(batch.new, key=lambda a: a.dedup_key)  # one lock order for every request
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        # The rows go as parameters, not VALUES clauses: the statement is then compiled once
        # per process instead of once per batch (compiling cost more than executing).
        statement = _insert_skipping_open_duplicates(session).returning(
            ALERTS.c.id, ALERTS.c.dedup_key, ALERTS.c.status
        )
        returned = session.connection().execute(statement, [_row(a) for a in chunk])
        ids: dict[tuple[str, str], list[int]] = {}
        for alert_id, key, status in returned:
            ids.setdefault((key, status), []).append(alert_id)
        for alert in chunk:
            found = ids.get((alert.dedup_key, alert.status))
            if found:
                _attach(session, alert, found.pop())
            else:
                _merge_into_concurrent(session, batch, alert)


def _insert_skipping_open_duplicates(session: Session) -> postgresql.Insert | sqlite.Insert:
    where = text("status <> 'resolved'")
    target = ["integration_id", "dedup_key"]
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(ALERTS).on_conflict_do_nothing(
            index_elements=target, index_where=where
        )
    return sqlite.insert(ALERTS).on_conflict_do_nothing(index_elements=target, index_where=where)


def _row(alert: Alert) -> dict[str, Any]:
    return {column: getattr(alert, column) for column in COLUMNS}


def _attach(session: Session, alert: Alert, alert_id: int) -> None:
    """Make the inserted row's object part of the session without reading it back."""
    alert.id = alert_id
    make_transient_to_detached(alert)
    session.add(alert)


def _merge_into_concurrent(session: Session, batch: Batch, pending: Alert) -> None:
    """Another request opened this key after we looked: report into its alert instead."""
    current = _open_alerts(session, batch.integration.id, [pending.dedup_key]).get(
        pending.dedup_key
    )
    if current is None:  # and it was resolved since: insert ours after all
        _insert_new(session, replace(batch, new=[pending]))
        return
    current.count = (current.count or 0) + pending.count
    for name in ("summary", "severity", "event", "source", "fingerprint", "labels", "details"):
        setattr(current, name, getattr(pending, name))
    current.links, current.raw, current.last_seen = pending.links, pending.raw, batch.now
    batch.new.remove(pending)
    batch.merged[id(pending)] = current
    _touch(batch, current)


def _event_data(alerts: Iterable[Alert]) -> dict[str, Any]:
    return {"alert_ids": [a.id for a in alerts]}


def do_record_change(
    *, session: Session, integration: IntegrationRef, change: IncomingChange, now: datetime
) -> ChangeEvent:
    """A change event: kept for the change calendar, never paged on."""
    row = ChangeEvent(
        integration_id=integration.id,
        summary=change.summary,
        source=change.source,
        occurred_at=change.occurred_at or now,
        received_at=now,
        details=dict(change.details),
        links=list(change.links),
        service_id=integration.service_id,
        note="",
    )
    session.add(row)
    session.flush()
    emit(session, DomainEvent("change_event.recorded", integration.name, {"id": row.id, "at": now}))
    return row


def do_receive(
    *,
    session: Session,
    integration: IntegrationRef,
    events: Sequence[IncomingEvent],
    now: datetime,
) -> list[Alert]:
    """Ingest, then correlate the alerts in the same transaction: a storm's incident opens
    in the request that crosses the threshold."""
    alerts = do_ingest(session=session, integration=integration, events=events, now=now)
    do_correlate(session=session, alerts=alerts, now=now)
    return alerts
