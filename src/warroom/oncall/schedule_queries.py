"""Reading schedules: who is on call at a moment, the shifts and gaps over a range, and whom a
service's escalation policy pages first. Read-only: nothing here writes or emits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Person, Team
from warroom.catalog.models import Service
from warroom.errors import InvalidInput
from warroom.oncall.models import EscalationStep, Schedule, ServicePolicy
from warroom.oncall.oncall import spec_of
from warroom.oncall.schedule_rules import Shift, final_shifts, gaps
from warroom.oncall.schedule_schemas import (
    GapOut,
    OnCallBoard,
    OnCallOut,
    ReachedPerson,
    ScheduleRef,
    ServiceOnCallOut,
    ShiftOut,
)
from warroom.oncall.schedules import list_schedules, person_ref

MAX_RANGE = timedelta(days=90)
# How far ``until`` looks for the handover; a shift running longer shows this horizon.
LOOKAHEAD = timedelta(days=31)


def aware(value: datetime, field: str) -> datetime:
    """A time from a query string, which must say its offset: a bare one is ambiguous."""
    if value.tzinfo is None:
        raise InvalidInput(field, "must include a time zone offset, e.g. 2026-11-23T09:00:00Z")
    return value.astimezone(UTC)


def check_range(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    start, end = aware(start, "start"), aware(end, "end")
    if end <= start:
        raise InvalidInput("end", "must be after start")
    if end - start > MAX_RANGE:
        raise InvalidInput("end", f"at most {MAX_RANGE.days} days after start")
    return start, end


def _people(session: Session, ids: Iterable[int]) -> dict[int, Person]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(wanted)))}


def _layer_names(schedule: Schedule) -> dict[int, str]:
    return {layer.position: layer.name for layer in schedule.layers}


def shifts_out(session: Session, schedule: Schedule, shifts: Sequence[Shift]) -> list[ShiftOut]:
    people = _people(session, (s.person_id for s in shifts))
    names = _layer_names(schedule)
    return [
        ShiftOut(
            person=person_ref(people[s.person_id]),
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            source="override" if s.layer is None else "layer",
            layer=None if s.layer is None else names.get(s.layer, f"layer {s.layer + 1}"),
        )
        for s in shifts
    ]


def list_shifts(
    *, session: Session, schedule: Schedule, start: datetime, end: datetime
) -> list[ShiftOut]:
    """The final shifts over [start, end): layers and overrides resolved, cut to the range."""
    start, end = check_range(start, end)
    return shifts_out(session, schedule, final_shifts(spec_of(schedule), start, end))


def list_gaps(*, schedule: Schedule, start: datetime, end: datetime) -> list[GapOut]:
    start, end = check_range(start, end)
    return [GapOut(starts_at=b, ends_at=f) for b, f in gaps(spec_of(schedule), start, end)]


def on_call_out(*, session: Session, schedule: Schedule, at: datetime) -> OnCallOut:
    ahead = final_shifts(spec_of(schedule), at, at + LOOKAHEAD)
    current = ahead[0] if ahead and ahead[0].starts_at == at else None
    person = session.get(Person, current.person_id) if current else None
    return OnCallOut(
        schedule=ScheduleRef(id=schedule.id, name=schedule.name),
        at=at,
        person=person_ref(person) if person else None,
        source=None if current is None else ("override" if current.layer is None else "layer"),
        until=_handover(ahead) if current else None,
    )


def _handover(ahead: Sequence[Shift]) -> datetime:
    """When the person on call now hands over: an override running into their own layer
    shift (or the reverse) is one stretch for them."""
    end = ahead[0].ends_at
    for shift in ahead[1:]:
        if shift.starts_at != end or shift.person_id != ahead[0].person_id:
            break
        end = shift.ends_at
    return end


# --- services ---------------------------------------------------------------------------------


def team_people(team: Team) -> list[Person]:
    """Its active members, the lead first."""
    ordered = ([team.lead] if team.lead else []) + list(team.members)
    return [p for p in dict.fromkeys(ordered) if p.active]


def reached_by_step(*, session: Session, step: EscalationStep, at: datetime) -> list[ReachedPerson]:
    """Whom the step pages at ``at``: a schedule's person on call, a person, a team's people."""
    found: list[ReachedPerson] = []
    for target in step.targets:
        if target.schedule is not None:
            now = on_call_out(session=session, schedule=target.schedule, at=at).person
            if now is not None:
                found.append(ReachedPerson(person=now, via=f"schedule {target.schedule.name}"))
        elif target.person is not None and target.person.active:
            found.append(ReachedPerson(person=person_ref(target.person), via="person"))
        elif target.team is not None:
            via = f"team {target.team.name}"
            found += [
                ReachedPerson(person=person_ref(p), via=via) for p in team_people(target.team)
            ]
    return _once_each(found)


def _once_each(found: list[ReachedPerson]) -> list[ReachedPerson]:
    seen: set[int] = set()
    kept = []
    for item in found:
        if item.person.id not in seen:
            seen.add(item.person.id)
            kept.append(item)
    return kept


def on_call_for_service(*, session: Session, service: Service, at: datetime) -> ServiceOnCallOut:
    """Who would be paged first for an incident on ``service`` at ``at``: the first step of its
    escalation policy, resolved. No policy (or no steps): nobody."""
    link = session.get(ServicePolicy, service.id)
    if link is None:
        return ServiceOnCallOut(service=service.name, policy=None, people=[])
    steps = sorted(link.policy.steps, key=lambda s: s.position)
    people = reached_by_step(session=session, step=steps[0], at=at) if steps else []
    return ServiceOnCallOut(service=service.name, policy=link.policy.name, people=people)


def on_call_board(*, session: Session, at: datetime, service: Service | None) -> OnCallBoard:
    """One service's first responders, or every schedule and every service with a policy."""
    if service is not None:
        only = on_call_for_service(session=session, service=service, at=at)
        return OnCallBoard(at=at, schedules=[], services=[only])
    linked = session.scalars(
        select(Service).join(ServicePolicy, ServicePolicy.service_id == Service.id)
    )
    return OnCallBoard(
        at=at,
        schedules=[
            on_call_out(session=session, schedule=s, at=at) for s in list_schedules(session=session)
        ],
        services=[
            on_call_for_service(session=session, service=s, at=at)
            for s in sorted(linked, key=lambda s: s.name)
        ],
    )
