"""Schedules as data: create, replace or patch one with its layers, delete it, add and remove
overrides. Reading who is on call is in ``schedule_queries``; calendars in ``schedule_ical``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.access.service import Actor, check_timezone
from warroom.errors import Conflict, FieldError, InvalidInput, NotFound
from warroom.events import DomainEvent, emit
from warroom.oncall.models import LayerMember, Schedule, ScheduleLayer, ScheduleOverride
from warroom.oncall.oncall import access_schedule as access_schedule  # routes load it here
from warroom.oncall.schedule_rules import ROTATION_SECONDS, Override, Rotation, overlapping
from warroom.oncall.schedule_schemas import (
    LayerIn,
    LayerOut,
    OverrideIn,
    OverrideOut,
    PersonRef,
    RestrictionIn,
    ScheduleIn,
    ScheduleOut,
    SchedulePatch,
)


def list_schedules(*, session: Session) -> list[Schedule]:
    return list(session.scalars(select(Schedule).order_by(Schedule.name)))


def find_schedule(*, session: Session, name: str) -> Schedule | None:
    return session.scalar(select(Schedule).where(Schedule.name == name.strip()))


def access_schedule_ref(*, session: Session, ref: str) -> Schedule:
    """A schedule by id or by name, as a person types it."""
    found = find_schedule(session=session, name=ref)
    if found is None and ref.strip().isdigit():
        return access_schedule(session=session, schedule_id=int(ref))
    if found is None:
        raise NotFound(f"no schedule {ref!r}")
    return found


def _emit(session: Session, name: str, schedule: Schedule, **data: object) -> None:
    emit(
        session, DomainEvent(f"schedule.{name}", str(schedule.id), {"name": schedule.name, **data})
    )


# --- checks -----------------------------------------------------------------------------------


def check_zone(value: str, field: str) -> str:
    try:
        return check_timezone(value)
    except InvalidInput:
        raise InvalidInput(field, f"unknown time zone {value!r} (use an IANA name)") from None


def check_people(*, session: Session, emails: Sequence[str], field: str) -> list[Person]:
    """Active people by email, in the order given, naming the first unknown one."""
    wanted = [e.strip().lower() for e in emails]
    rows = session.scalars(select(Person).where(Person.email.in_(wanted)))
    found = {p.email: p for p in rows if p.active}
    for index, email in enumerate(wanted):
        if email not in found:
            raise InvalidInput(f"{field}[{index}]", f"no active person with email {email!r}")
    return [found[e] for e in wanted]


def check_shift_seconds(layer: LayerIn, field: str) -> int:
    given = layer.shift_seconds or (round(layer.shift_hours * 3600) if layer.shift_hours else None)
    if layer.rotation is Rotation.custom:
        if not given:
            raise InvalidInput(f"{field}.shift_seconds", "a custom rotation needs shift_seconds")
        if given < 60:
            raise InvalidInput(f"{field}.shift_seconds", "a shift lasts at least 60 seconds")
        return given
    implied = ROTATION_SECONDS[layer.rotation]
    if given is not None and given != implied:
        raise InvalidInput(
            f"{field}.shift_seconds",
            f"a {layer.rotation.value} rotation's shift is {implied} seconds; "
            "use rotation 'custom' for another length",
        )
    return implied


def _wall_time(starts: datetime, zone: str) -> datetime:
    """A handoff given with an offset is read as that moment's wall time in the zone."""
    if starts.tzinfo is None:
        return starts.replace(second=0, microsecond=0)
    return starts.astimezone(ZoneInfo(zone)).replace(tzinfo=None, second=0, microsecond=0)


def _layer(session: Session, data: LayerIn, position: int, default_zone: str) -> ScheduleLayer:
    field = f"layers[{position}]"
    if not data.participants:
        raise InvalidInput(f"{field}.participants", "a rotation needs at least one participant")
    zone = check_zone(data.timezone or default_zone, f"{field}.timezone")
    people = check_people(session=session, emails=data.participants, field=f"{field}.participants")
    return ScheduleLayer(
        position=position,
        name=data.name or f"layer {position + 1}",
        rotation=data.rotation.value,
        shift_seconds=check_shift_seconds(data, field),
        starts_local=_wall_time(data.starts, zone),
        timezone=zone,
        ends_at=data.ends_at,
        restrictions=[_restriction(r) for r in data.restrictions],
        members=[LayerMember(position=i, person_id=p.id) for i, p in enumerate(people)],
    )


def _restriction(data: RestrictionIn) -> dict[str, object]:
    return {
        "days": sorted(set(data.days)),
        "start": data.start.strftime("%H:%M"),
        "end": data.end.strftime("%H:%M"),
    }


def _check_name_free(session: Session, name: str, own: Schedule | None) -> None:
    clash = find_schedule(session=session, name=name)
    if clash is not None and clash is not own:
        raise Conflict(f"a schedule named {name!r} exists already")


# --- writing ----------------------------------------------------------------------------------


