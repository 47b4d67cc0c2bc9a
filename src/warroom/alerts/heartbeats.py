"""Heartbeats (dead man's switches): a monitor pings its URL every interval; when the pings
stop for longer than the interval and its grace, an alert is raised, and the next ping
resolves it.

``overdue`` is the pure decision; ``do_ping`` and ``do_check_heartbeats`` are the use cases,
which the background worker (``warroom.oncall.worker``) runs every interval."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from warroom.alerts.ingest import do_ingest
from warroom.alerts.integrations import HEARTBEAT_DEFAULTS, IntegrationRef, ref_of
from warroom.alerts.models import Alert, Integration
from warroom.alerts.rules import Action, AlertSeverity, AlertStatus, IncomingEvent, IntegrationKind

MISSED_KEY = "heartbeat-missed"


@dataclass(frozen=True)
class Heartbeat:
    integration_id: int
    name: str
    last_ping: datetime | None
    created_at: datetime
    interval: timedelta
    grace: timedelta

    def due_by(self) -> datetime:
        """When the next ping must have come (counting from creation until the first one)."""
        return (self.last_ping or self.created_at) + self.interval + self.grace


def overdue(heartbeats: Iterable[Heartbeat], now: datetime) -> list[Heartbeat]:
    return [beat for beat in heartbeats if beat.due_by() < now]


def heartbeat_of(integration: Integration) -> Heartbeat:
    config = {**HEARTBEAT_DEFAULTS, **(integration.config or {})}
    return Heartbeat(
        integration_id=integration.id,
        name=integration.name,
        last_ping=integration.last_seen_at,
        created_at=integration.created_at,
        interval=timedelta(seconds=int(config["interval_seconds"])),
        grace=timedelta(seconds=int(config["grace_seconds"])),
    )


def _event(action: Action, beat: Heartbeat, now: datetime) -> IncomingEvent:
    silent = now - (beat.last_ping or beat.created_at)
    minutes = int(silent.total_seconds() // 60)
    return IncomingEvent(
        action=action,
        dedup_key=MISSED_KEY,
        summary=f"Heartbeat {beat.name!r} missed: no ping for {minutes} min",
        severity=AlertSeverity.error,
        source=beat.name,
        event="heartbeat missed",
        labels={"heartbeat": beat.name},
    )


def do_ping(*, session: Session, integration: IntegrationRef, now: datetime) -> list[Alert]:
    """Record the ping; resolve the missed-heartbeat alert if one is open."""
    session.execute(
        update(Integration).where(Integration.id == integration.id).values(last_seen_at=now)
    )
    if not _open_missed(session, [integration.id]):
        return []
    beat = Heartbeat(integration.id, integration.name, now, now, timedelta(), timedelta())
    return do_ingest(
        session=session,
        integration=integration,
        events=[_event(Action.resolve, beat, now)],
        now=now,
    )


def _open_missed(session: Session, integration_ids: list[int]) -> set[int]:
    query = select(Alert.integration_id).where(
        Alert.integration_id.in_(integration_ids),
        Alert.dedup_key == MISSED_KEY,
        Alert.status != AlertStatus.resolved.value,
    )
    return set(session.scalars(query))


def do_check_heartbeats(*, session: Session, now: datetime) -> list[Alert]:
    """Raise the missed-heartbeat alert of every overdue heartbeat that has none open."""
    rows = session.scalars(
        select(Integration).where(
            Integration.kind == IntegrationKind.heartbeat.value, Integration.enabled.is_(True)
        )
    ).all()
    late = overdue([heartbeat_of(row) for row in rows], now)
    raised = _open_missed(session, [beat.integration_id for beat in late]) if late else set()
    by_id = {row.id: row for row in rows}
    alerts: list[Alert] = []
    for beat in late:
        if beat.integration_id not in raised:
            event = _event(Action.trigger, beat, now)
            ref = ref_of(by_id[beat.integration_id])
            alerts += do_ingest(session=session, integration=ref, events=[event], now=now)
    return alerts
