"""Moving a change through its states: submit, approve, schedule, the gate before it starts
(conflicts need an explicit override), hold and release, and the end."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.alerts.models import MaintenanceWindow
from warroom.changes.conflicts import evaluate, stored
from warroom.changes.models import Change, ChangeApproval
from warroom.changes.notify import change_url
from warroom.changes.rules import (
    ENDED,
    HOLDABLE,
    ChangeState,
    ChangeType,
    Conflict,
    after_submit,
    transition_error,
)
from warroom.changes.service import format_change, log
from warroom.errors import Blocked, IllegalTransition, PermissionDenied
from warroom.incidents.models import Incident
from warroom.incidents.rules import format_ref
from warroom.incidents.service import ACTIVE_STATUSES, commander_of, record
from warroom.oncall.notices import do_notify

S = ChangeState


def conflict_json(conflict: Conflict) -> dict[str, object]:
    return {
        "reason": conflict.reason.value,
        "severity": conflict.severity.value,
        "detail": conflict.detail,
        "incident": format_ref(conflict.incident_id) if conflict.incident_id else None,
        "data": conflict.data,
    }


def do_transition(
    *,
    session: Session,
    change: Change,
    actor: Actor | None,
    to: ChangeState,
    now: datetime,
    reason: str | None = None,
    override_reason: str | None = None,
    base_url: str = "",
) -> None:
    """Move the change to ``to``; starting it passes the gate first."""
    state = S(change.state)
    if to == state:
        return
    if to is S.on_hold:
        do_hold(
            session=session,
            change=change,
            actor=actor,
            reason=reason or "held",
            now=now,
            base_url=base_url,
        )
        return
    if state is S.on_hold and to.value == change.held_from:
        do_release(
            session=session, change=change, actor=actor, reason=reason or "released", now=now
        )
        return
    if state is S.submitted and to is S.approved:
        do_decide(
            session=session, change=change, actor=actor, approve=True, comment=reason or "", now=now
        )
        return
    error = transition_error(state, to, ChangeType(change.type), change.held_from)
    if to is S.submitted:
        to = after_submit(ChangeType(change.type))
    if error:
        raise IllegalTransition("state", error)
    if to is S.in_progress:
        _gate(session, change, actor, override_reason, now)
    _move(session, change, actor, to, now, reason)


def _move(
    session: Session,
    change: Change,
    actor: Actor | None,
    to: ChangeState,
    now: datetime,
    reason: str | None,
) -> None:
    before = change.state
    if before == S.on_hold.value:
        change.held_from = None
    change.state = to.value
    if to is S.in_progress and change.actual_start is None:
        change.actual_start = now
    if to in ENDED - {S.cancelled} and change.actual_end is None:
        change.actual_end = now
    if to in ENDED:
        _end_window(session, change, now)
    change.updated_at = now
    text = f"{before} → {to.value}" + (f": {reason}" if reason else "")
    log(
        session=session,
        change=change,
        kind="state_changed",
        actor=actor,
        now=now,
        text=text,
        data={"before": before, "after": to.value},
    )


def _gate(
    session: Session, change: Change, actor: Actor | None, override: str | None, now: datetime
) -> None:
    """A change with unresolved conflicts starts only on an explicit, recorded override."""
    found = evaluate(session=session, changes=[change], now=now)[change.id]
    if not found:
        return
    if not override:
        raise Blocked(
            f"{format_change(change.id)} has {len(found)} unresolved conflict(s); "
            "start it with an override_reason to go ahead anyway",
            extra={"conflicts": [conflict_json(c) for c in found]},
        )
    change.override_reason, change.override_at = override, now
    # The relationship, not only its id: the answer to this request shows who decided.
    change.override_by = session.get(Person, actor.person_id) if actor else None
    log(
        session=session,
        change=change,
        kind="override",
        actor=actor,
        now=now,
        text=f"Started despite {len(found)} conflict(s): {override}",
        data={"conflicts": [c.key for c in found]},
    )


def can_approve(change: Change, actor: Actor | None) -> bool:
    if actor is None or actor.allows(Role.manager):
        return True
    return change.authority_id == actor.person_id


def do_decide(
    *,
    session: Session,
    change: Change,
    actor: Actor | None,
    approve: bool,
    comment: str,
    now: datetime,
) -> ChangeApproval:
    """The change authority (or a manager) approves or rejects a submitted change."""
    if not can_approve(change, actor):
        raise PermissionDenied("only the change authority or a manager decides on a change")
    if change.state != S.submitted.value:
        raise IllegalTransition("state", f"a {change.state} change is not awaiting a decision")
    decision = "approved" if approve else "rejected"
    row = ChangeApproval(
        change_id=change.id,
        person_id=actor.person_id if actor else None,
        decision=decision,
        comment=comment,
        decided_at=now,
    )
    session.add(row)
    log(session=session, change=change, kind=decision, actor=actor, now=now, text=comment)
    _move(session, change, actor, S.approved if approve else S.draft, now, None)
    return row


def can_hold(session: Session, change: Change, actor: Actor | None) -> bool:
    """Managers, the change's authority and owner, and the commander of an active incident the
    change conflicts with may hold it. Naming an incident grants nothing by itself: commanding
    one incident is no licence to stop changes elsewhere."""
    if actor is None or actor.allows(Role.manager):
        return True
    if actor.person_id in {change.authority_id, change.owner_id}:
        return True
    return any(_commands(session, i, actor) for i in _conflicting_incidents(session, change))


def _commands(session: Session, incident: Incident, actor: Actor) -> bool:
    held = commander_of(session=session, incident=incident)
    return held is not None and held.person_id == actor.person_id


def _conflicting_incidents(session: Session, change: Change) -> list[Incident]:
    ids = {c.incident_id for c in stored(session=session, change_ids=[change.id])[change.id]}
    ids.discard(None)
    if not ids:
        return []
    query = select(Incident).where(Incident.id.in_(ids), Incident.status.in_(ACTIVE_STATUSES))
    return list(session.scalars(query))


def do_hold(
    *,
    session: Session,
    change: Change,
    actor: Actor | None,
    reason: str,
    now: datetime,
    incident: Incident | None = None,
    base_url: str = "",
) -> None:
    """Put the change on hold: on the change's timeline and on each incident behind the hold;
    its owner and implementer are told."""
    if not can_hold(session, change, actor):
        raise PermissionDenied(
            "only the incident commander, the change authority or a manager holds a change"
        )
    if S(change.state) not in HOLDABLE:
        raise IllegalTransition("state", f"a {change.state} change cannot be held")
    incidents = [incident] if incident else _conflicting_incidents(session, change)
    change.held_from = change.state
    _move(session, change, actor, S.on_hold, now, reason)
    refs = [format_ref(i.id) for i in incidents]
    log(
        session=session,
        change=change,
        kind="held",
        actor=actor,
        now=now,
        text=reason,
        data={"incidents": refs},
    )
    who = actor.name if actor else "warroom"
    for item in incidents:
        record(
            session=session,
            incident=item,
            kind="change_held",
            actor=actor,
            now=now,
            text=f"{who} held change {format_change(change.id)} {change.title!r}: {reason}",
            data={"change": change.id},
        )
    do_notify(
        session=session,
        people=[change.owner, change.implementer],
        now=now,
        subject=f"On hold: {format_change(change.id)} {change.title}",
        body=f"{who} put {format_change(change.id)} on hold: {reason}\n"
        + (f"Because of: {', '.join(refs)}\n" if refs else "")
        + f"\n  {change_url(base_url, change.id)}",
        incident_id=incidents[0].id if incidents else None,
    )


def do_release(
    *, session: Session, change: Change, actor: Actor | None, reason: str, now: datetime
) -> None:
    if change.state != S.on_hold.value or not change.held_from:
        raise IllegalTransition("state", f"a {change.state} change is not on hold")
    if not can_hold(session, change, actor):
        raise PermissionDenied(
            "only the incident commander, the change authority or a manager releases a hold"
        )
    _move(session, change, actor, S(change.held_from), now, reason)
    log(session=session, change=change, kind="released", actor=actor, now=now, text=reason)


def do_open_emergency_window(*, session: Session, change: Change, actor: Actor | None) -> None:
    """An emergency change opens a maintenance window over its scope and planned time, so its
    own alerts are expected rather than escalated."""
    if change.type != ChangeType.emergency.value or change.window_id is not None:
        return
    if not change.services and not change.assets:
        return
    window = MaintenanceWindow(
        name=f"{format_change(change.id)} {change.title}"[:200],
        kind="maintenance",
        starts_at=change.planned_start,
        ends_at=change.planned_end,
        assets=[a.hostname for a in change.assets],
        services=[s.name for s in change.services],
        reason=f"emergency change {format_change(change.id)}",
        created_by_id=actor.person_id if actor else None,
    )
    session.add(window)
    session.flush()
    change.window_id = window.id


def _end_window(session: Session, change: Change, now: datetime) -> None:
    window = session.get(MaintenanceWindow, change.window_id) if change.window_id else None
    if window is not None and window.ends_at > now:
        window.ends_at = max(now, window.starts_at)
