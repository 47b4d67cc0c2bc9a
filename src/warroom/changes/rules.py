"""Pure rules for changes: the state machine, risk hints, and the conflict checks.

Nothing here reads the database or the clock; ``facts.py`` gathers the values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class ChangeType(StrEnum):
    standard = "standard"  # pre-approved: submitting approves it
    normal = "normal"
    emergency = "emergency"  # to fix or prevent an incident: may start before approval


class ChangeState(StrEnum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    scheduled = "scheduled"
    in_progress = "in_progress"
    completed = "completed"
    failed = "failed"
    rolled_back = "rolled_back"
    cancelled = "cancelled"
    on_hold = "on_hold"


class Risk(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class ConflictSeverity(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"


class Reason(StrEnum):
    incident = "incident"  # the scope has an active incident
    alert_group = "alert_group"  # the scope has a firing alert group
    dependency = "dependency"  # a service the scope depends on, or that depends on it, does
    freeze = "freeze"
    change_overlap = "change_overlap"  # another change on the same assets at the same time
    implementer_busy = "implementer_busy"  # the implementer is booked on another change
    end_of_life = "end_of_life"  # the scope runs software past its end of life


S = ChangeState
ENDED = frozenset({S.completed, S.failed, S.rolled_back, S.cancelled})
NOT_STARTED = frozenset({S.draft, S.submitted, S.approved, S.scheduled, S.on_hold})
# Changes others are checked against: planned and not abandoned (drafts are still ideas).
BOOKED = frozenset({S.submitted, S.approved, S.scheduled, S.on_hold, S.in_progress})
HOLDABLE = frozenset({S.submitted, S.approved, S.scheduled, S.in_progress})
TRANSITIONS: dict[ChangeState, frozenset[ChangeState]] = {
    S.draft: frozenset({S.submitted, S.cancelled}),
    S.submitted: frozenset({S.approved, S.draft, S.cancelled, S.on_hold}),
    S.approved: frozenset({S.scheduled, S.in_progress, S.cancelled, S.on_hold}),
    S.scheduled: frozenset({S.in_progress, S.approved, S.cancelled, S.on_hold}),
    S.in_progress: frozenset({S.completed, S.failed, S.rolled_back, S.on_hold}),
    S.on_hold: frozenset({S.cancelled}),  # and back to the state it was held from
}
SEVERITY_RANK = {s: n for n, s in enumerate(ConflictSeverity)}
MAJOR = frozenset({"SEV1", "SEV2"})


def allowed_next(state: ChangeState, kind: ChangeType, held_from: str | None) -> set[ChangeState]:
    nxt = set(TRANSITIONS.get(state, frozenset()))
    if state is S.on_hold and held_from:
        nxt.add(ChangeState(held_from))
    if kind is ChangeType.emergency and state in {S.draft, S.submitted}:
        nxt.add(S.in_progress)  # approved after the fact
    return nxt


def transition_error(
    state: ChangeState, to: ChangeState, kind: ChangeType, held_from: str | None
) -> str | None:
    """Why ``state`` cannot move to ``to``, or None when it can."""
    if to == state:
        return None
    allowed = allowed_next(state, kind, held_from)
    if to in allowed:
        return None
    names = ", ".join(sorted(allowed)) or "nothing (it has ended)"
    return f"a {state} change cannot become {to}; it can become {names}"


def after_submit(kind: ChangeType) -> ChangeState:
    """Standard changes are pre-approved: submitting one approves it."""
    return S.approved if kind is ChangeType.standard else S.submitted


# -- risk ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskHint:
    code: str
    text: str
    weight: int  # 2 pushes to high, 1 to medium


def risk_hints(tiers: dict[str, int], eol_hosts: list[str], reboot: bool) -> list[RiskHint]:
    hints: list[RiskHint] = []
    top = min(tiers.values(), default=4)
    if top <= 2:
        names = ", ".join(sorted(n for n, t in tiers.items() if t == top))
        hints.append(
            RiskHint("tier", f"tier-{top} service in scope: {names}", 2 if top == 1 else 1)
        )
    if eol_hosts:
        shown = ", ".join(eol_hosts[:5]) + (" …" if len(eol_hosts) > 5 else "")
        hints.append(RiskHint("end_of_life", f"end-of-life software on {shown}", 1))
    if reboot:
        hints.append(RiskHint("reboot", "reboot required", 1))
    return hints


def suggested_risk(hints: list[RiskHint]) -> Risk:
    score = sum(h.weight for h in hints)
    return Risk.high if score >= 3 else Risk.medium if score >= 1 else Risk.low


# -- conflicts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A change as the checks see it. ``services``/``hosts`` are its direct scope (services
    named, services of assets named; hosts named, hosts of services named)."""

    id: int
    title: str
    type: ChangeType
    start: datetime
    end: datetime
    services: frozenset[str]
    hosts: frozenset[str]
    implementer: int | None = None
    implementer_name: str = ""
    incident_id: int | None = None  # the incident an emergency change fixes
    reboot: bool = False


