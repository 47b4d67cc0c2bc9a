"""Pure incident rules: the vocabulary, the status machine, milestones and role rules.

No session, no clock: callers pass ``now``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import pairwise

from warroom.errors import IllegalTransition, InvalidInput


class Severity(StrEnum):
    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"
    SEV4 = "SEV4"

    @property
    def is_major(self) -> bool:
        return self in (Severity.SEV1, Severity.SEV2)


@dataclass(frozen=True)
class SeverityDefinition:
    severity: Severity
    meaning: str
    paging: str
    update_cadence: str
    postmortem: str


SEVERITY_DEFINITIONS: tuple[SeverityDefinition, ...] = (
    SeverityDefinition(
        Severity.SEV1,
        "Critical service down or data breach; many customers affected; crisis.",
        "Page the incident commander and owners now, any hour.",
        "Every 30 minutes.",
        "Required, due in 3 calendar days.",
    ),
    SeverityDefinition(
        Severity.SEV2,
        "Critical function impaired for some customers, or a non-critical service down.",
        "Page now.",
        "Every 60 minutes.",
        "Required, due in 5 business days.",
    ),
    SeverityDefinition(
        Severity.SEV3,
        "Degraded; a workaround exists.",
        "Business hours.",
        "As needed.",
        "Optional.",
    ),
    SeverityDefinition(Severity.SEV4, "No customer impact.", "None.", "None.", "No."),
)


class Kind(StrEnum):
    service = "service"
    security = "security"


class Status(StrEnum):
    triage = "triage"
    investigating = "investigating"
    identified = "identified"
    monitoring = "monitoring"
    resolved = "resolved"
    closed = "closed"

    @property
    def is_active(self) -> bool:
        return self not in (Status.resolved, Status.closed)


# Forward moves may skip steps (a false alarm goes straight to resolved); an incident that
# recurs goes back to investigating or identified; only a resolved incident can be closed
# (closed = review done), and closed is final.
ALLOWED_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.triage: frozenset(
        {Status.investigating, Status.identified, Status.monitoring, Status.resolved}
    ),
    Status.investigating: frozenset({Status.identified, Status.monitoring, Status.resolved}),
    Status.identified: frozenset({Status.investigating, Status.monitoring, Status.resolved}),
    Status.monitoring: frozenset({Status.investigating, Status.identified, Status.resolved}),
    Status.resolved: frozenset({Status.investigating, Status.identified, Status.closed}),
    Status.closed: frozenset(),
}


def check_transition(current: Status, target: Status) -> None:
    if target not in ALLOWED_TRANSITIONS[current]:
        allowed = ", ".join(sorted(ALLOWED_TRANSITIONS[current])) or "none (closed is final)"
        raise IllegalTransition(
            "status", f"cannot go from {current} to {target}; allowed: {allowed}"
        )


class IncidentRole(StrEnum):
    commander = "commander"
    deputy = "deputy"
    scribe = "scribe"
    comms_lead = "comms_lead"
    sme = "sme"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def single_holder(self) -> bool:
        return self is not IncidentRole.sme


ROLE_LABELS = {
    IncidentRole.commander: "Incident commander",
    IncidentRole.deputy: "Deputy",
    IncidentRole.scribe: "Scribe",
    IncidentRole.comms_lead: "Communications lead",
    IncidentRole.sme: "Subject-matter expert",
}


class TaskStatus(StrEnum):
    open = "open"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"


MILESTONES = ("started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at")


def milestones_for_status(
    target: Status, current: Mapping[str, datetime | None], now: datetime
) -> dict[str, datetime | None]:
    """The milestone timestamps a status change sets (never overwriting one already known),
    and the ones a reopen clears."""
    changes: dict[str, datetime | None] = {}

    def fill(name: str) -> None:
        if current.get(name) is None:
            changes[name] = now

    if target is not Status.triage:
        fill("acknowledged_at")
    if target in (Status.monitoring, Status.resolved, Status.closed):
        fill("mitigated_at")
    if target in (Status.resolved, Status.closed):
        fill("resolved_at")
    if target in (Status.investigating, Status.identified) and current.get("resolved_at"):
        changes["resolved_at"] = None
    return changes


def check_milestone_order(values: Mapping[str, datetime | None], now: datetime) -> None:
    """Milestones happen in order: started ≤ detected ≤ acknowledged ≤ resolved, mitigated
    between started and resolved, and none in the future."""
    for name in MILESTONES:
        value = values.get(name)
        if value is not None and value > now:
            raise InvalidInput(name, "cannot be in the future")
    chain = ("started_at", "detected_at", "acknowledged_at", "resolved_at")
    _check_chain(values, chain)
    _check_chain(values, ("started_at", "mitigated_at", "resolved_at"))


def _check_chain(values: Mapping[str, datetime | None], chain: tuple[str, ...]) -> None:
    known = [(n, values[n]) for n in chain if values.get(n) is not None]
    for (earlier, a), (later, b) in pairwise(known):
        if a is not None and b is not None and b < a:
            raise InvalidInput(later, f"cannot be before {earlier.removesuffix('_at')}")


def needs_commander(severity: Severity) -> bool:
    return severity.is_major


def format_ref(number: int) -> str:
    return f"INC-{number}"


def parse_ref(ref: str) -> int | None:
    text = ref.strip().upper()
    if text.startswith("INC-"):
        text = text[4:]
    return int(text) if text.isdigit() and len(text) < 12 else None
