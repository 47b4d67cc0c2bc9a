"""Who commands and who is in the room: role assignments, joins and releases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.errors import Conflict, NotFound, PermissionDenied
from warroom.incidents.models import Incident, Participant, RoleAssignment
from warroom.incidents.rules import IncidentRole, Severity, needs_commander
from warroom.incidents.service import active_roles, commander_of, participants, record


def _in_room(session: Session, incident: Incident, person_id: int) -> Participant | None:
    for row in participants(session=session, incident=incident):
        if row.person_id == person_id and row.released_at is None:
            return row
    return None


def do_join(
    *,
    session: Session,
    incident: Incident,
    actor: Actor | None,
    person: Person,
    reason: str,
    now: datetime,
) -> Participant:
    """Bring someone into the room; joining twice keeps the first join."""
    existing = _in_room(session, incident, person.id)
    if existing is not None:
        return existing
    row = Participant(incident_id=incident.id, person_id=person.id, reason=reason, joined_at=now)
    row.person = person
    session.add(row)
    record(
        session=session,
        incident=incident,
        kind="participant_joined",
        actor=actor,
        now=now,
        text=f"{person.name} joined: {reason}",
        after=person.name,
        data={"person_id": person.id},
    )
    return row


def do_assign_role(
    *,
    session: Session,
    incident: Incident,
    actor: Actor | None,
    role: IncidentRole,
    person: Person,
    now: datetime,
    note: str = "",
) -> RoleAssignment:
    """Give ``role`` to ``person``; a single-holder role passes from its current holder."""
    current = [r for r in active_roles(session=session, incident=incident) if r.role == role]
    if any(r.person_id == person.id for r in current):
        return next(r for r in current if r.person_id == person.id)
    before = None
    if role.single_holder:
        for row in current:
            row.ended_at = now
            before = row.person.name
    row = RoleAssignment(incident_id=incident.id, role=role.value, person_id=person.id)
    row.assigned_at, row.person = now, person
    session.add(row)
    do_join(
        session=session,
        incident=incident,
        actor=actor,
        person=person,
        reason=f"assigned {role.label.lower()}",
        now=now,
    )
    text = note or f"{person.name} is {role.label.lower()}"
    if before:
        text += f" (was {before})"
    record(
        session=session,
        incident=incident,
        kind="role_assigned",
        actor=actor,
        now=now,
        text=text,
        before=before,
        after=person.name,
        data={"role": role.value},
    )
    return row


def do_unassign_role(
    *, session: Session, incident: Incident, actor: Actor, assignment_id: int, now: datetime
) -> RoleAssignment:
    row = session.get(RoleAssignment, assignment_id)
    if row is None or row.incident_id != incident.id or row.ended_at is not None:
        raise NotFound(f"no current role assignment {assignment_id} on this incident")
    role = IncidentRole(row.role)
    if role is IncidentRole.commander and needs_commander(Severity(incident.severity)):
        raise Conflict(
            f"a {incident.severity} always has an incident commander: assign the next one instead"
        )
    row.ended_at = now
    record(
        session=session,
        incident=incident,
        kind="role_unassigned",
        actor=actor,
        now=now,
        text=f"{row.person.name} is no longer {role.label.lower()}",
        before=row.person.name,
        data={"role": role.value},
    )
    return row


def check_may_release(*, session: Session, incident: Incident, actor: Actor) -> None:
    """The IC releases people; managers may too when the IC cannot."""
    commander = commander_of(session=session, incident=incident)
    if commander is not None and commander.person_id == actor.person_id:
        return
    if actor.allows(Role.manager):
        return
    raise PermissionDenied("only the incident commander (or a manager) releases participants")


def do_release(
    *, session: Session, incident: Incident, actor: Actor, participant_id: int, now: datetime
) -> Participant:
    """ "You're clear": the person leaves the room and their time to innocence is recorded."""
    row = session.get(Participant, participant_id)
    if row is None or row.incident_id != incident.id:
        raise NotFound(f"no participant {participant_id} on this incident")
    if row.released_at is not None:
        raise Conflict(f"{row.person.name} was already released")
    check_may_release(session=session, incident=incident, actor=actor)
    held = [
        r for r in active_roles(session=session, incident=incident) if r.person_id == row.person_id
    ]
    if any(r.role == IncidentRole.commander for r in held):
        raise Conflict("the incident commander cannot be released: hand command over first")
    for assignment in held:
        assignment.ended_at = now
    row.released_at, row.released_by_id = now, actor.person_id
    minutes = round((now - row.joined_at).total_seconds() / 60)
    record(
        session=session,
        incident=incident,
        kind="participant_released",
        actor=actor,
        now=now,
        text=f"{row.person.name} released: you're clear (time to innocence {minutes} min)",
        before=row.person.name,
        data={
            "person_id": row.person_id,
            "time_to_innocence_seconds": (now - row.joined_at).total_seconds(),
        },
    )
    return row
