"""Correlation use case: put freshly ingested alerts into their rules' open groups and escalate
a group the moment it meets its threshold. Runs in the ingesting request's transaction.

Concurrency: each group row is locked (``SELECT … FOR UPDATE``) before its counts move, so on
PostgreSQL concurrent storms queue on the group and exactly one of them sees the threshold
crossed; SQLite serialises writers anyway. A group is created with ``INSERT … ON CONFLICT DO
NOTHING`` against the partial unique index on open groups, so two requests never open two
groups for one key. Groups are visited in one fixed order, so two requests never wait on
each other in a cycle."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.dialects import postgresql, sqlite
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
    window_open,
)
from warroom.alerts.escalate import GroupState, escalate
from warroom.alerts.maintenance import do_mark_expected
from warroom.alerts.models import (
    Alert,
    AlertGroup,
    AlertGroupAlert,
    AlertGroupMember,
    CorrelationRule,
)
from warroom.alerts.rules import AlertStatus
from warroom.catalog.models import Asset, Service
from warroom.events import DomainEvent, emit


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


@dataclass
class Bucket:
    """The alerts of one call that fall into one rule's group."""

    rule: RuleSpec
    key: str
    values: dict[str, str]
    alerts: list[Alert] = field(default_factory=list)


def enabled_rules(*, session: Session) -> list[RuleSpec]:
    query = select(CorrelationRule).where(CorrelationRule.enabled.is_(True))
    rows = session.scalars(query.order_by(CorrelationRule.position, CorrelationRule.id))
    return [rule_spec(r) for r in rows]


def do_correlate(*, session: Session, alerts: Sequence[Alert], now: datetime) -> list[int]:
    """Group the alerts; escalate groups that now meet their threshold; return the ids of the
    groups touched (not loaded: ingest, the hot path, has no use for them). Resolved alerts
    only update their flapping history."""
    if not alerts:
        return []
    session.flush()
    do_mark_expected(session=session, alerts=[a for a in alerts if not a.state_changes], now=now)
    track_flapping(session=session, alerts=alerts, now=now)
    rules = enabled_rules(session=session)
    names = names_of(session=session, alerts=alerts)
    touched: list[int] = []
    named: set[int] = set()
    live = [a for a in alerts if a.status != AlertStatus.resolved]
    for bucket in _buckets(rules, live, names):
        group_id = _add_to_group(session, bucket, names, now)
        touched.append(group_id)
        for alert in bucket.alerts:
            # The first rule (by position) that groups an alert names its group on the alert.
            if alert.id not in named:
                alert.group_id = group_id
                named.add(alert.id)
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


def _insert(session: Session, table: Any) -> postgresql.Insert | sqlite.Insert:
    """INSERT that can skip conflicting rows, in the session's SQL dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _insert_new_rows(
    session: Session, table: Any, rows: list[dict[str, Any]], column: str
) -> list[Any]:
    """Insert ``rows``, skipping those already there; ``column`` of the rows inserted. The
    rows go as parameters of one statement (compiled once per process, not once per batch
    size: compiling a many-VALUES insert cost more than running it)."""
    statement = _insert(session, table).on_conflict_do_nothing().returning(table.c[column])
    result = session.connection().execute(statement, rows)
    return list(result.scalars())


def _open_group(session: Session, bucket: Bucket, now: datetime) -> GroupState:
    """The rule's open group for the key, locked; a new one when there is none or the open
    one's window has passed (which closes it)."""
    state = _locked_group(session, bucket)
    if state is not None and window_open(state.first_seen, bucket.rule, now):
        return state
    if state is not None:
        session.execute(update(AlertGroup).where(AlertGroup.id == state.id).values(status="closed"))
    service_id = bucket.rule.service_id or bucket.alerts[0].service_id
    row = {
        "rule_id": bucket.rule.id,
        "key": bucket.key,
        "values": bucket.values,
        "title": "",
        "status": "open",
        "first_seen": now,
        "last_seen": now,
        "service_id": service_id,
    }
    insert = _insert(session, AlertGroup).values(row)
    # The index predicate as literal SQL: PostgreSQL cannot match a partial index against a
    # bound parameter once the statement is prepared (psycopg prepares after 5 runs).
    session.execute(
        insert.on_conflict_do_nothing(
            index_elements=["rule_id", "key"], index_where=text("status = 'open'")
        )
    )
    created = _locked_group(session, bucket)
    assert created is not None  # inserted here, or by a request that committed first
    return created


def _locked_group(session: Session, bucket: Bucket) -> GroupState | None:
    query = (
        select(AlertGroup.__table__)
        .where(AlertGroup.rule_id == bucket.rule.id, AlertGroup.key == bucket.key)
        .where(AlertGroup.status == "open")
        .with_for_update()
    )
    row = session.execute(query).mappings().first()
    return GroupState.from_row(dict(row)) if row is not None else None


def _escalates(alert: Alert) -> bool:
    return not alert.expected and not alert.flapping


def _add_to_group(session: Session, bucket: Bucket, names: Names, now: datetime) -> int:
    state = _open_group(session, bucket, now)
    links = [{"group_id": state.id, "alert_id": a.id} for a in bucket.alerts]
    new_ids = set(_insert_new_rows(session, AlertGroupAlert.__table__, links, "alert_id"))
    hosts = sorted({alert_host(a, names) for a in bucket.alerts})
    members = [{"group_id": state.id, "member": h, "first_seen": now} for h in hosts]
    new_hosts = len(_insert_new_rows(session, AlertGroupMember.__table__, members, "member"))
    escalating = sorted({alert_host(a, names) for a in bucket.alerts if _escalates(a)})
    newly_escalating = _mark_escalating(session, state.id, escalating)
    state.alert_count += len(new_ids)
    state.asset_count += new_hosts
    state.escalating_alerts += sum(1 for a in bucket.alerts if a.id in new_ids and _escalates(a))
    state.escalating_assets += newly_escalating
    state.last_seen = now
    escalate(session=session, rule=bucket.rule, state=state, values=bucket.values, now=now)
    session.execute(update(AlertGroup).where(AlertGroup.id == state.id).values(state.counts()))
    emit(
        session, DomainEvent("alert_group.updated", str(state.id), {"incident": state.incident_id})
    )
    return state.id


def _mark_escalating(session: Session, group_id: int, hosts: list[str]) -> int:
    if not hosts:
        return 0
    result = session.execute(
        update(AlertGroupMember)
        .where(AlertGroupMember.group_id == group_id, AlertGroupMember.member.in_(hosts))
        .where(AlertGroupMember.escalating.is_(False))
        .values(escalating=True)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
