"""Pure paging rules: the policy snapshot an escalation runs from, where an escalation goes
after a step, which deliveries a person's notification rules make, when a second trigger
notifies again, and which policies, rotations and people an incident pages.

No session, no clock: callers pass values and ``now``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from warroom.incidents.rules import Kind, Severity

SNAPSHOT_VERSION = 1
# A second trigger for someone already paged notifies them again only after this long without
# any message: a storm of triggers must not become a storm of texts.
RENOTIFY_QUIET = timedelta(minutes=30)


class TargetKind(StrEnum):
    person = "person"
    schedule = "schedule"
    team = "team"


@dataclass(frozen=True)
class TargetSpec:
    kind: TargetKind
    id: int
    name: str

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "id": self.id, "name": self.name}


@dataclass(frozen=True)
class StepSpec:
    delay_minutes: int
    targets: tuple[TargetSpec, ...]


@dataclass(frozen=True)
class PolicySpec:
    """An escalation policy as values; what an escalation keeps as its snapshot."""

    id: int | None
    name: str
    repeat: int
    steps: tuple[StepSpec, ...]


def snapshot_of(policy: PolicySpec) -> dict[str, Any]:
    """The JSON kept on the escalation, names included, so the timeline and the pages can
    tell who was meant even after a schedule or team is renamed or removed."""
    return {
        "version": SNAPSHOT_VERSION,
        "policy_id": policy.id,
        "name": policy.name,
        "repeat": policy.repeat,
        "steps": [
            {"delay_minutes": s.delay_minutes, "targets": [t.as_json() for t in s.targets]}
            for s in policy.steps
        ],
    }


def policy_of_snapshot(data: Mapping[str, Any]) -> PolicySpec:
    steps = tuple(
        StepSpec(
            int(step["delay_minutes"]),
            tuple(
                TargetSpec(TargetKind(t["kind"]), int(t["id"]), str(t["name"]))
                for t in step["targets"]
            ),
        )
        for step in data["steps"]
    )
    return PolicySpec(data.get("policy_id"), str(data["name"]), int(data["repeat"]), steps)


# ---------------------------------------------------------------- progress


@dataclass(frozen=True)
class Position:
    """The next step to run, in which round (both from 0)."""

    step: int
    round: int


def is_exhausted(policy: PolicySpec, at: Position) -> bool:
    """Past the last step of the last round: nobody acknowledged, nothing is left to page."""
    return at.step >= len(policy.steps)


def next_position(policy: PolicySpec, ran: Position) -> Position:
    """Where an escalation goes after running ``ran``: the next step, the first step of the
    next round while repeats remain, else the end (reached once the last step's wait is over)."""
    if ran.step + 1 < len(policy.steps):
        return Position(ran.step + 1, ran.round)
    if ran.round < policy.repeat:
        return Position(0, ran.round + 1)
    return Position(len(policy.steps), ran.round)


def wait_after(policy: PolicySpec, ran: Position) -> timedelta:
    """How long an escalation waits for an acknowledgement after running a step."""
    return timedelta(minutes=policy.steps[ran.step].delay_minutes)


def step_label(policy: PolicySpec, at: Position) -> str:
    """``step 1 of 2``, with ``, round 2 of 3`` once a policy repeats."""
    text = f"step {at.step + 1} of {len(policy.steps)}"
    if policy.repeat:
        text += f", round {at.round + 1} of {policy.repeat + 1}"
    return text


# ---------------------------------------------------------------- deliveries


@dataclass(frozen=True)
class Contact:
    """A place to send to: a contact method (``method_id``) or the account's own email."""

    channel: str
    address: str
    method_id: int | None = None


@dataclass(frozen=True)
class RuleSpec:
    contact: Contact
    delay_minutes: int


@dataclass(frozen=True)
class PlannedDelivery:
    contact: Contact
    due_at: datetime


def planned_deliveries(
    *, rules: Sequence[RuleSpec], methods: Sequence[Contact], email: str, now: datetime
) -> list[PlannedDelivery]:
    """The messages one page sends. A person's notification rules decide; with no rules, each
    of their contact methods at once; with no contact method, their account's email at once."""
    if rules:
        ordered = sorted(rules, key=lambda r: (r.delay_minutes, r.contact.method_id or 0))
        return [
            PlannedDelivery(r.contact, now + timedelta(minutes=r.delay_minutes)) for r in ordered
        ]
    contacts = list(methods) or [Contact("email", email)]
    return [PlannedDelivery(c, now) for c in contacts]


@dataclass(frozen=True)
class SentState:
    """One earlier delivery of an open page, as the bundling decision needs it."""

    status: str
    at: datetime  # when it was sent, or created when never sent


def notify_again(
    earlier: Sequence[SentState], now: datetime, quiet: timedelta = RENOTIFY_QUIET
) -> bool:
    """Whether a new trigger for someone whose page is still open sends new messages.

    The page stays the one open page for that person and incident either way. Messages still
    waiting mean they will hear soon; a message within ``quiet`` means they heard recently."""
    if any(d.status == "pending" for d in earlier):
        return False
    return all(now - d.at >= quiet for d in earlier)


# ---------------------------------------------------------------- routing


@dataclass(frozen=True)
class ServiceFacts:
    name: str
    policy_id: int | None
    owner_ids: tuple[int, ...] = ()  # the owning team's lead, or its members when it has none
    owner_team: str | None = None


@dataclass(frozen=True)
class Routes:
    """The organisation-wide paging routes, as configured."""

    security_policy: int | None = None
    default_policy: int | None = None
    commander_schedule: int | None = None


@dataclass(frozen=True)
class Plan:
    """Whom an incident pages: policies to escalate through, rotations and people paged
    directly, each with the reason told to the person."""

    policies: tuple[tuple[int, str], ...] = ()
    schedules: tuple[tuple[int, str], ...] = ()
    people: tuple[tuple[int, str], ...] = ()
    missing: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not (self.policies or self.schedules or self.people)


class Urgency(StrEnum):
    """When an incident's severity pages: ``now`` at any hour, in ``business_hours``, or
    ``never`` by itself (people still page by hand)."""

    now = "now"
    business_hours = "business_hours"
    never = "never"


def urgency(severity: Severity) -> Urgency:
    """SEV1 and SEV2 (major) page now, at any hour; SEV3 in business hours; SEV4 never."""
    if severity.is_major:
        return Urgency.now
    return Urgency.business_hours if severity is Severity.SEV3 else Urgency.never


def pages_automatically(severity: Severity) -> bool:
    """Whether the severity pages at once, at any hour."""
    return urgency(severity) is Urgency.now


def rise_urgency(before: Severity, after: Severity) -> Urgency:
    """How a severity change pages: only a rise does, with the new severity's urgency."""
    return urgency(after) if _rank(after) < _rank(before) else Urgency.never


def rise_pages(before: Severity, after: Severity) -> bool:
    """A severity change starts paging at once when it makes the incident more severe and major."""
    return rise_urgency(before, after) is Urgency.now


BUSINESS_DAYS = frozenset(range(5))  # Monday to Friday
BUSINESS_START, BUSINESS_END = time(9, 0), time(17, 0)


def business_start(now: datetime, zone: tzinfo) -> datetime:
    """``now`` when it is within business hours (Monday to Friday, 09:00 to 17:00 in
    ``zone``), else when they next begin."""
    local = now.astimezone(zone)
    if local.weekday() in BUSINESS_DAYS and BUSINESS_START <= local.time() < BUSINESS_END:
        return now
    day = local.date() + timedelta(days=1 if local.time() >= BUSINESS_START else 0)
    while day.weekday() not in BUSINESS_DAYS:
        day += timedelta(days=1)
    return datetime.combine(day, BUSINESS_START, tzinfo=zone).astimezone(UTC)


def _rank(severity: Severity) -> int:
    return list(Severity).index(severity)


def route(
    *, kind: Kind, severity: Severity, services: Sequence[ServiceFacts], routes: Routes
) -> Plan:
    """Security incidents follow the security route alone (never an operations rotation:
    they are restricted). Service incidents follow each impacted service's policy, and the
    default route for services without one (or when no service is named). A SEV1 also pages
    the incident-commander rotation and each impacted service's owners directly."""
    policies, missing = _policies(kind, services, routes)
    if severity is not Severity.SEV1:
        return Plan(policies=tuple(policies), missing=tuple(missing))
    schedules: list[tuple[int, str]] = []
    if routes.commander_schedule is not None:
        schedules.append((routes.commander_schedule, "incident commander rotation"))
    else:
        missing.append("commander")
    people: dict[int, str] = {}
    for service in services:
        for person_id in service.owner_ids:
            people.setdefault(person_id, f"owner of {service.name} ({service.owner_team})")
    return Plan(tuple(policies), tuple(schedules), tuple(people.items()), tuple(missing))


def _policies(
    kind: Kind, services: Sequence[ServiceFacts], routes: Routes
) -> tuple[list[tuple[int, str]], list[str]]:
    if kind is Kind.security:
        if routes.security_policy is None:
            return [], ["security"]
        return [(routes.security_policy, "security incident")], []
    found: dict[int, str] = {}
    for service in services:
        if service.policy_id is not None:
            found.setdefault(service.policy_id, f"policy of {service.name}")
    uncovered = not services or any(s.policy_id is None for s in services)
    if uncovered and routes.default_policy is not None:
        found.setdefault(routes.default_policy, "default route")
    missing = ["default"] if uncovered and routes.default_policy is None else []
    return list(found.items()), missing
