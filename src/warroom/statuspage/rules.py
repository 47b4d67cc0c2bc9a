"""The status page's pure rules, in Atlassian Statuspage's vocabulary so its clients read us:
component and incident statuses, impact, the page's overall indicator, group statuses, and
uptime from a component's history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum


class ComponentStatus(StrEnum):
    operational = "operational"
    degraded_performance = "degraded_performance"
    partial_outage = "partial_outage"
    major_outage = "major_outage"
    under_maintenance = "under_maintenance"


class IncidentStatus(StrEnum):
    investigating = "investigating"
    identified = "identified"
    monitoring = "monitoring"
    resolved = "resolved"
    postmortem = "postmortem"


class MaintenanceStatus(StrEnum):
    scheduled = "scheduled"
    in_progress = "in_progress"
    verifying = "verifying"
    completed = "completed"


class Impact(StrEnum):
    none = "none"
    minor = "minor"
    major = "major"
    critical = "critical"
    maintenance = "maintenance"


C = ComponentStatus
# Worst last: a group shows its worst member; maintenance is below any outage.
SEVERITY = [C.operational, C.under_maintenance, C.degraded_performance, C.partial_outage]
SEVERITY.append(C.major_outage)
ENDED = frozenset({IncidentStatus.resolved.value, IncidentStatus.postmortem.value})
ENDED |= {MaintenanceStatus.completed.value}
# What an incident's impact means for the components it names, when nobody says otherwise.
IMPACT_TO_STATUS = {
    Impact.none: C.operational,
    Impact.minor: C.degraded_performance,
    Impact.major: C.partial_outage,
    Impact.critical: C.major_outage,
    Impact.maintenance: C.under_maintenance,
}
# The internal severity's suggestion for a public impact (the communications lead decides).
SEVERITY_TO_IMPACT = {"SEV1": Impact.critical, "SEV2": Impact.major, "SEV3": Impact.minor}


def worst(statuses: Sequence[str]) -> ComponentStatus:
    """The worst of ``statuses`` (operational when there are none)."""
    found = [C(s) for s in statuses]
    return max(found, key=SEVERITY.index, default=C.operational)


def hidden_now(only_show_if_degraded: bool, status: str) -> bool:
    """A component shown only when degraded is off the public page while operational."""
    return only_show_if_degraded and status == ComponentStatus.operational.value


def is_open(status: str) -> bool:
    return status not in ENDED


@dataclass(frozen=True)
class Indicator:
    indicator: str  # none, minor, major, critical, maintenance
    description: str


def page_indicator(components: Sequence[str], open_impacts: Sequence[str]) -> Indicator:
    """The page's overall status, as Statuspage words it: the worst of the open incidents'
    impacts and the components' statuses."""
    by_component = {
        C.major_outage: "major",
        C.partial_outage: "major",
        C.degraded_performance: "minor",
    }
    levels = [by_component.get(C(s), "none") for s in components]
    levels += [i for i in open_impacts if i in ("minor", "major", "critical")]
    order = ["none", "minor", "major", "critical"]
    top = max(levels, key=order.index, default="none")
    if top == "none" and C.under_maintenance.value in components:
        return Indicator("maintenance", "Service Under Maintenance")
    if top == "critical" or worst(components) is C.major_outage:
        return Indicator(top, "Major System Outage")
    if top == "major":
        return Indicator("major", "Partial System Outage")
    if top == "minor":
        return Indicator("minor", "Minor Service Outage")
    return Indicator("none", "All Systems Operational")


@dataclass(frozen=True)
class Span:
    status: ComponentStatus
    start: datetime
    end: datetime


def spans(history: Sequence[tuple[datetime, str]], until: datetime) -> list[Span]:
    """Consecutive spans of a component's statuses from its ordered history."""
    found = []
    for (at, status), nxt in zip(history, [*history[1:], (until, "")], strict=True):
        end = min(nxt[0], until)
        if end > at:
            found.append(Span(C(status), at, end))
    return found


# Statuspage counts a partial outage as 30% down and a major one as wholly down.
DOWN_WEIGHT = {C.major_outage: 1.0, C.partial_outage: 0.3}


@dataclass(frozen=True)
class Day:
    day: date
    uptime: float | None  # None: before the component existed
    worst: ComponentStatus
    down_seconds: float


def daily_uptime(
    history: Sequence[tuple[datetime, str]], first_day: date, days: int, now: datetime
) -> list[Day]:
    """Uptime per UTC day from ``first_day`` for ``days`` days, up to ``now``."""
    parts = spans(history, now)
    result = []
    for n in range(days):
        day = first_day + timedelta(days=n)
        start = datetime(day.year, day.month, day.day, tzinfo=now.tzinfo)
        end = min(start + timedelta(days=1), now)
        inside = [s for s in parts if s.start < end and s.end > start]
        if not inside or end <= start:
            result.append(Day(day, None, C.operational, 0.0))
            continue
        covered = sum((min(s.end, end) - max(s.start, start)).total_seconds() for s in inside)
        down = sum(
            DOWN_WEIGHT.get(s.status, 0.0) * (min(s.end, end) - max(s.start, start)).total_seconds()
            for s in inside
        )
        uptime = 1.0 - down / covered if covered else 1.0
        result.append(Day(day, uptime, worst([s.status for s in inside]), down))
    return result


def overall_uptime(days: Sequence[Day]) -> float | None:
    counted = [d for d in days if d.uptime is not None]
    if not counted:
        return None
    return sum(d.uptime or 0.0 for d in counted) / len(counted)


def next_update_due(severity: str, since: datetime, cadence: dict[str, int]) -> datetime | None:
    """When the next update is due, ``since`` the last one published (or the declaration);
    None for severities without a cadence."""
    minutes = cadence.get(severity)
    return since + timedelta(minutes=minutes) if minutes else None
