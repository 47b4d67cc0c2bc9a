"""Pure incident metrics: durations between milestones, time in each status, time to innocence,
their summaries (mean, median, 90th percentile) and the breakdown into groups by service,
severity, kind or period. Values in, values out; no session, no clock."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from warroom.errors import InvalidInput
from warroom.incidents.rules import Severity, Status
from warroom.metrics.actions import Completion

NO_SERVICE = "(no service)"
FIRST_STATUS = Status.triage.value  # every incident is declared in triage
# Measure → (from milestone, to milestone), as the glossary defines them.
MEASURES: dict[str, tuple[str, str]] = {
    "mttd": ("started_at", "detected_at"),
    "mtta": ("detected_at", "acknowledged_at"),
    "mttr": ("started_at", "resolved_at"),
}
# Closed is final: time "in closed" would only grow with the clock, so it is not measured.
TIMED_STATUSES = tuple(s.value for s in Status if s is not Status.closed)
LONGEST_RANGE = timedelta(days=3 * 366)


class By(StrEnum):
    service = "service"
    severity = "severity"
    kind = "kind"
    period = "period"


class Period(StrEnum):
    week = "week"
    month = "month"


@dataclass(frozen=True)
class StatusChange:
    at: datetime
    before: str
    after: str


@dataclass(frozen=True)
class Participation:
    person_id: int
    person: str
    joined_at: datetime
    released_at: datetime | None


@dataclass(frozen=True)
class IncidentFacts:
    """What the metrics need to know of one incident."""

    id: int
    kind: str
    severity: str
    services: tuple[str, ...]
    declared_at: datetime
    started_at: datetime | None
    detected_at: datetime | None = None
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    changes: tuple[StatusChange, ...] = ()
    participants: tuple[Participation, ...] = ()

    @property
    def began(self) -> datetime:
        """When it counts as having happened: impact start, else declaration."""
        return self.started_at or self.declared_at


@dataclass(frozen=True)
class Stat:
    """A summary of durations in seconds; ``missing``: left out for lack of a timestamp."""

    count: int
    missing: int
    mean: float | None
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class GroupMetrics:
    key: str
    incidents: int
    measures: dict[str, Stat]
    time_in_status: dict[str, Stat]


@dataclass(frozen=True)
class PersonTti:
    person_id: int
    person: str
    tti: Stat


@dataclass(frozen=True)
class Report:
    since: datetime
    until: datetime
    by: By
    period: Period
    total: GroupMetrics
    groups: list[GroupMetrics] = field(default_factory=list)
    people: list[PersonTti] = field(default_factory=list)
    actions: list[Completion] = field(default_factory=list)  # filled in by the service


# ---------------------------------------------------------------- the reporting window


def check_window(since: datetime, until: datetime) -> None:
    if until <= since:
        raise InvalidInput("until", "must be after since")
    if until - since > LONGEST_RANGE:
        raise InvalidInput("since", "the range can cover at most three years")


def parse_instant(text: str, field_name: str) -> datetime:
    """An ISO 8601 date (midnight UTC) or a time with an offset."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            field_name, f"{text!r} is not an ISO 8601 date or time like 2026-11-01 or …T03:10Z"
        ) from None
    if len(text.strip()) == 10:
        return value.replace(tzinfo=UTC)
    if value.tzinfo is None:
        raise InvalidInput(field_name, "a time needs a time zone offset, e.g. 2026-11-01T00:00Z")
    return value


# ---------------------------------------------------------------- durations and summaries


def seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds()


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest rank: the smallest value with at least ``q`` of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def summarise(values: Sequence[float | None]) -> Stat:
    known = [v for v in values if v is not None]
    missing = len(values) - len(known)
    if not known:
        return Stat(0, missing, None, None, None)
    return Stat(len(known), missing, statistics.fmean(known), statistics.median(known),
                percentile(known, 0.9))  # fmt: skip


def measure(facts: IncidentFacts, name: str) -> float | None:
    start, end = MEASURES[name]
    return seconds_between(getattr(facts, start), getattr(facts, end))


def status_stays(facts: IncidentFacts) -> dict[str, float]:
    """Seconds spent in each status the incident has left (a return adds up); the status it is
    in now is still running and is not counted."""
    spent: dict[str, float] = {}
    status, since = FIRST_STATUS, facts.declared_at
    for change in sorted(facts.changes, key=lambda c: c.at):
        spent[status] = spent.get(status, 0.0) + (change.at - since).total_seconds()
        status, since = change.after, change.at
    return spent


def tti(item: Participation) -> float | None:
    """Time to innocence: from joining to being released; None while still in the room."""
    return seconds_between(item.joined_at, item.released_at)


# ---------------------------------------------------------------- groups


def group_metrics(key: str, incidents: Sequence[IncidentFacts]) -> GroupMetrics:
    measures = {name: summarise([measure(i, name) for i in incidents]) for name in MEASURES}
    measures["mtti"] = summarise([tti(p) for i in incidents for p in i.participants])
    stays = [status_stays(i) for i in incidents]
    # Missing here means: the incident never left that status (or never reached it).
    in_status = {s: summarise([stay.get(s) for stay in stays]) for s in TIMED_STATUSES}
    return GroupMetrics(key, len(incidents), measures, in_status)


def period_key(at: datetime, period: Period) -> str:
    """``2026-11`` or the ISO week ``2026-W47``, in UTC."""
    at = at.astimezone(UTC)
    if period is Period.month:
        return f"{at.year:04d}-{at.month:02d}"
    year, week, _ = at.isocalendar()
    return f"{year:04d}-W{week:02d}"


def group_keys(facts: IncidentFacts, by: By, period: Period) -> list[str]:
    """The groups an incident counts in: one per impacted service, else one."""
    if by is By.service:
        return list(facts.services) or [NO_SERVICE]
    if by is By.severity:
        return [facts.severity]
    if by is By.kind:
        return [facts.kind]
    return [period_key(facts.began, period)]


def _order(by: By) -> Callable[[str], tuple[int, str]]:
    severities = [s.value for s in Severity]

    def key(name: str) -> tuple[int, str]:
        if by is By.severity and name in severities:
            return severities.index(name), name
        return (1 if name == NO_SERVICE else 0), name

    return key


def breakdown(incidents: Sequence[IncidentFacts], by: By, period: Period) -> list[GroupMetrics]:
    members: dict[str, list[IncidentFacts]] = {}
    for item in incidents:
        for key in group_keys(item, by, period):
            members.setdefault(key, []).append(item)
    return [group_metrics(k, members[k]) for k in sorted(members, key=_order(by))]


def people(incidents: Sequence[IncidentFacts]) -> list[PersonTti]:
    """Time to innocence per person, the longest mean first."""
    spans: dict[tuple[int, str], list[float | None]] = {}
    for item in incidents:
        for p in item.participants:
            spans.setdefault((p.person_id, p.person), []).append(tti(p))
    found = [PersonTti(pid, name, summarise(values)) for (pid, name), values in spans.items()]
    return sorted(found, key=lambda p: (-(p.tti.mean or -1), p.person))


def report(
    incidents: Sequence[IncidentFacts], since: datetime, until: datetime, by: By, period: Period
) -> Report:
    """The incidents that began in ``[since, until)``, summarised and broken down."""
    kept = [i for i in incidents if since <= i.began < until]
    return Report(since, until, by, period, group_metrics("all", kept),
                  breakdown(kept, by, period), people(kept))  # fmt: skip
