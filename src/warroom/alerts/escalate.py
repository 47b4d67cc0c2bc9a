"""Escalating an alert group: when it first meets its rule's threshold, propose a severity and
open an incident (or attach to the one an earlier group of the same storm, or the service,
already has), and put the group on the incident's timeline. The caller holds the group's row
lock, so this runs once per group however many requests race."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warroom.alerts.correlation_rules import (
    RuleSpec,
    Spread,
    group_title,
    highest_proposal,
    propose_severity,
    threshold_met,
)
from warroom.alerts.models import AlertGroup, AlertGroupMember
from warroom.catalog.models import AssetService, Service
from warroom.incidents.declare import do_declare
from warroom.incidents.models import Incident, IncidentService
from warroom.incidents.rules import Kind, Severity, format_ref
from warroom.incidents.schemas import IncidentCreate, IncidentUpdate
from warroom.incidents.service import ACTIVE_STATUSES, record
from warroom.incidents.update import do_update

TIMELINE_HOSTS = 50


@dataclass
class GroupState:
    """A locked group row's values while one request changes them."""

    id: int
    rule_id: int
    key: str
    first_seen: datetime
    last_seen: datetime
    alert_count: int
    asset_count: int
    escalating_alerts: int
    escalating_assets: int
    service_id: int | None
    incident_id: int | None
    threshold_met_at: datetime | None
    proposed_severity: str | None
    title: str

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> GroupState:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})

    def counts(self) -> dict[str, Any]:
        names = (
            *("last_seen", "alert_count", "asset_count", "escalating_alerts", "title"),
            *("escalating_assets", "incident_id", "threshold_met_at", "proposed_severity"),
        )
        return {name: getattr(self, name) for name in names}


def service_asset_count(*, session: Session, service_id: int | None) -> int:
    if service_id is None:
        return 0
    query = select(func.count()).where(AssetService.service_id == service_id)
    return int(session.scalar(query) or 0)


def escalate(
    *, session: Session, rule: RuleSpec, state: GroupState, values: Mapping[str, str], now: datetime
) -> None:
    """Refresh the title; the first time the threshold is met, propose and declare."""
    state.title = group_title(values, state.asset_count)
    if state.threshold_met_at is not None:
        _reconsider(session, state, now)
        return
    spread = Spread(alerts=state.escalating_alerts, hosts=state.escalating_assets)
    if rule.min_share is None and not threshold_met(rule, spread):
        return  # the service's size cannot matter yet: spare the count on every batch
    size = service_asset_count(session=session, service_id=state.service_id)
    spread = replace(spread, service_assets=size)
    if not threshold_met(rule, spread):
        return
    service = session.get(Service, state.service_id) if state.service_id else None
    severity = propose_severity(service.tier if service else None, spread)
    state.threshold_met_at, state.proposed_severity = now, severity.value
    if rule.open_incident:
        incident = _incident_for(session, rule, state, service, severity, now)
        state.incident_id = incident.id
        record_group(session=session, incident=incident, state=state, rule=rule, now=now)


def _reconsider(session: Session, state: GroupState, now: datetime) -> None:
    """A storm that keeps spreading proposes a higher severity. The incident it opened follows,
    unless someone has set its severity by hand since: then the proposal is only noted."""
    service = session.get(Service, state.service_id) if state.service_id else None
    tier = service.tier if service else None
    before = state.proposed_severity
    if before == highest_proposal(tier).value:
        return  # as high as it can go: spare the count on every batch of a long storm
    size = service_asset_count(session=session, service_id=state.service_id)
    spread = Spread(state.escalating_alerts, state.escalating_assets, size)
    severity = propose_severity(tier, spread)
    if before is None or severity.value >= before:  # "SEV1" < "SEV2": lower is worse
        return
    state.proposed_severity = severity.value
    if state.incident_id is None:
        return
    # Locked and read afresh: another storm's group may be raising the same incident.
    session.execute(select(Incident.id).where(Incident.id == state.incident_id).with_for_update())
    incident = session.get(Incident, state.incident_id, populate_existing=True)
    if incident is None or incident.status not in ACTIVE_STATUSES:
        return
    if incident.severity <= severity.value:
        return
    share = f" ({spread.share:.0%} of the service's assets)" if size else ""
    why = (
        f"Alert group {state.id} has spread to {state.escalating_assets} hosts{share}; "
        f"proposed {severity.value}"
    )
    if incident.severity == before:
        update = IncidentUpdate(severity=severity, message=why)
        do_update(session=session, incident=incident, actor=None, data=update, now=now)
    else:
        record(session=session, incident=incident, kind="note", actor=None, now=now, text=why)


def _incident_for(
    session: Session,
    rule: RuleSpec,
    state: GroupState,
    service: Service | None,
    severity: Severity,
    now: datetime,
) -> Incident:
    existing = _open_incident_of_storm(session, state) or _open_incident_of_service(
        session, service
    )
    if existing is not None:
        return existing
    data = IncidentCreate(
        title=state.title[:300],
        kind=Kind.service,
        severity=severity,
        services=[service.name] if service else [],
        description=f"Opened by the correlation rule “{rule.name}” when "
        f"{state.escalating_assets} hosts and {state.escalating_alerts} alerts "
        f"had arrived within {rule.window_seconds // 60} minutes.",
        # A concurrent request may have opened the group with a clock read a moment after
        # ours: the impact cannot start after it was detected.
        started_at=min(state.first_seen, now),
        detected_at=now,
    )
    return do_declare(session=session, actor=None, data=data, now=now)


def _open_incident_of_storm(session: Session, state: GroupState) -> Incident | None:
    """An earlier window's group of the same rule and key is the same storm going on."""
    query = (
        select(Incident)
        .join(AlertGroup, AlertGroup.incident_id == Incident.id)
        .where(AlertGroup.rule_id == state.rule_id, AlertGroup.key == state.key)
        .where(AlertGroup.id != state.id, Incident.status.in_(ACTIVE_STATUSES))
        .order_by(Incident.id.desc())
    )
    return session.scalars(query.limit(1)).first()


def _open_incident_of_service(session: Session, service: Service | None) -> Incident | None:
    if service is None:
        return None
    query = (
        select(Incident)
        .join(IncidentService, IncidentService.incident_id == Incident.id)
        .where(IncidentService.service_id == service.id, Incident.kind == Kind.service.value)
        .where(Incident.status.in_(ACTIVE_STATUSES))
        .order_by(Incident.id.desc())
    )
    return session.scalars(query.limit(1)).first()


def group_hosts(*, session: Session, group_id: int, limit: int | None = None) -> list[str]:
    query = (
        select(AlertGroupMember.member)
        .where(AlertGroupMember.group_id == group_id)
        .order_by(AlertGroupMember.first_seen, AlertGroupMember.member)
    )
    return list(session.scalars(query.limit(limit) if limit else query))


def record_group(
    *, session: Session, incident: Incident, state: GroupState, rule: RuleSpec, now: datetime
) -> None:
    """The group on the incident's timeline; its live counts stay on the group row."""
    hosts = group_hosts(session=session, group_id=state.id, limit=TIMELINE_HOSTS)
    record(
        session=session,
        incident=incident,
        kind="alert_group",
        actor=None,
        now=now,
        text=f"Alert group {state.id} ({rule.name}): {state.title}, "
        f"{state.alert_count} alerts; proposed {state.proposed_severity}",
        after=format_ref(incident.id),
        data={
            "group_id": state.id,
            "alert_count": state.alert_count,
            "asset_count": state.asset_count,
            "hosts": hosts,
        },
    )
