"""Replaying alerts through one rule, pure: the groups it would have formed and the incidents
it would have opened. The dry run's engine; it follows what ``do_correlate`` does, step by
step, without a database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from warroom.alerts.correlation_rules import (
    AlertFacts,
    RuleSpec,
    Spread,
    applies,
    group_key,
    group_title,
    group_values,
    propose_severity,
    threshold_met,
    window_open,
)


@dataclass(frozen=True)
class Arrival:
    """A stored alert as it arrived: when, which, and what correlation knows of it."""

    at: datetime
    alert_id: int
    facts: AlertFacts


@dataclass
class ReplayGroup:
    key: str
    values: dict[str, str]
    first_seen: datetime
    last_seen: datetime
    service_id: int | None
    alerts: set[int] = field(default_factory=set)
    hosts: list[str] = field(default_factory=list)
    escalating_alerts: int = 0
    escalating_hosts: set[str] = field(default_factory=set)
    threshold_met_at: datetime | None = None
    proposed_severity: str | None = None
    opens_incident: bool = False
    has_incident: bool = False

    @property
    def title(self) -> str:
        return group_title(self.values, len(self.hosts))


@dataclass(frozen=True)
class Catalog:
    """Each service's tier and number of assets, for shares and proposed severities."""

    tiers: Mapping[int, int] = field(default_factory=dict)
    assets: Mapping[int, int] = field(default_factory=dict)


def replay(rule: RuleSpec, arrivals: Sequence[Arrival], catalog: Catalog) -> list[ReplayGroup]:
    """Every group ``rule`` forms over ``arrivals`` (in arrival order), oldest first."""
    open_groups: dict[str, ReplayGroup] = {}
    formed: list[ReplayGroup] = []
    for arrival in sorted(arrivals, key=lambda a: (a.at, a.alert_id)):
        if not applies(rule, arrival.facts):
            continue
        values = group_values(rule, arrival.facts)
        key = group_key(values)
        group = open_groups.get(key)
        if group is None or not window_open(group.first_seen, rule, arrival.at):
            service_id = rule.service_id or arrival.facts.service_id
            group = ReplayGroup(key, values, arrival.at, arrival.at, service_id)
            open_groups[key] = group
            formed.append(group)
        _add(group, arrival)
        _escalate(rule, group, formed, catalog, arrival.at)
    return formed


def _add(group: ReplayGroup, arrival: Arrival) -> None:
    facts = arrival.facts
    if arrival.alert_id not in group.alerts:
        group.alerts.add(arrival.alert_id)
        group.escalating_alerts += not facts.expected and not facts.flapping
    if facts.host not in group.hosts:
        group.hosts.append(facts.host)
    if not facts.expected and not facts.flapping:
        group.escalating_hosts.add(facts.host)
    group.last_seen = arrival.at


def _escalate(
    rule: RuleSpec,
    group: ReplayGroup,
    formed: Sequence[ReplayGroup],
    catalog: Catalog,
    now: datetime,
) -> None:
    if group.threshold_met_at is not None:
        return
    service_assets = catalog.assets.get(group.service_id, 0) if group.service_id else 0
    spread = Spread(group.escalating_alerts, len(group.escalating_hosts), service_assets)
    if not threshold_met(rule, spread):
        return
    tier = catalog.tiers.get(group.service_id) if group.service_id else None
    group.threshold_met_at = now
    group.proposed_severity = propose_severity(tier, spread).value
    if rule.open_incident:
        # Like the real thing: a later window of the same storm, or another storm on a
        # service that already has an incident, joins that incident.
        joins = any(
            g.has_incident
            and g is not group
            and (g.key == group.key or (group.service_id and g.service_id == group.service_id))
            for g in formed
        )
        group.has_incident, group.opens_incident = True, not joins
