"""Conflict detection over the database: evaluate changes with the pure rules, keep the
conflicts found on each change, and announce new ones (change timeline, incident timeline,
notices to the change's people and the incident commander)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.changes.facts import Catalog, load_catalog, load_slots, slot_of, world_for
from warroom.changes.models import Change, ChangeApproval, ChangeConflict
from warroom.changes.notify import change_url
from warroom.changes.rules import (
    ENDED,
    ChangeState,
    Conflict,
    ConflictSeverity,
    Reason,
    Slot,
    conflicts,
)
from warroom.changes.service import format_change, log
from warroom.incidents.models import Incident
from warroom.incidents.rules import format_ref
from warroom.incidents.service import commander_of, record
from warroom.oncall.notices import do_notify

# New conflicts of these kinds and severities are announced; the rest are shown, not sent.
ANNOUNCED_REASONS = frozenset({Reason.incident, Reason.alert_group, Reason.dependency})
ANNOUNCED_SEVERITIES = frozenset({ConflictSeverity.critical, ConflictSeverity.high})
# Changes further out are told later, by the go/no-go check before they start: most incidents
# are over by then, and a notice about next month's change is noise during this one.
ANNOUNCE_AHEAD = timedelta(hours=24)


def is_live(change: Change) -> bool:
    return ChangeState(change.state) not in ENDED


def evaluate(
    *, session: Session, changes: Sequence[Change], now: datetime
) -> dict[int, list[Conflict]]:
    """The conflicts of each change, as of now (ended changes have none)."""
    live = [c for c in changes if is_live(c)]
    found: dict[int, list[Conflict]] = {c.id: [] for c in changes}
    if not live:
        return found
    catalog = load_catalog(session)
    return found | _check(session, catalog, [slot_of(c, catalog) for c in live], now)


def _check(
    session: Session, catalog: Catalog, slots: list[Slot], now: datetime
) -> dict[int, list[Conflict]]:
    world = world_for(session, slots, catalog, now)
    return {slot.id: conflicts(slot, catalog.graph(slot.services), world) for slot in slots}


def stored(*, session: Session, change_ids: Sequence[int]) -> dict[int, list[ChangeConflict]]:
    found: dict[int, list[ChangeConflict]] = {i: [] for i in change_ids}
    if change_ids:
        query = select(ChangeConflict).where(ChangeConflict.change_id.in_(change_ids))
        for row in session.scalars(query.order_by(ChangeConflict.id)):
            found[row.change_id].append(row)
    return found


@dataclass(frozen=True)
class Refreshed:
    change_id: int
    new: list[Conflict]
    gone: list[str]


def do_refresh(
    *, session: Session, changes: Sequence[Change], now: datetime, base_url: str
) -> list[Refreshed]:
    """Evaluate again and keep what was found; announce what is new."""
    fresh = evaluate(session=session, changes=changes, now=now)
    return _keep(session, fresh, {c.id: c for c in changes}, now, base_url)


def do_refresh_live(
    *, session: Session, where: Sequence[ColumnElement[bool]], now: datetime, base_url: str
) -> list[Refreshed]:
    """``do_refresh`` for every live change matching ``where``, read as plain rows: an
    incident event checks them all inside its own transaction."""
    catalog = load_catalog(session)
    live = Change.state.not_in([s.value for s in ENDED])
    slots = load_slots(session, catalog, live, *where)
    fresh = _check(session, catalog, slots, now) if slots else {}
    return _keep(session, fresh, {}, now, base_url)


def _keep(
    session: Session,
    fresh: dict[int, list[Conflict]],
    loaded: dict[int, Change],
    now: datetime,
    base_url: str,
) -> list[Refreshed]:
    kept = stored(session=session, change_ids=list(fresh))
    done = [_replace(session, i, found, kept[i], now) for i, found in fresh.items()]
    news = [r for r in done if r.new]
    missing = [r.change_id for r in news if r.change_id not in loaded]
    if missing:  # one query for every change with something to announce
        loaded = loaded | {
            c.id: c for c in session.scalars(select(Change).where(Change.id.in_(missing)))
        }
    for result in news:
        _announce(session, loaded[result.change_id], result.new, now, base_url)
    return done


def _replace(
    session: Session,
    change_id: int,
    fresh: list[Conflict],
    kept: list[ChangeConflict],
    now: datetime,
) -> Refreshed:
    old = {row.key: row for row in kept}
    new = [c for c in fresh if c.key not in old]
    gone = [key for key in old if key not in {c.key for c in fresh}]
    if gone:
        session.execute(
            delete(ChangeConflict).where(
                ChangeConflict.change_id == change_id, ChangeConflict.key.in_(gone)
            )
        )
    for conflict in fresh:
        row = old.get(conflict.key) or ChangeConflict(
            change_id=change_id, key=conflict.key, found_at=now
        )
        values = (conflict.reason.value, conflict.severity.value, conflict.detail)
        if (row.reason, row.severity, row.detail) != values or row.data != conflict.data:
            row.reason, row.severity, row.detail = values
            row.incident_id, row.data = conflict.incident_id, conflict.data
            session.add(row)
    if new or gone:
        session.flush()
    return Refreshed(change_id, new, gone)


def _announce(
    session: Session, change: Change, new: list[Conflict], now: datetime, base_url: str
) -> None:
    for conflict in new:
        log(
            session=session,
            change=change,
            kind="conflict_found",
            actor=None,
            now=now,
            text=conflict.detail,
            data={"reason": conflict.reason.value, "severity": conflict.severity.value},
        )
    loud = [c for c in new if c.reason in ANNOUNCED_REASONS and c.severity in ANNOUNCED_SEVERITIES]
    if not loud or change.planned_start >= now + ANNOUNCE_AHEAD:
        return
    people = [change.owner, change.implementer, change.authority, *_approvers(session, change)]
    incident_ids = sorted({c.incident_id for c in loud if c.incident_id is not None})
    for incident_id in incident_ids:
        incident = session.get(Incident, incident_id)
        if incident is not None:
            people.append(_note_on_incident(session, incident, change, now))
    subject = f"Change conflict: {format_change(change.id)} {change.title}"
    body = _body(change, loud, base_url)
    sent = do_notify(
        session=session,
        people=people,
        subject=subject,
        body=body,
        now=now,
        incident_id=incident_ids[0] if incident_ids else None,
    )
    names = sorted({d.address for d in sent})
    log(
        session=session,
        change=change,
        kind="notified",
        actor=None,
        now=now,
        text=f"Told {len(names)} address(es) of the conflict",
        data={"addresses": names},
    )


def _approvers(session: Session, change: Change) -> list[Person | None]:
    query = select(ChangeApproval).where(ChangeApproval.change_id == change.id)
    return [a.person for a in session.scalars(query)]


def _note_on_incident(
    session: Session, incident: Incident, change: Change, now: datetime
) -> Person | None:
    ref = format_change(change.id)
    when = f"{change.planned_start:%Y-%m-%d %H:%M} UTC"
    record(
        session=session,
        incident=incident,
        kind="change_at_risk",
        actor=None,
        now=now,
        text=(
            f"Planned change {ref} {change.title!r} ({when}, {change.state})"
            " touches this incident's scope"
        ),
        data={"change": change.id},
    )
    held = commander_of(session=session, incident=incident)
    return held.person if held else None


def _body(change: Change, found: list[Conflict], base_url: str) -> str:
    lines = [
        f"{format_change(change.id)}: {change.title}",
        f"Planned {change.planned_start:%Y-%m-%d %H:%M} to"
        f" {change.planned_end:%Y-%m-%d %H:%M} UTC ({change.state})",
        "",
        "It conflicts with:",
        *[f"  - [{c.severity}] {c.detail}" for c in found],
        "",
        "Hold it or decide to go ahead (an override records who and why):",
        f"  {change_url(base_url, change.id)}",
    ]
    return "\n".join(lines)


def _told_just_now(session: Session, incident: Incident, person_id: int, now: datetime) -> set[int]:
    """Changes whose conflict with the incident was announced this moment to the commander as
    their owner, implementer or authority (declaring both finds it and names the commander)."""
    query = (
        select(Change.id)
        .join(ChangeConflict, ChangeConflict.change_id == Change.id)
        .where(
            ChangeConflict.incident_id == incident.id,
            ChangeConflict.found_at == now,
            or_(
                Change.owner_id == person_id,
                Change.implementer_id == person_id,
                Change.authority_id == person_id,
            ),
        )
    )
    return set(session.scalars(query))


def do_brief_commander(
    *, session: Session, incident: Incident, now: datetime, base_url: str
) -> int:
    """Tell a new incident commander which planned changes touch their incident."""
    held = commander_of(session=session, incident=incident)
    if held is None:
        return 0
    touching = select(ChangeConflict.change_id).where(ChangeConflict.incident_id == incident.id)
    query = (
        select(Change)
        .where(
            Change.id.in_(touching),
            Change.state.not_in([s.value for s in ENDED]),
            Change.planned_start < now + ANNOUNCE_AHEAD,
        )
        .order_by(Change.planned_start, Change.id)
    )
    told = _told_just_now(session, incident, held.person_id, now)
    changes = [c for c in session.scalars(query) if c.id not in told]
    if not changes:
        return 0
    lines = [
        f"Planned changes touch {format_ref(incident.id)} ({incident.severity}): {incident.title}",
        "",
    ]
    for change in changes:
        when = f"{change.planned_start:%Y-%m-%d %H:%M} UTC"
        lines.append(f"  - {format_change(change.id)} {change.title} ({when}, {change.state})")
        lines.append(f"    {change_url(base_url, change.id)}")
    do_notify(
        session=session,
        people=[held.person],
        now=now,
        incident_id=incident.id,
        subject=f"Changes at risk during {format_ref(incident.id)}",
        body="\n".join(lines),
    )
    return len(changes)
