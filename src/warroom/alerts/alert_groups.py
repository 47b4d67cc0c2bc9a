"""Alert groups as people see them: lists with filters, one group with its hosts and alerts,
and "declare an incident from these alerts"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.alerts.correlate import alert_host, rule_spec
from warroom.alerts.correlation_schemas import AlertGroupDetail, AlertGroupOut, GroupedAlert
from warroom.alerts.escalate import GroupState, group_hosts, record_group
from warroom.alerts.models import Alert, AlertGroup, AlertGroupAlert, CorrelationRule
from warroom.catalog.models import Service
from warroom.errors import Conflict, InvalidInput, NotFound
from warroom.events import DomainEvent, emit
from warroom.incidents.declare import do_declare
from warroom.incidents.models import Incident
from warroom.incidents.rules import Kind, Severity, format_ref, parse_ref
from warroom.incidents.schemas import IncidentCreate

GROUP_ALERTS = 500


@dataclass(frozen=True)
class GroupFilter:
    status: str | None = None
    service: str | None = None
    incident: str | None = None
    since: datetime | None = None
    limit: int = 100


def _filtered(query: Select[tuple[AlertGroup]], wanted: GroupFilter) -> Select[tuple[AlertGroup]]:
    if wanted.status:
        query = query.where(AlertGroup.status == wanted.status)
    if wanted.service:
        service = select(Service.id).where(Service.name == wanted.service)
        query = query.where(AlertGroup.service_id.in_(service))
    if wanted.incident:
        number = parse_ref(wanted.incident)
        if number is None:
            raise InvalidInput("incident", f"{wanted.incident!r} is not an incident reference")
        query = query.where(AlertGroup.incident_id == number)
    if wanted.since:
        query = query.where(AlertGroup.last_seen >= wanted.since)
    return query


def list_groups(*, session: Session, wanted: GroupFilter) -> list[AlertGroup]:
    """Most recently active first."""
    query = _filtered(select(AlertGroup), wanted)
    query = query.order_by(AlertGroup.last_seen.desc(), AlertGroup.id.desc())
    return list(session.scalars(query.limit(wanted.limit)))


def access_group(*, session: Session, group_id: int) -> AlertGroup:
    group = session.get(AlertGroup, group_id)
    if group is None:
        raise NotFound(f"no alert group {group_id}")
    return group


def _service_name(session: Session, service_id: int | None) -> str | None:
    service = session.get(Service, service_id) if service_id else None
    return service.name if service else None


def group_out(*, session: Session, group: AlertGroup) -> AlertGroupOut:
    return AlertGroupOut(
        id=group.id,
        rule=group.rule.name,
        title=group.title,
        status=group.status,
        values={str(k): str(v) for k, v in group.values.items()},
        service=_service_name(session, group.service_id),
        first_seen=group.first_seen,
        last_seen=group.last_seen,
        alert_count=group.alert_count,
        asset_count=group.asset_count,
        escalating_alerts=group.escalating_alerts,
        escalating_assets=group.escalating_assets,
        proposed_severity=group.proposed_severity,
        threshold_met_at=group.threshold_met_at,
        incident=format_ref(group.incident_id) if group.incident_id else None,
    )


def group_alerts(*, session: Session, group: AlertGroup) -> list[Alert]:
    query = (
        select(Alert)
        .join(AlertGroupAlert, AlertGroupAlert.alert_id == Alert.id)
        .where(AlertGroupAlert.group_id == group.id)
        .order_by(Alert.last_seen.desc(), Alert.id.desc())
    )
    return list(session.scalars(query.limit(GROUP_ALERTS)))


def group_detail(*, session: Session, group: AlertGroup) -> AlertGroupDetail:
    alerts = [
        GroupedAlert(
            id=a.id,
            summary=a.summary,
            severity=a.severity,
            status=a.status,
            source=a.source,
            host=alert_host(a),
            expected=a.expected,
            flapping=a.flapping,
            last_seen=a.last_seen,
        )
        for a in group_alerts(session=session, group=group)
    ]
    hosts = group_hosts(session=session, group_id=group.id)
    return AlertGroupDetail(
        **group_out(session=session, group=group).model_dump(), hosts=hosts, alerts=alerts
    )


def do_declare_from_group(
    *,
    session: Session,
    actor: Actor,
    group: AlertGroup,
    severity: Severity | None,
    title: str | None,
    now: datetime,
) -> Incident:
    """A person declares from a group that has no incident yet; 409 when it has one."""
    claimed = session.execute(
        update(AlertGroup)
        .where(AlertGroup.id == group.id, AlertGroup.incident_id.is_(None))
        .values(last_seen=AlertGroup.last_seen)
        .execution_options(synchronize_session=False)
    )
    session.refresh(group)
    if not getattr(claimed, "rowcount", 0) or group.incident_id is not None:
        raise Conflict(f"alert group {group.id} already belongs to an incident")
    service = _service_name(session, group.service_id)
    data = IncidentCreate(
        title=(title or group.title or f"Alert group {group.id}")[:300],
        kind=Kind.service,
        severity=severity or Severity(group.proposed_severity or Severity.SEV3.value),
        services=[service] if service else [],
        description=f"Declared from alert group {group.id} ({group.rule.name}).",
        started_at=min(group.first_seen, now),
        detected_at=now,
    )
    incident = do_declare(session=session, actor=actor, data=data, now=now)
    group.incident_id = incident.id
    state = GroupState.from_row({c: getattr(group, c) for c in GroupState.__dataclass_fields__})
    record_group(
        session=session, incident=incident, state=state, rule=rule_spec(group.rule), now=now
    )
    session.flush()
    return incident


def do_close_expired_groups(*, session: Session, now: datetime) -> list[int]:
    """Close the open groups whose window has passed, so lists and live pages stop calling a
    storm that ended "open". (Ingest closes one too when its key comes back; this catches the
    rest.) Rows that an ingest holds are skipped: it closes them itself, or the next sweep does.
    """
    query = (
        select(AlertGroup.id, AlertGroup.first_seen, AlertGroup.incident_id)
        .add_columns(CorrelationRule.window_seconds)
        .join(CorrelationRule, CorrelationRule.id == AlertGroup.rule_id)
        .where(AlertGroup.status == "open")
        .order_by(AlertGroup.id)
        .with_for_update(of=AlertGroup, skip_locked=True)
    )
    expired = [row for row in session.execute(query) if now - row[1] > timedelta(seconds=row[3])]
    if not expired:
        return []
    ids = [row[0] for row in expired]
    session.execute(update(AlertGroup).where(AlertGroup.id.in_(ids)).values(status="closed"))
    for group_id, _first, incident_id, _window in expired:
        emit(session, DomainEvent("alert_group.updated", str(group_id), {"incident": incident_id}))
    return ids
