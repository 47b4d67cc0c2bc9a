"""The incident's side of changes: upcoming changes that touch its scope (the gate), recent
changes ranked as suspects with responders' marks, and the go/no-go check before each start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.changes.conflicts import evaluate
from warroom.changes.facts import incident_trouble, load_catalog, slot_of, troubles
from warroom.changes.models import Change, ChangeMark
from warroom.changes.notify import change_url
from warroom.changes.rules import ENDED, ChangeState, Conflict, Reason
from warroom.changes.service import format_change, log
from warroom.changes.suspects import Suspect, rank_suspects
from warroom.errors import InvalidInput
from warroom.incidents.models import Incident
from warroom.incidents.rules import format_ref
from warroom.incidents.service import record
from warroom.oncall.notices import do_notify

S = ChangeState
HAPPENED = (S.in_progress.value, S.completed.value, S.failed.value, S.rolled_back.value)
GO_NO_GO_STATES = (S.approved.value, S.scheduled.value, S.on_hold.value)


@dataclass(frozen=True)
class AtRisk:
    change: Change
    conflict: Conflict


def at_risk(
    *, session: Session, incident: Incident, now: datetime, hours: int = 24
) -> list[AtRisk]:
    """Changes not ended, starting within ``hours`` (or already under way), that conflict with
    the incident, soonest first."""
    query = select(Change).where(
        Change.state.not_in([s.value for s in ENDED]),
        Change.planned_start < now + timedelta(hours=hours),
        or_(Change.planned_end > now, Change.state == S.in_progress.value),
    )
    changes = list(session.scalars(query.order_by(Change.planned_start, Change.id)))
    found = evaluate(session=session, changes=changes, now=now)
    ours = []
    for change in changes:
        hit = [c for c in found[change.id] if c.incident_id == incident.id and touches(c)]
        if hit:
            ours.append(AtRisk(change, hit[0]))
    return ours


def touches(conflict: Conflict) -> bool:
    """On the scope or one hop from it: a change far down the graph is not held for it."""
    return conflict.reason is not Reason.dependency or bool(conflict.data.get("near"))


@dataclass(frozen=True)
class Ranked:
    change: Change
    suspect: Suspect
    mark: ChangeMark | None


def suspects(
    *, session: Session, incident: Incident, now: datetime, hours: int = 72
) -> list[Ranked]:
    """Changes that happened in the ``hours`` before the incident started (or since), ranked
    by how they touch its scope, with any mark a responder gave them."""
    started = incident.started_at or incident.declared_at
    since = started - timedelta(hours=hours)
    query = select(Change).where(
        Change.state.in_(HAPPENED),
        or_(
            and_(Change.actual_start.is_not(None), Change.actual_start >= since),
            and_(Change.actual_end.is_not(None), Change.actual_end >= since),
        ),
        Change.planned_start <= now,
    )
    changes = list(session.scalars(query))
    marks = _marks(session, incident)
    catalog = load_catalog(session)
    mine = next(
        (
            t
            for t in troubles(session, catalog)
            if t.incident_id == incident.id and t.kind == "incident"
        ),
        None,
    )
    if mine is None:  # a closed incident: its declared scope still names the suspects
        mine = incident_trouble(incident, set(), catalog)
    items = [
        (slot_of(c, catalog), catalog.graph(slot_of(c, catalog).services), _when(c))
        for c in changes
    ]
    ranked = rank_suspects(started, mine, items)
    by_id = {c.id: c for c in changes}
    shown = [Ranked(by_id[s.change_id], s, marks.get(s.change_id)) for s in ranked]
    # A marked change stays on the list even when its score would drop it.
    listed = {r.change.id for r in shown}
    for change_id, mark in marks.items():
        change = session.get(Change, change_id)
        if change_id not in listed and change is not None:
            shown.append(Ranked(change, Suspect(change_id, 0, ["marked by a responder"]), mark))
    return sorted(
        shown,
        key=lambda r: (
            r.mark is None,
            r.mark.mark != "cause" if r.mark else True,
            -r.suspect.score,
        ),
    )


def _when(change: Change) -> datetime:
    return change.actual_end or change.actual_start or change.planned_start


def _marks(session: Session, incident: Incident) -> dict[int, ChangeMark]:
    query = select(ChangeMark).where(ChangeMark.incident_id == incident.id)
    return {m.change_id: m for m in session.scalars(query)}


def do_mark(
    *,
    session: Session,
    incident: Incident,
    change: Change,
    actor: Actor | None,
    mark: str | None,
    note: str,
    now: datetime,
) -> ChangeMark | None:
    """Mark a change as ``suspect`` or ``cause`` of the incident (None clears the mark); kept
    for the postmortem, and on both timelines."""
    if mark not in (None, "suspect", "cause"):
        raise InvalidInput("mark", "must be suspect or cause")
    row = session.scalar(
        select(ChangeMark).where(
            ChangeMark.incident_id == incident.id, ChangeMark.change_id == change.id
        )
    )
    if mark is None:
        if row is not None:  # clearing what is not there records nothing
            session.delete(row)
            _record_mark(session, incident, change, actor, "cleared", note, now)
        return None
    if row is None:
        row = ChangeMark(incident_id=incident.id, change_id=change.id)
        session.add(row)
    row.mark, row.note, row.marked_at = mark, note, now
    row.marked_by_id = actor.person_id if actor else None
    session.flush()
    _record_mark(session, incident, change, actor, mark, note, now)
    return row


def _record_mark(
    session: Session,
    incident: Incident,
    change: Change,
    actor: Actor | None,
    mark: str,
    note: str,
    now: datetime,
) -> None:
    who = actor.name if actor else "warroom"
    what = "cleared the mark on" if mark == "cleared" else f"marked as {mark}:"
    text = f"{who} {what} change {format_change(change.id)} {change.title!r}" + (
        f" ({note})" if note else ""
    )
    record(
        session=session,
        incident=incident,
        kind="change_marked",
        actor=actor,
        now=now,
        text=text,
        data={"change": change.id, "mark": mark},
    )
    log(
        session=session,
        change=change,
        kind="marked",
        actor=actor,
        now=now,
        text=f"{mark} for {format_ref(incident.id)}" + (f": {note}" if note else ""),
        data={"incident": incident.id, "mark": mark},
    )


def _due(now: datetime, lead_minutes: int) -> ColumnElement[bool]:
    return and_(
        Change.state.in_(GO_NO_GO_STATES),
        Change.planned_start > now,
        Change.planned_start <= now + timedelta(minutes=lead_minutes),
        or_(Change.checked_start.is_(None), Change.checked_start != Change.planned_start),
    )


def any_due(*, session: Session, now: datetime, lead_minutes: int) -> bool:
    """A cheap look before the check takes locks: most rounds find nothing due."""
    query = select(Change.id).where(_due(now, lead_minutes)).limit(1)
    return session.scalar(query) is not None


def do_go_no_go(*, session: Session, now: datetime, lead_minutes: int, base_url: str) -> int:
    """Check each change about to start (once per planned start); tell its implementer about
    any conflict. Returns how many changes were found with conflicts."""
    query = select(Change).where(_due(now, lead_minutes))
    # Only the changes' rows: PostgreSQL locks nothing on the nullable side of the outer joins
    # that load a change's people.
    changes = list(session.scalars(query.with_for_update(skip_locked=True, of=Change)))
    found = evaluate(session=session, changes=changes, now=now)
    blocked = 0
    for change in changes:
        # Past the ORM's version counter: a check is not an edit, and must not turn the next
        # PATCH of someone who read the change a minute ago into a stale-version conflict.
        session.execute(
            update(Change)
            .where(Change.id == change.id)
            .values(checked_start=Change.planned_start)
            .execution_options(synchronize_session=False)
        )
        hits = found[change.id]
        if not hits:
            log(
                session=session,
                change=change,
                kind="go",
                actor=None,
                now=now,
                text="Go/no-go: no conflicts",
            )
            continue
        blocked += 1
        _no_go(session, change, hits, now, base_url)
    return blocked


def _no_go(
    session: Session, change: Change, hits: list[Conflict], now: datetime, base_url: str
) -> None:
    minutes = int((change.planned_start - now).total_seconds() // 60)
    log(
        session=session,
        change=change,
        kind="no_go",
        actor=None,
        now=now,
        text=f"Go/no-go: {len(hits)} conflict(s), {minutes} min before the start",
        data={"conflicts": [c.key for c in hits]},
    )
    body = "\n".join(
        [
            f"{format_change(change.id)} {change.title} is due to start in {minutes} min "
            f"({change.planned_start:%Y-%m-%d %H:%M} UTC), and has unresolved conflicts:",
            *[f"  - [{c.severity}] {c.detail}" for c in hits],
            "",
            "Do not start it without the change authority's decision; starting needs an override.",
            f"  {change_url(base_url, change.id)}",
        ]
    )
    do_notify(
        session=session,
        people=[change.implementer or change.owner],
        now=now,
        subject=f"No-go: {format_change(change.id)} {change.title}",
        body=body,
    )
