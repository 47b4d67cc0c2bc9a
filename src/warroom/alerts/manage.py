"""Alerts as people see them: find, list, acknowledge and resolve. The caller owns the
transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.alerts.correlation_rules import record_change
from warroom.alerts.models import Alert, Integration
from warroom.alerts.rules import AlertSeverity, AlertStatus
from warroom.catalog.models import Asset, Service
from warroom.errors import IllegalTransition, NotFound
from warroom.events import DomainEvent, emit
from warroom.incidents.service import decode_cursor, encode_cursor


@dataclass(frozen=True)
class AlertFilter:
    statuses: tuple[AlertStatus, ...] = ()
    severities: tuple[AlertSeverity, ...] = ()
    service: str | None = None
    asset: str | None = None
    integration: str | None = None
    since: datetime | None = None


def access_alert(*, session: Session, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound(f"no alert {alert_id}")
    return alert


def _filtered(query: Select[Alert], wanted: AlertFilter) -> Select[Alert]:
    if wanted.statuses:
        query = query.where(Alert.status.in_([s.value for s in wanted.statuses]))
    if wanted.severities:
        query = query.where(Alert.severity.in_([s.value for s in wanted.severities]))
    if wanted.service:
        named = select(Service.id).where(Service.name == wanted.service)
        query = query.where(Alert.service_id.in_(named))
    if wanted.asset:
        named = select(Asset.id).where(Asset.hostname == wanted.asset.strip().lower())
        query = query.where(Alert.asset_id.in_(named))
    if wanted.integration:
        named = select(Integration.id).where(Integration.name == wanted.integration)
        query = query.where(Alert.integration_id.in_(named))
    if wanted.since:
        query = query.where(Alert.last_seen >= wanted.since)
    return query


def list_alerts(
    *, session: Session, wanted: AlertFilter, cursor: str | None = None, limit: int = 50
) -> tuple[list[Alert], str | None]:
    """Newest first; the cursor continues after the last alert of the previous page."""
    query = _filtered(select(Alert), wanted)
    if cursor:
        query = query.where(Alert.id < decode_cursor(cursor))
    rows = list(session.scalars(query.order_by(Alert.id.desc()).limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1].id) if more and rows else None


def do_acknowledge(*, session: Session, alert: Alert, actor: Actor, now: datetime) -> Alert:
    """Someone is on it. Acknowledging twice changes nothing; a resolved alert cannot be."""
    if alert.status == AlertStatus.resolved.value:
        raise IllegalTransition("status", "the alert is resolved; a new trigger opens a new one")
    if alert.status == AlertStatus.firing.value:
        alert.status, alert.acknowledged_at = AlertStatus.acknowledged.value, now
        _changed(session, alert, actor, now)
    return alert


def do_resolve(*, session: Session, alert: Alert, actor: Actor, now: datetime) -> Alert:
    """Resolved by hand; resolving twice changes nothing."""
    if alert.status != AlertStatus.resolved.value:
        alert.status, alert.resolved_at = AlertStatus.resolved.value, now
        _changed(session, alert, actor, now)
    return alert


def _changed(session: Session, alert: Alert, actor: Actor, now: datetime) -> None:
    alert.state_changes = record_change(alert.state_changes or [], alert.status, now)
    session.flush()
    data = {"id": alert.id, "status": alert.status, "by": actor.person_id}
    emit(session, DomainEvent(f"alert.{alert.status}", str(alert.id), data))