@dataclass(frozen=True)
class Graph:
    """The dependency neighbourhood of a scope: services it depends on, and services that
    depend on it (transitively), without the scope itself."""

    dependencies: frozenset[str] = frozenset()
    dependents: frozenset[str] = frozenset()
    # One hop away, either way. Nearly everything depends on the network at some distance: a
    # far dependency in trouble is worth knowing, a near one is worth stopping for.
    near: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Trouble:
    """An active incident or a firing alert group, with what it touches."""

    kind: str  # incident, alert_group
    ref: str
    title: str
    severity: str  # SEV1..SEV4 (an alert group's proposed severity, if any)
    services: frozenset[str]
    hosts: frozenset[str]
    incident_id: int | None = None


@dataclass(frozen=True)
class FreezeSlot:
    id: int
    name: str
    start: datetime
    end: datetime
    services: frozenset[str]
    hosts: frozenset[str]  # neither: a global freeze

    def covers(self, slot: Slot) -> bool:
        if not self.services and not self.hosts:
            return True
        return bool(self.services & slot.services or self.hosts & slot.hosts)


@dataclass(frozen=True)
class Conflict:
    reason: Reason
    severity: ConflictSeverity
    detail: str
    key: str
    incident_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class World:
    troubles: list[Trouble] = field(default_factory=list)
    freezes: list[FreezeSlot] = field(default_factory=list)
    others: list[Slot] = field(default_factory=list)
    eol_hosts: dict[str, list[str]] = field(default_factory=dict)  # host -> products
    # Other changes by host and by implementer: comparing each change with every other one
    # is quadratic, and a calendar holds thousands.
    _by_key: dict[object, list[Slot]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for other in self.others:
            for key in [*other.hosts, ("implementer", other.implementer)]:
                self._by_key.setdefault(key, []).append(other)

    def near(self, slot: Slot) -> list[Slot]:
        """The other changes that share a host or the implementer with ``slot``."""
        keys: list[object] = [*slot.hosts]
        if slot.implementer is not None:
            keys.append(("implementer", slot.implementer))
        found = {o.id: o for key in keys for o in self._by_key.get(key, ())}
        return sorted(found.values(), key=lambda o: (o.start, o.id))


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def conflicts(slot: Slot, graph: Graph, world: World) -> list[Conflict]:
    """Every conflict of the change, worst first."""
    found = [
        *trouble_conflicts(slot, graph, world.troubles),
        *freeze_conflicts(slot, world.freezes),
        *overlap_conflicts(slot, world.near(slot)),
        *eol_conflicts(slot, world.eol_hosts),
    ]
    return sorted(found, key=lambda c: (SEVERITY_RANK[c.severity], c.reason, c.key))


def trouble_conflicts(slot: Slot, graph: Graph, troubles: list[Trouble]) -> list[Conflict]:
    found = []
    fixes = slot.incident_id if slot.type is ChangeType.emergency else None
    for trouble in troubles:
        if trouble.incident_id is not None and trouble.incident_id == fixes:
            continue  # the change is the fix (only an emergency change may be)
        conflict = _trouble_conflict(slot, graph, trouble)
        if conflict is not None:
            found.append(conflict)
    return found


def _trouble_conflict(slot: Slot, graph: Graph, trouble: Trouble) -> Conflict | None:
    hosts, services = sorted(slot.hosts & trouble.hosts), sorted(slot.services & trouble.services)
    # "firing alert group 3"; an alert group without a proposed severity shows none
    kind = "incident" if trouble.kind == "incident" else "firing alert"
    what = f"{kind} {trouble.ref}" + (f" ({trouble.severity})" if trouble.severity else "")
    data = {"kind": trouble.kind, "ref": trouble.ref, "hosts": hosts, "services": services}
    major = trouble.severity in MAJOR
    if hosts or services:
        touched = ", ".join([*services, *hosts][:6])
        reason = Reason.incident if trouble.kind == "incident" else Reason.alert_group
        severity = ConflictSeverity.critical if major else ConflictSeverity.high
        detail = f"{what} is on {touched}: {trouble.title}"
        return Conflict(
            reason, severity, detail, f"{reason}:{trouble.ref}", trouble.incident_id, data
        )
    return _dependency_conflict(graph, trouble, what, major, data)


def _dependency_conflict(
    graph: Graph, trouble: Trouble, what: str, major: bool, data: dict[str, Any]
) -> Conflict | None:
    below = sorted(graph.dependencies & trouble.services)
    above = sorted(graph.dependents & trouble.services)
    if not below and not above:
        return None
    how = (
        f"the scope depends on {', '.join(below)}"
        if below
        else f"{', '.join(above)} depends on the scope"
    )
    close = bool(graph.near & trouble.services)
    severity = DEPENDENCY_SEVERITY[major, close]
    detail = f"{what} is on a dependency: {how}"
    data = {**data, "dependencies": below, "dependents": above, "near": close}
    return Conflict(
        Reason.dependency, severity, detail, f"dependency:{trouble.ref}", trouble.incident_id, data
    )


DEPENDENCY_SEVERITY = {  # (major incident, one hop away)
    (True, True): ConflictSeverity.high,
    (True, False): ConflictSeverity.medium,
    (False, True): ConflictSeverity.medium,
    (False, False): ConflictSeverity.low,
}


def freeze_conflicts(slot: Slot, freezes: list[FreezeSlot]) -> list[Conflict]:
    found: dict[int, Conflict] = {}
    for freeze in freezes:
        if freeze.id in found or not overlaps(slot.start, slot.end, freeze.start, freeze.end):
            continue
        if freeze.covers(slot):
            # Emergency changes exist to break freezes; the freeze is still worth a look.
            emergency = slot.type is ChangeType.emergency
            severity = ConflictSeverity.medium if emergency else ConflictSeverity.high
            scope = "everything" if not freeze.services and not freeze.hosts else "this scope"
            detail = f"inside freeze {freeze.name!r} on {scope} ({_span(freeze.start, freeze.end)})"
            data = {"window": freeze.id, "starts_at": freeze.start.isoformat()}
            found[freeze.id] = Conflict(
                Reason.freeze, severity, detail, f"freeze:{freeze.id}", None, data
            )
    return list(found.values())


def overlap_conflicts(slot: Slot, others: list[Slot]) -> list[Conflict]:
    found = []
    for other in others:
        if other.id == slot.id or not overlaps(slot.start, slot.end, other.start, other.end):
            continue
        shared = sorted(slot.hosts & other.hosts)
        if shared:
            hosts = ", ".join(shared[:6])
            detail = f"CHG-{other.id} {other.title!r} works on {hosts} at the same time"
            found.append(
                Conflict(
                    Reason.change_overlap,
                    ConflictSeverity.high,
                    detail,
                    f"overlap:{other.id}",
                    data={"change": other.id, "hosts": shared},
                )
            )
        if slot.implementer is not None and slot.implementer == other.implementer:
            who = slot.implementer_name or "the implementer"
            detail = f"{who} is also implementing CHG-{other.id} {other.title!r} then"
            found.append(
                Conflict(
                    Reason.implementer_busy,
                    ConflictSeverity.medium,
                    detail,
                    f"implementer:{other.id}",
                    data={"change": other.id},
                )
            )
    return found


def eol_conflicts(slot: Slot, eol_hosts: dict[str, list[str]]) -> list[Conflict]:
    hit = {h: eol_hosts[h] for h in sorted(slot.hosts) if h in eol_hosts}
    if not hit:
        return []
    products = sorted({p for ps in hit.values() for p in ps})
    hosts = list(hit)
    shown = ", ".join(hosts[:6]) + (f" and {len(hosts) - 6} more" if len(hosts) > 6 else "")
    # A reboot is where unsupported software fails to come back.
    severity = ConflictSeverity.high if slot.reboot else ConflictSeverity.medium
    detail = f"end-of-life software ({', '.join(products[:4])}) on {shown}"
    return [
        Conflict(
            Reason.end_of_life,
            severity,
            detail,
            "end_of_life",
            data={"hosts": hosts, "products": products},
        )
    ]


def _span(start: datetime, end: datetime) -> str:
    return f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"
