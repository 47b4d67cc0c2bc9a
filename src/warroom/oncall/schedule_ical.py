"""Schedules as iCalendar (RFC 5545): feeds of the final shifts that calendar clients can
subscribe to, and an import that turns a calendar's events into overrides (holiday swaps
planned in someone's calendar)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress
from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.access.service import Actor
from warroom.errors import Conflict, InvalidInput
from warroom.oncall.models import Schedule
from warroom.oncall.oncall import spec_of
from warroom.oncall.schedule_queries import shifts_out
from warroom.oncall.schedule_rules import final_shifts
from warroom.oncall.schedule_schemas import ImportOut, OverrideIn, ShiftOut, SkippedEvent
from warroom.oncall.schedules import do_add_override, list_schedules, override_out

# A feed starts well before now so the shift running now is read whole, and on a fixed grid
# so that start, and with it every event's UID, stays the same from one fetch to the next.
EPOCH = datetime(1970, 1, 5, tzinfo=UTC)  # a Monday
GRID = timedelta(days=28)
LOOKBACK = timedelta(days=31)
PRODID = "-//warroom//on-call schedules//EN"


def feed_start(schedules: Sequence[Schedule], now: datetime) -> datetime:
    longest = max((layer.shift_seconds for s in schedules for layer in s.layers), default=0)
    back = now - max(LOOKBACK, timedelta(seconds=longest) + timedelta(days=1))
    return EPOCH + ((back - EPOCH) // GRID) * GRID


def shift_uid(schedule: Schedule, shift: ShiftOut) -> str:
    """Final shifts of one schedule never overlap: schedule, person and start name one."""
    return f"shift-{schedule.id}-{shift.person.id}-{shift.starts_at:%Y%m%dT%H%M%SZ}@warroom"


def _event(schedule: Schedule, shift: ShiftOut, now: datetime) -> Event:
    event = Event()
    event.add("uid", shift_uid(schedule, shift))
    event.add("dtstamp", now)
    event.add("dtstart", shift.starts_at.astimezone(UTC))
    event.add("dtend", shift.ends_at.astimezone(UTC))
    event.add("summary", f"On call: {shift.person.name} ({schedule.name})")
    source = shift.layer or "override"
    event.add("description", f"{shift.person.name} is on call for {schedule.name} ({source}).")
    attendee = vCalAddress(f"mailto:{shift.person.email}")
    attendee.params["cn"] = shift.person.name
    event.add("attendee", attendee)
    event.add("transp", "TRANSPARENT")  # being on call does not make one busy
    return event


def _events(
    session: Session,
    schedule: Schedule,
    span: tuple[datetime, datetime, datetime],
    person_id: int | None = None,
) -> list[Event]:
    start, now, until = span
    shifts = [
        s
        for s in final_shifts(spec_of(schedule), start, until)
        if s.ends_at > now and person_id in (None, s.person_id)
    ]
    return [_event(schedule, shift, now) for shift in shifts_out(session, schedule, shifts)]


def _calendar(name: str, events: Sequence[Event]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def schedule_calendar(
    *, session: Session, schedule: Schedule, now: datetime, until: datetime
) -> bytes:
    span = (feed_start([schedule], now), now, until)
    return _calendar(f"On call: {schedule.name}", _events(session, schedule, span))


def person_calendar(*, session: Session, person: Person, now: datetime, until: datetime) -> bytes:
    every = list_schedules(session=session)
    span = (feed_start(every, now), now, until)
    events = [e for s in every for e in _events(session, s, span, person.id)]
    return _calendar(f"On call: {person.name}", events)


# --- import -----------------------------------------------------------------------------------


class _Skip(Exception):
    """An event that cannot become an override, and why."""


def _parse(text: bytes) -> Calendar:
    try:
        return Calendar.from_ical(text)
    except ValueError as exc:
        raise InvalidInput("body", f"not an iCalendar document: {exc}") from None


def _mail(value: Any) -> str:
    text = str(value).strip()
    return text[7:].lower() if text.lower().startswith("mailto:") else text.lower()


def _named(event: Event, people: Sequence[Person]) -> Person:
    """The attendee or organiser we know by email, else the one person the summary names."""
    by_email = {p.email: p for p in people}
    addresses = event.get("attendee", [])
    addresses = addresses if isinstance(addresses, list) else [addresses]
    for value in [*addresses, event.get("organizer")]:
        if value is not None and _mail(value) in by_email:
            return by_email[_mail(value)]
    summary = str(event.get("summary", "")).lower()
    named = {p for p in people if p.name.lower() in summary or p.email in summary}
    if len(named) == 1:
        return named.pop()
    if named:
        raise _Skip("the summary names more than one person")
    raise _Skip("names no known person (attendee, organiser or summary)")


def _moment(value: date | datetime, zone: ZoneInfo) -> datetime:
    """All-day dates start at midnight, and floating times are read, in the schedule's zone."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)


def _times(event: Event, zone: ZoneInfo) -> tuple[datetime, datetime]:
    if "rrule" in event:
        raise _Skip("repeating events are not imported; add each occurrence on its own")
    if "dtstart" not in event:
        raise _Skip("has no start")
    start = event.decoded("dtstart")
    if "dtend" in event:
        end = _moment(event.decoded("dtend"), zone)
    elif "duration" in event:
        end = _moment(start, zone) + event.decoded("duration")
    else:
        raise _Skip("has no end or duration")
    return _moment(start, zone), end


def _override_of(event: Event, people: Sequence[Person], zone: ZoneInfo) -> OverrideIn:
    person = _named(event, people)
    start, end = _times(event, zone)
    if end <= start:
        raise _Skip("ends before it starts")
    note = f"imported: {event.get('summary', '')}".strip()[:500]
    return OverrideIn(person=person.email, starts_at=start, ends_at=end, note=note)


def do_import_calendar(
    *, session: Session, schedule: Schedule, text: bytes, actor: Actor | None, now: datetime
) -> ImportOut:
    """Every event naming a known person becomes an override of ``schedule``, unless it
    overlaps one already there (or one imported before it); the rest are reported."""
    calendar = _parse(text)
    people = list(session.scalars(select(Person).where(Person.active.is_(True))))
    zone = ZoneInfo(schedule.timezone)
    result = ImportOut(imported=0, overrides=[], skipped=[])
    for event in calendar.events:
        uid, summary = str(event.get("uid", "")), str(event.get("summary", ""))
        try:
            data = _override_of(event, people, zone)
            row = do_add_override(
                session=session, schedule=schedule, data=data, actor=actor, now=now
            )
        except (_Skip, Conflict, InvalidInput) as exc:
            reason = exc.detail if isinstance(exc, Conflict | InvalidInput) else str(exc)
            result.skipped.append(SkippedEvent(uid=uid, summary=summary, reason=reason))
            continue
        result.overrides.append(override_out(row))
    result.imported = len(result.overrides)
    return result
