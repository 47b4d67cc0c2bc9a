"""Staffing a long incident: responders hand over every ``shift_hours``, warroom reminds the
commander and everyone in the room when a shift ends, and the handover note goes on the
timeline. Tired people make mistakes; a plan that says when the next shift takes over is how a
major incident that runs through the night stays commanded."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.access.service import Actor
from warroom.errors import Conflict
from warroom.incidents.models import Incident, TimelineEvent
from warroom.incidents.rules import Status, format_ref
from warroom.incidents.service import (
    ACTIVE_STATUSES,
    active_roles,
    commander_of,
    participants,
    record,
)
from warroom.oncall.models import ContactMethod, Delivery, Staffing


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def next_handover(previous: datetime, shift: timedelta, now: datetime) -> datetime:
    """The first shift boundary after ``now`` on the cadence that started at ``previous``: a
    worker that was down for two shifts reminds once, and the cadence stays the same."""
    missed = (now - previous) // shift + 1
    return previous + shift * max(missed, 1)


def _check_active(incident: Incident) -> None:
    if not Status(incident.status).is_active:
        raise Conflict(f"{format_ref(incident.id)} is {incident.status}: it has no more shifts")


def do_set_staffing(
    *, session: Session, incident: Incident, actor: Actor, shift_hours: int, now: datetime
) -> Staffing:
    """Set the shift length; the current shift starts now."""
    _check_active(incident)
    plan = session.get(Staffing, incident.id) or Staffing(incident_id=incident.id)
    plan.shift_hours = shift_hours
    plan.next_handover_at = now + timedelta(hours=shift_hours)
    session.add(plan)
    record(
        session=session,
        incident=incident,
        kind="staffing",
        actor=actor,
        now=now,
        text=f"Shifts of {shift_hours} h; next handover at {_when(plan.next_handover_at)}",
        data={"shift_hours": shift_hours},
    )
    return plan


def do_hand_over(
    *, session: Session, incident: Incident, actor: Actor, note: str, now: datetime
) -> TimelineEvent:
    """Record the handover; the next shift runs a full ``shift_hours`` from now."""
    plan = session.get(Staffing, incident.id)
    if plan is not None:
        plan.next_handover_at = now + timedelta(hours=plan.shift_hours)
    return record(
        session=session, incident=incident, kind="handover", actor=actor, now=now, text=note
    )


def do_send_handover_reminders(
    *, session: Session, now: datetime, base_url: str, limit: int = 50
) -> int:
    """Remind the responders of every active incident whose shift has ended; the number of
    incidents reminded. Each due plan is taken by one worker: its row is locked (PostgreSQL),
    or the caller began with ``begin_writing`` (SQLite)."""
    query = (
        select(Staffing, Incident)
        .join(Incident, Incident.id == Staffing.incident_id)
        .where(Staffing.next_handover_at <= now, Incident.status.in_(ACTIVE_STATUSES))
        .order_by(Staffing.next_handover_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Staffing)
    )
    due = [(plan, incident) for plan, incident in session.execute(query)]
    for plan, incident in due:
        _remind(session, plan, incident, now, base_url)
    return len(due)


def responders(session: Session, incident: Incident) -> list[Person]:
    """The commander first, then every other role holder and everyone still in the room."""
    people: dict[int, Person] = {}
    for role in active_roles(session=session, incident=incident):
        people.setdefault(role.person_id, role.person)
    for row in participants(session=session, incident=incident):
        if row.released_at is None:
            people.setdefault(row.person_id, row.person)
    return [p for p in people.values() if p.active]


def _remind(
    session: Session, plan: Staffing, incident: Incident, now: datetime, base_url: str
) -> None:
    shift = timedelta(hours=plan.shift_hours)
    plan.next_handover_at = next_handover(plan.next_handover_at or now, shift, now)
    people = responders(session, incident)
    subject = f"[{format_ref(incident.id)}] Handover due: {incident.title}"[:300]
    body = _reminder_body(session, incident, plan, people, base_url)
    for person in people:
        for method_id, address in _email_addresses(session, person):
            session.add(_delivery(incident, method_id, address, subject, body, now))
    names = ", ".join(p.name for p in people) or "nobody (no one is in the room)"
    record(
        session=session,
        incident=incident,
        kind="handover_due",
        actor=None,
        now=now,
        text=f"Handover due after {plan.shift_hours} h; reminded {names}. "
        f"Next handover at {_when(plan.next_handover_at)}",
        data={"people": [p.id for p in people]},
    )


def _email_addresses(session: Session, person: Person) -> list[tuple[int | None, str]]:
    """A reminder is not a page: it goes by email, to the person's email contact methods or,
    when they have none, to the address they sign in with."""
    query = select(ContactMethod).where(
        ContactMethod.person_id == person.id, ContactMethod.kind == "email"
    )
    methods = list(session.scalars(query.order_by(ContactMethod.id)))
    return [(m.id, m.address) for m in methods] or [(None, person.email)]


def _delivery(
    incident: Incident,
    method_id: int | None,
    address: str,
    subject: str,
    body: str,
    now: datetime,
) -> Delivery:
    return Delivery(
        incident_id=incident.id,
        contact_method_id=method_id,
        channel="email",
        address=address,
        purpose="handover",
        subject=subject,
        body=body,
        status="pending",
        due_at=now,
        attempts=0,
        created_at=now,
    )


def _reminder_body(
    session: Session, incident: Incident, plan: Staffing, people: list[Person], base_url: str
) -> str:
    ref = format_ref(incident.id)
    held = commander_of(session=session, incident=incident)
    commander = held.person.name if held else "nobody"
    return "\n".join(
        [
            f"{ref} ({incident.severity}, {incident.status}): {incident.title}",
            "",
            f"The staffing plan hands over every {plan.shift_hours} hours, and this shift "
            "has ended. Brief the next shift, then record the handover note:",
            f"  {base_url.rstrip('/')}/incidents/{ref}",
            "",
            f"Incident commander: {commander}",
            f"In the room: {', '.join(p.name for p in people) or 'nobody'}",
            f"Next handover: {_when(plan.next_handover_at or incident.updated_at)}",
        ]
    )
