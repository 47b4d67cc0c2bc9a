"""Correlation use case: put freshly ingested alerts into their rules' open groups and escalate
a group the moment it meets its threshold. Runs in the ingesting batch's transaction; the
group writes (and how concurrent batches stay consistent) are in ``grouping``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.alerts.correlation_rules import (
    FLAP_WINDOW,
    AlertFacts,
    RuleSpec,
    applies,
    group_key,
    group_values,
    is_flapping,
    record_change,
)
from warroom.alerts.grouping import Bucket, add_to_groups
from warroom.alerts.lookups import DIRECT, Lookups
from warroom.alerts.maintenance import do_mark_expected
from warroom.alerts.models import (
    Alert,
    CorrelationRule,
)
from warroom.alerts.rules import AlertStatus
from warroom.catalog.models import Asset, Service


def rule_spec(rule: CorrelationRule) -> RuleSpec:
    return RuleSpec(
        id=rule.id,
        name=rule.name,
        group_by=tuple(rule.group_by),
        window_seconds=rule.window_seconds,
        min_alerts=rule.min_alerts,
        min_assets=rule.min_assets,
        min_share=rule.min_share,
        service_id=rule.service_id,
        open_incident=rule.open_incident,
        enabled=rule.enabled,
        position=rule.position,
    )


@dataclass(frozen=True)
class Names:
    """Asset hostnames and service names by id, read once per call (never per alert)."""

    hosts: Mapping[int, str] = field(default_factory=dict)
    services: Mapping[int, str] = field(default_factory=dict)


def names_of(*, session: Session, alerts: Sequence[Alert]) -> Names:
    asset_ids = {a.asset_id for a in alerts if a.asset_id is not None}
    service_ids = {a.service_id for a in alerts if a.service_id is not None}
    hosts = select(Asset.id, Asset.hostname).where(Asset.id.in_(asset_ids))
    services = select(Service.id, Service.name).where(Service.id.in_(service_ids))
    return Names(
        hosts={row[0]: row[1] for row in session.execute(hosts)} if asset_ids else {},
        services={row[0]: row[1] for row in session.execute(services)} if service_ids else {},
    )


def alert_host(alert: Alert, names: Names | None = None) -> str:
    """The host a group counts: the catalog's hostname, else the sender's name for it."""
    if alert.asset_id is not None:
        hostname = names.hosts.get(alert.asset_id) if names else None
        if hostname is None and alert.asset is not None:
            hostname = alert.asset.hostname
        if hostname:
            return hostname
    return alert.source or f"alert {alert.dedup_key}"[:255]


def alert_facts(alert: Alert, names: Names) -> AlertFacts:
    return AlertFacts(
        event=alert.event,
        source=alert.source,
        severity=alert.severity,
        host=alert_host(alert, names),
        service=names.services.get(alert.service_id) if alert.service_id else None,
        service_id=alert.service_id,
        labels={str(k): str(v) for k, v in (alert.labels or {}).items()},
        expected=alert.expected,
        flapping=alert.flapping,
    )


def do_correlate(
    *, session: Session, alerts: Sequence[Alert], now: datetime, lookups: Lookups = DIRECT
) -> list[int]:
    """Group the alerts; escalate groups that now meet their threshold; return the ids of the
    groups touched (not loaded: ingest, the hot path, has no use for them). Resolved alerts
    only update their flapping history."""
    if not alerts:
        return []
    session.flush()
    new = [a for a in alerts if not a.state_changes]
    do_mark_expected(session=session, alerts=new, windows=lookups.windows(session, now), now=now)
    track_flapping(session=session, alerts=alerts, now=now)
    rules = lookups.rules(session)
    names = names_of(session=session, alerts=alerts)
    named: set[int] = set()
    live = [a for a in alerts if a.status != AlertStatus.resolved]
    buckets = _buckets(rules, live, names)
    touched = add_to_groups(
        session=session, buckets=buckets, host_of=lambda a: alert_host(a, names), now=now
    )
    for bucket, group_id in zip(buckets, touched, strict=True):
        for alert in bucket.alerts:
            # The first rule (by position) that groups an alert names its group on the alert.
            if alert.id not in named:
                alert.group_id = group_id
                named.add(alert.id)
    session.flush()  # everything written before the caller looks again, whatever it does next
    return touched


def _buckets(rules: Sequence[RuleSpec], alerts: Sequence[Alert], names: Names) -> list[Bucket]:
    found: dict[tuple[int, int, str], Bucket] = {}
    for alert in alerts:
        facts = alert_facts(alert, names)
        for rule in rules:
            if not applies(rule, facts):
                continue
            values = group_values(rule, facts)
            key = group_key(values)
            bucket = found.setdefault((rule.position, rule.id, key), Bucket(rule, key, values))
            bucket.alerts.append(alert)
    return [found[k] for k in sorted(found)]


def track_flapping(*, session: Session, alerts: Sequence[Alert], now: datetime) -> None:
    """Record each alert's state change; a new alert continues the history of the alert its
    dedup key last resolved, so firing/resolving over and over is seen as one flapping alert."""
    previous = _recent_histories(session, [a for a in alerts if not a.state_changes], now)
    for alert in alerts:
        history = alert.state_changes or previous.get((alert.integration_id, alert.dedup_key), [])
        alert.state_changes = record_change(history, alert.status, now)
        alert.flapping = is_flapping(alert.state_changes, now)


def _recent_histories(
    session: Session, alerts: Sequence[Alert], now: datetime
) -> dict[tuple[int, str], list[str]]:
    if not alerts:
        return {}
    keys = {a.dedup_key for a in alerts}
    ids = {a.id for a in alerts}
    query = (
        select(Alert.integration_id, Alert.dedup_key, Alert.state_changes)
        .where(Alert.status == AlertStatus.resolved.value, Alert.last_seen >= now - FLAP_WINDOW)
        .where(Alert.dedup_key.in_(keys), Alert.id.not_in(ids))
        .order_by(Alert.id)
    )
    return {(row[0], row[1]): list(row[2] or []) for row in session.execute(query)}
