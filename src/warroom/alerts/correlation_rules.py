"""Correlation, pure: which rules apply to an alert, the group an alert falls into, when a
group's window closes, when it meets its threshold, the severity it proposes, and flapping.

No session, no clock: callers pass values and ``now``.

Proposed severity, from the group's service tier and the spread of the storm (*wide* = at
least 10% of the service's assets, or at least 20 distinct hosts; *very wide* = at least 100
distinct hosts, whatever the service, because a storm that size is a crisis until shown
otherwise):

=========================  ======  ======  ===============
tier                       wide    narrow  very wide
=========================  ======  ======  ===============
1 (business-critical)      SEV1    SEV2    SEV1
2 (important)              SEV2    SEV3    SEV2
3, 4, or no service        SEV3    SEV3    SEV2
=========================  ======  ======  ===============
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from warroom.incidents.rules import Severity

ATTRIBUTES = ("event", "source", "severity", "service")
LABEL_PREFIX = "labels."
WIDE_SHARE = 0.10
WIDE_HOSTS = 20
VERY_WIDE_HOSTS = 100
FLAP_CHANGES = 4
FLAP_WINDOW = timedelta(minutes=10)
HISTORY_LIMIT = 20  # state changes kept on an alert: enough to judge any flapping window


def check_group_by(fields: Sequence[str]) -> str | None:
    """Why ``fields`` cannot group alerts, or None when they can."""
    if not fields:
        return "name at least one field to group by"
    for name in fields:
        if name not in ATTRIBUTES and not (
            name.startswith(LABEL_PREFIX) and len(name) > len(LABEL_PREFIX)
        ):
            allowed = ", ".join(ATTRIBUTES)
            return f"unknown field {name!r}: use one of {allowed} or labels.<name>"
    return None


@dataclass(frozen=True)
class RuleSpec:
    """A correlation rule as values (the stored row, or an unsaved body for a dry run)."""

    name: str
    group_by: tuple[str, ...]
    window_seconds: int = 900
    min_alerts: int | None = None
    min_assets: int | None = None
    min_share: float | None = None
    service_id: int | None = None
    open_incident: bool = True
    enabled: bool = True
    position: int = 100
    id: int = 0

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.window_seconds)


@dataclass(frozen=True)
class AlertFacts:
    """What correlation needs to know about one alert."""

    event: str
    source: str
    severity: str
    host: str
    service: str | None = None
    service_id: int | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    expected: bool = False
    flapping: bool = False


def applies(rule: RuleSpec, alert: AlertFacts) -> bool:
    """An enabled global rule applies to every alert; a service's rule to that service's."""
    return rule.enabled and (rule.service_id is None or rule.service_id == alert.service_id)


def group_values(rule: RuleSpec, alert: AlertFacts) -> dict[str, str]:
    """The alert's values of the rule's ``group_by`` fields (a missing one groups as "")."""
    values = {}
    for name in rule.group_by:
        if name.startswith(LABEL_PREFIX):
            values[name] = str(alert.labels.get(name.removeprefix(LABEL_PREFIX), ""))
        else:
            values[name] = str(getattr(alert, name) or "")
    return values


def group_key(values: Mapping[str, str]) -> str:
    """A fixed-size key for the values, so any label value fits the indexed column."""
    text = json.dumps(dict(sorted(values.items())), separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def group_title(values: Mapping[str, str], hosts: int) -> str:
    what = values.get("event") or ", ".join(v for v in values.values() if v) or "Alerts"
    return f"{what} on {hosts} host{'s' if hosts != 1 else ''}"


def window_open(first_seen: datetime, rule: RuleSpec, now: datetime) -> bool:
    """A group accepts alerts until its window, counted from its first alert, has passed."""
    return now - first_seen <= rule.window


@dataclass(frozen=True)
class Spread:
    """The counts that escalate: alerts and hosts that are neither expected nor flapping."""

    alerts: int
    hosts: int
    service_assets: int = 0  # how many assets the group's service has (0: unknown)

    @property
    def share(self) -> float:
        return self.hosts / self.service_assets if self.service_assets else 0.0


def threshold_met(rule: RuleSpec, spread: Spread) -> bool:
    """Any one of the rule's thresholds is enough; a rule without one never escalates."""
    if rule.min_alerts is not None and spread.alerts >= rule.min_alerts:
        return True
    if rule.min_assets is not None and spread.hosts >= rule.min_assets:
        return True
    return (
        rule.min_share is not None and spread.service_assets > 0 and spread.share >= rule.min_share
    )


def propose_severity(tier: int | None, spread: Spread) -> Severity:
    """Service tier by spread, as in the module's table."""
    wide = spread.share >= WIDE_SHARE or spread.hosts >= WIDE_HOSTS
    very_wide = spread.hosts >= VERY_WIDE_HOSTS
    if tier == 1:
        return Severity.SEV1 if wide else Severity.SEV2
    if tier == 2:
        return Severity.SEV2 if wide else Severity.SEV3
    return Severity.SEV2 if very_wide else Severity.SEV3


def highest_proposal(tier: int | None) -> Severity:
    """The most severe ``propose_severity`` can ever answer for a service of ``tier``."""
    return Severity.SEV1 if tier == 1 else Severity.SEV2


def record_change(history: Sequence[str], status: str, now: datetime) -> list[str]:
    """Append ``now status`` to an alert's state history when the status changed."""
    if history and history[-1].split(" ", 1)[-1] == status:
        return list(history)
    return [*history, f"{now.isoformat()} {status}"][-HISTORY_LIMIT:]


def is_flapping(
    history: Sequence[str],
    now: datetime,
    changes: int = FLAP_CHANGES,
    window: timedelta = FLAP_WINDOW,
) -> bool:
    """``changes`` state changes within ``window`` before ``now`` make an alert flap."""
    recent = [t for t in (_when(item) for item in history) if now - t <= window]
    return len(recent) >= changes


def _when(item: str) -> datetime:
    return datetime.fromisoformat(item.split(" ", 1)[0])
