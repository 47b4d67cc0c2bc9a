"""Correlation rules as data: create, replace, delete, list, and the dry run that answers
"what would this rule have done over the last 24 hours" without writing anything."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warroom.alerts.correlate import alert_facts, names_of
from warroom.alerts.correlation_replay import Arrival, Catalog, ReplayGroup, replay
from warroom.alerts.correlation_rules import RuleSpec
from warroom.alerts.correlation_schemas import (
    CorrelationRuleIn,
    CorrelationRuleOut,
    DryRunGroup,
    DryRunOut,
)
from warroom.alerts.models import Alert, CorrelationRule
from warroom.catalog.models import AssetService, Service
from warroom.catalog.service import check_services
from warroom.errors import Conflict, NotFound

DRY_RUN_PERIOD = timedelta(hours=24)
DRY_RUN_HOSTS = 50


def list_rules(*, session: Session) -> list[CorrelationRule]:
    query = select(CorrelationRule).order_by(CorrelationRule.position, CorrelationRule.id)
    return list(session.scalars(query))


def access_rule(*, session: Session, rule_id: int) -> CorrelationRule:
    rule = session.get(CorrelationRule, rule_id)
    if rule is None:
        raise NotFound(f"no correlation rule {rule_id}")
    return rule


def find_rule(*, session: Session, name: str) -> CorrelationRule | None:
    return session.scalar(select(CorrelationRule).where(CorrelationRule.name == name))


def _service(session: Session, name: str | None) -> Service | None:
    if name is None:
        return None
    (service,) = check_services(session=session, names=[name], field="service")
    return service


def do_save_rule(
    *, session: Session, data: CorrelationRuleIn, existing: CorrelationRule | None = None
) -> CorrelationRule:
    """Create the rule, or replace every field of ``existing`` (a PUT)."""
    clash = find_rule(session=session, name=data.name)
    if clash is not None and clash is not existing:
        raise Conflict(f"a correlation rule named {data.name!r} exists already")
    rule = existing or CorrelationRule()
    rule.service = _service(session, data.service)
    for name in ("name", "window_seconds", "min_alerts", "min_assets", "min_share"):
        setattr(rule, name, getattr(data, name))
    rule.group_by = list(data.group_by)
    rule.open_incident, rule.enabled, rule.position = (
        data.open_incident,
        data.enabled,
        data.position,
    )
    session.add(rule)
    session.flush()
    return rule


def do_delete_rule(*, session: Session, rule: CorrelationRule) -> None:
    """Its groups go too; their alerts and any incident they opened stay."""
    session.delete(rule)
    session.flush()


def rule_in(rule: CorrelationRule) -> CorrelationRuleIn:
    return CorrelationRuleIn(
        name=rule.name,
        service=rule.service.name if rule.service else None,
        group_by=list(rule.group_by),
        window_seconds=rule.window_seconds,
        min_alerts=rule.min_alerts,
        min_assets=rule.min_assets,
        min_share=rule.min_share,
        open_incident=rule.open_incident,
        enabled=rule.enabled,
        position=rule.position,
    )


def rule_out(rule: CorrelationRule) -> CorrelationRuleOut:
    return CorrelationRuleOut(id=rule.id, **rule_in(rule).model_dump())


def spec_of(*, session: Session, data: CorrelationRuleIn) -> RuleSpec:
    """An unsaved rule body as the values correlation works with (for a dry run)."""
    return RuleSpec(
        name=data.name,
        group_by=tuple(data.group_by),
        window_seconds=data.window_seconds,
        min_alerts=data.min_alerts,
        min_assets=data.min_assets,
        min_share=data.min_share,
        service_id=service.id if (service := _service(session, data.service)) else None,
        open_incident=data.open_incident,
        enabled=True,
        position=data.position,
    )


def _catalog(session: Session) -> Catalog:
    tiers = {row[0]: row[1] for row in session.execute(select(Service.id, Service.tier))}
    counts = select(AssetService.service_id, func.count()).group_by(AssetService.service_id)
    return Catalog(tiers=tiers, assets={row[0]: row[1] for row in session.execute(counts)})


def _arrivals(session: Session, since: datetime) -> list[Arrival]:
    query = select(Alert).where(Alert.first_seen >= since).order_by(Alert.first_seen, Alert.id)
    alerts = list(session.scalars(query))
    names = names_of(session=session, alerts=alerts)
    return [Arrival(a.first_seen, a.id, alert_facts(a, names)) for a in alerts]


def dry_run(*, session: Session, rule: RuleSpec, now: datetime) -> DryRunOut:
    """Replay the alerts that arrived in the last 24 hours through ``rule``; writes nothing."""
    since = now - DRY_RUN_PERIOD
    arrivals = _arrivals(session, since)
    # A disabled rule is dry-run as if it were enabled: that is what one asks it for.
    formed = replay(_enabled(rule), arrivals, _catalog(session))
    return DryRunOut(
        rule=rule.name,
        since=since,
        until=now,
        alerts_seen=len(arrivals),
        groups=[_group_out(g) for g in formed],
        incidents=sum(1 for g in formed if g.opens_incident),
    )


def _enabled(rule: RuleSpec) -> RuleSpec:
    return replace(rule, enabled=True)


def _group_out(group: ReplayGroup) -> DryRunGroup:
    return DryRunGroup(
        title=group.title,
        values=group.values,
        first_seen=group.first_seen,
        last_seen=group.last_seen,
        alert_count=len(group.alerts),
        asset_count=len(group.hosts),
        hosts=group.hosts[:DRY_RUN_HOSTS],
        threshold_met_at=group.threshold_met_at,
        proposed_severity=group.proposed_severity,
        opens_incident=group.opens_incident,
    )