def _set_layers(session: Session, schedule: Schedule, layers: Sequence[LayerIn]) -> None:
    built = [_layer(session, data, i, schedule.timezone) for i, data in enumerate(layers)]
    schedule.layers.clear()
    session.flush()  # the old layers' member rows go before the new ones take their keys
    schedule.layers.extend(built)


def do_create_schedule(*, session: Session, data: ScheduleIn, now: datetime) -> Schedule:
    _check_name_free(session, data.name, None)
    schedule = Schedule(
        name=data.name,
        description=data.description,
        timezone=check_zone(data.timezone, "timezone"),
        created_at=now,
    )
    session.add(schedule)
    _set_layers(session, schedule, data.layers)
    session.flush()
    _emit(session, "created", schedule)
    return schedule


def do_update_schedule(
    *, session: Session, schedule: Schedule, data: ScheduleIn | SchedulePatch
) -> Schedule:
    """A ``ScheduleIn`` replaces every field (PUT); a ``SchedulePatch`` only those given."""
    given = data.model_dump(exclude_unset=isinstance(data, SchedulePatch), exclude_none=True)
    if "name" in given:
        _check_name_free(session, given["name"], schedule)
        schedule.name = given["name"]
    if "description" in given:
        schedule.description = given["description"]
    if "timezone" in given:
        schedule.timezone = check_zone(given["timezone"], "timezone")
    if data.layers is not None and "layers" in given:
        _set_layers(session, schedule, data.layers)
    session.flush()
    _emit(session, "updated", schedule)
    return schedule


def do_delete_schedule(*, session: Session, schedule: Schedule) -> None:
    """Escalation steps that named it lose that target (the database cascades)."""
    _emit(session, "deleted", schedule)
    session.delete(schedule)
    session.flush()


def check_override(*, session: Session, schedule: Schedule, data: OverrideIn) -> Person:
    """The person covering, once the times make sense and clash with no other override."""
    if data.ends_at <= data.starts_at:
        raise InvalidInput("ends_at", "must be after starts_at")
    person = session.scalar(select(Person).where(Person.email == data.person))
    if person is None or not person.active:
        raise InvalidInput("person", f"no active person with email {data.person!r}")
    existing = [Override(o.person_id, o.starts_at, o.ends_at) for o in schedule.overrides]
    clash = overlapping(existing, Override(person.id, data.starts_at, data.ends_at))
    if clash is not None:
        raise _overlap(schedule.overrides[existing.index(clash)])
    return person


def _overlap(other: ScheduleOverride) -> Conflict:
    """A 409 that names the fields as a 422 would, with the override in the way as ``current``."""
    why = (
        f"overlaps override {other.id} ({other.person.name}, {other.starts_at.isoformat()} "
        f"to {other.ends_at.isoformat()}); delete or shorten it first"
    )
    problem = Conflict(
        f"starts_at/ends_at: {why}", current=override_out(other).model_dump(mode="json")
    )
    problem.errors = [FieldError("starts_at", why), FieldError("ends_at", why)]
    return problem


def do_add_override(
    *, session: Session, schedule: Schedule, data: OverrideIn, actor: Actor | None, now: datetime
) -> ScheduleOverride:
    person = check_override(session=session, schedule=schedule, data=data)
    row = ScheduleOverride(
        person_id=person.id,
        person=person,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        note=data.note,
        created_by_id=actor.person_id if actor else None,
        created_at=now,
    )
    schedule.overrides.append(row)
    session.flush()
    _emit(session, "override_added", schedule, override=row.id, person=person.email)
    return row


def access_override(*, schedule: Schedule, override_id: int) -> ScheduleOverride:
    found = next((o for o in schedule.overrides if o.id == override_id), None)
    if found is None:
        raise NotFound(f"schedule {schedule.id} has no override {override_id}")
    return found


def do_delete_override(*, session: Session, schedule: Schedule, override: ScheduleOverride) -> None:
    schedule.overrides.remove(override)
    session.delete(override)
    session.flush()
    _emit(session, "override_deleted", schedule, override=override.id)


# --- presenting -------------------------------------------------------------------------------


def person_ref(person: Person) -> PersonRef:
    return PersonRef(id=person.id, name=person.name, email=person.email)


def override_out(row: ScheduleOverride) -> OverrideOut:
    return OverrideOut(
        id=row.id,
        person=person_ref(row.person),
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        note=row.note,
    )


def layer_out(row: ScheduleLayer) -> LayerOut:
    return LayerOut(
        name=row.name,
        rotation=Rotation(row.rotation),
        shift_seconds=row.shift_seconds,
        starts=row.starts_local,
        timezone=row.timezone,
        participants=[m.person.email for m in row.members],
        restrictions=[RestrictionIn.model_validate(r) for r in row.restrictions],
        ends_at=row.ends_at,
    )


def schedule_out(schedule: Schedule, now: datetime) -> ScheduleOut:
    return ScheduleOut(
        id=schedule.id,
        name=schedule.name,
        description=schedule.description,
        timezone=schedule.timezone,
        layers=[layer_out(layer) for layer in schedule.layers],
        overrides=[override_out(o) for o in schedule.overrides if o.ends_at > now],
        created_at=schedule.created_at,
    )
