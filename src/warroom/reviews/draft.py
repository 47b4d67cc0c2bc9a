"""The first draft of a postmortem, written from plain facts about the incident (its fields,
timeline, marked changes and affected customers) so the review starts from what is known
rather than a blank page. Pure: ``facts.py`` gathers the values; nothing here reads a database.

Each section is Markdown. Links are relative to the server (``/incidents/INC-7#ev-12``), so
the text stays right behind any host name. What only people can judge (the trigger, what went
well or wrong) is left as a prompt in italics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from warroom.reviews.rules import SECTIONS

# The timeline events a reader of the postmortem needs; pages sent, tasks ticked and the
# like stay in the war room.
KEY_EVENTS = frozenset(
    {
        "declared",
        "severity_changed",
        "status_changed",
        "milestone_changed",
        "note",
        "role_assigned",
        "change_marked",
        "public_update_published",
    }
)
TO_WRITE = "_To be written by the review: {}_"


@dataclass(frozen=True)
class EventFact:
    id: int
    at: datetime
    kind: str
    text: str
    actor: str | None


@dataclass(frozen=True)
class ChangeFact:
    id: int
    title: str
    state: str
    at: datetime
    mark: str | None  # "suspect", "cause", or None for one only ranked
    note: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class CustomerFact:
    name: str
    tier: int
    services: tuple[str, ...]
    budget_share: float | None  # of the month's allowed downtime
    response_missed: bool


@dataclass(frozen=True)
class DraftFacts:
    ref: str
    title: str
    severity: str
    kind: str
    description: str
    services: tuple[str, ...]
    declared_at: datetime
    started_at: datetime | None
    detected_at: datetime | None
    acknowledged_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    reporter: str | None
    commander: str | None
    sources: tuple[str, ...]  # what raised it, e.g. an alert group; empty: a person did
    events: tuple[EventFact, ...]
    changes: tuple[ChangeFact, ...]
    customers: tuple[CustomerFact, ...]


def compose(facts: DraftFacts) -> dict[str, str]:
    """Every section of the draft, keyed as ``rules.SECTIONS``."""
    written = {
        "summary": _summary(facts),
        "impact": _impact(facts),
        "trigger": _trigger(facts),
        "contributing_factors": TO_WRITE.format(
            "what made this possible or worse, apart from the trigger."
        ),
        "detection": _detection(facts),
        "response": _response(facts),
        "changes": _changes(facts),
        "timeline": _timeline(facts),
        "went_well": TO_WRITE.format("what helped."),
        "went_wrong": TO_WRITE.format("what hindered."),
        "lucky": TO_WRITE.format("what could have made it worse and did not."),
    }
    return {s.key: written[s.key] for s in SECTIONS}


def span(delta: timedelta | None) -> str:
    """``1 h 05 min``; days for long ones; ``—`` when unknown."""
    if delta is None:
        return "—"
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"


def when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else "—"


def _between(start: datetime | None, end: datetime | None) -> timedelta | None:
    return end - start if start and end else None


def _summary(f: DraftFacts) -> str:
    services = ", ".join(f.services) or "no service named"
    lines = [f"**{f.title}** — a {f.severity} {f.kind} incident on {services}."]
    if f.description.strip():
        lines += ["", f.description.strip()]
    if f.resolved_at:
        took = span(_between(f.started_at or f.declared_at, f.resolved_at))
        lines += ["", f"Resolved {when(f.resolved_at)}, {took} after the impact began."]
    return "\n".join(lines)


def _impact(f: DraftFacts) -> str:
    start = f.started_at or f.declared_at
    end = f.mitigated_at or f.resolved_at
    lines = [
        f"- Customer impact: {span(_between(start, end))} (from {when(start)} until "
        f"{'mitigated' if f.mitigated_at else 'resolved'} {when(end)})",
        f"- Time to detect: {span(_between(f.started_at, f.detected_at))}; "
        f"to acknowledge: {span(_between(f.detected_at, f.acknowledged_at))}; "
        f"to resolve: {span(_between(f.started_at, f.resolved_at))}",
        f"- Services: {', '.join(f.services) or '—'}",
    ]
    if not f.customers:
        return "\n".join([*lines, "- No customer has an SLA on the impacted services."])
    lines.append("- Customers with an SLA on them:")
    lines += [f"  - {_customer(c)}" for c in f.customers]
    return "\n".join(lines)


def _customer(c: CustomerFact) -> str:
    text = f"**{c.name}** (tier {c.tier}) on {', '.join(c.services)}"
    if c.budget_share is not None:
        text += f": {c.budget_share:.0%} of the month's allowed downtime"
    if c.response_missed:
        text += "; response time missed"
    return text


def _change_link(c: ChangeFact) -> str:
    return f"[CHG-{c.id} {c.title}](/changes/{c.id})"


def _trigger(f: DraftFacts) -> str:
    causes = [c for c in f.changes if c.mark == "cause"]
    if not causes:
        return TO_WRITE.format("the one event that set this off.")
    lines = ["Marked as the cause in the war room:"]
    lines += [f"- {_change_link(c)}" + (f": {c.note}" if c.note else "") for c in causes]
    return "\n".join(lines)


def _detection(f: DraftFacts) -> str:
    found = "; ".join(f.sources) if f.sources else f"declared by {f.reporter or 'warroom'}"
    lines = [f"- Found: {found}"]
    if f.detected_at:
        took = span(_between(f.started_at, f.detected_at))
        lines.append(f"- Detected {when(f.detected_at)}, {took} after the impact began")
    lines.append(f"- Declared {when(f.declared_at)}")
    if f.acknowledged_at:
        took = span(_between(f.detected_at, f.acknowledged_at))
        lines.append(f"- Acknowledged {when(f.acknowledged_at)}, {took} after detection")
    return "\n".join(lines)


def _response(f: DraftFacts) -> str:
    lines = [f"- Incident commander: {f.commander or 'none named'}"]
    if f.mitigated_at:
        took = span(_between(f.started_at or f.declared_at, f.mitigated_at))
        lines.append(f"- Mitigated {when(f.mitigated_at)}, {took} after the impact began")
    if f.resolved_at:
        lines.append(f"- Resolved {when(f.resolved_at)}")
    moves = [e for e in f.events if e.kind in ("severity_changed", "status_changed")]
    lines += [f"- {when(e.at)}: {_one_line(e.text)}{_by(e)}" for e in moves]
    return "\n".join(lines)


def _changes(f: DraftFacts) -> str:
    marked = [c for c in f.changes if c.mark]
    if marked:
        return "\n".join(_change_line(c) for c in marked)
    ranked = list(f.changes)[:3]
    if not ranked:
        return "No change was marked, and none made shortly before touched its scope."
    lines = ["No change was marked as a suspect or cause. Ranked as suspects, unmarked:"]
    return "\n".join([*lines, *(_change_line(c) for c in ranked)])


def _change_line(c: ChangeFact) -> str:
    mark = f"**{c.mark}** " if c.mark else ""
    text = f"- {mark}{_change_link(c)} ({c.state.replace('_', ' ')}, {when(c.at)})"
    if c.note:
        text += f": {c.note}"
    if c.reasons:
        text += f" — {'; '.join(c.reasons)}"
    return text


def _timeline(f: DraftFacts) -> str:
    rows = [e for e in f.events if e.kind in KEY_EVENTS]
    if not rows:
        return "Nothing on the timeline."
    ref = f.ref
    return "\n".join(
        f"- [{when(e.at)}](/incidents/{ref}#ev-{e.id}) {_one_line(e.text)}{_by(e)}" for e in rows
    )


def _by(e: EventFact) -> str:
    return f" ({e.actor})" if e.actor else ""


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
