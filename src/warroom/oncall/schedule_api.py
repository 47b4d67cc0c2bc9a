"""JSON routes for schedules, their overrides, who is on call, and calendar feeds. Schedules
decide who is woken at night, so writing them needs a manager; reading is for everyone signed
in. The feeds take the same bearer token as every other route."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response

from warroom.access.deps import DbSession, Manager, Now, Viewer
from warroom.access.models import Person
from warroom.catalog.service import access_service
from warroom.errors import NotFound
from warroom.oncall import schedule_ical, schedule_queries, schedules
from warroom.oncall.schedule_schemas import (
    GapOut,
    ImportOut,
    OnCallBoard,
    OnCallOut,
    OverrideIn,
    OverrideOut,
    ScheduleIn,
    ScheduleOut,
    SchedulePatch,
    ShiftOut,
)

router = APIRouter(prefix="/api/v1", tags=["schedules"])
CALENDAR = "text/calendar; charset=utf-8"
Weeks = Annotated[int, Query(ge=1, le=52, description="How many weeks ahead")]


@router.get("/schedules", response_model=list[ScheduleOut])
def list_schedules(session: DbSession, actor: Viewer, at: Now) -> list[ScheduleOut]:
    """By name."""
    return [schedules.schedule_out(s, at) for s in schedules.list_schedules(session=session)]


@router.post("/schedules", status_code=201, response_model=ScheduleOut)
def create_schedule(body: ScheduleIn, session: DbSession, actor: Manager, at: Now) -> ScheduleOut:
    made = schedules.do_create_schedule(session=session, data=body, now=at)
    return schedules.schedule_out(made, at)


# Before ``/schedules/{schedule_id}``, which would otherwise take "7.ics" for an id.
@router.get(
    "/schedules/{schedule_id}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def schedule_calendar(
    schedule_id: int, session: DbSession, actor: Viewer, at: Now, weeks: Weeks = 8
) -> Response:
    """The final shifts from now to ``weeks`` ahead as iCalendar events, one per shift."""
    schedule = schedules.access_schedule(session=session, schedule_id=schedule_id)
    body = schedule_ical.schedule_calendar(
        session=session, schedule=schedule, now=at, until=at + timedelta(weeks=weeks)
    )
    return _calendar(body, f"schedule-{schedule_id}.ics")


def _calendar(body: bytes, filename: str) -> Response:
    # ``inline``: a calendar client subscribes; a browser offers to open it in the calendar.
    disposition = {"Content-Disposition": f'inline; filename="{filename}"'}
    return Response(body, media_type=CALENDAR, headers=disposition)


@router.get("/schedules/{schedule_id}", response_model=ScheduleOut)
def show_schedule(schedule_id: int, session: DbSession, actor: Viewer, at: Now) -> ScheduleOut:
    schedule = schedules.access_schedule(session=session, schedule_id=schedule_id)
    return schedules.schedule_out(schedule, at)


@router.put("/schedules/{schedule_id}", response_model=ScheduleOut)
def replace_schedule(
    schedule_id: int, body: ScheduleIn, session: DbSession, actor: Manager, at: Now
) -> ScheduleOut:
    schedule = schedules.access_schedule(session=session, schedule_id=schedule_id)
    schedules.do_update_schedule(session=session, schedule=schedule, data=body)
    return schedules.schedule_out(schedule, at)


@router.patch("/schedules/{schedule_id}", response_model=ScheduleOut)
def patch_schedule(
    schedule_id: int, body: SchedulePatch, session: DbSession, actor: Manager, at: Now
) -> ScheduleOut:
    """Only the fields given change; ``layers``, when given, replaces them all."""
    schedule = schedules.access_schedule(session=session, schedule_id=schedule_id)
    schedules.do_update_schedule(session=session, schedule=schedule, data=body)
    return schedules.schedule_out(schedule, at)


@router.delete("/schedules/{schedule_id}", status_code=204)
def delete_schedule(schedule_id: int, session: DbSession, actor: Manager) -> Response:
    schedule = schedules.access_schedule(session=session, schedule_id=schedule_id)
    schedules.do_delete_schedule(session=session, schedule=schedule)
    return Response(status_code=204)


@router.get("/schedules/{schedule_id}/on-call", response_model=OnCallOut)
def schedule_on_call(
    schedule_id: int, session: DbSession, actor: Viewer, now: Now, at: datetime | None = None
) -> OnCallOut:
    """Who the schedule pages at ``at`` (default now); ``person`` is null in a gap."""
    schedule = schedules.access_schedule(session=session, schedule_id=schedule_id)
    when = schedule_queries.aware(at, "at") if at else now
    return schedule_queries.on_call_out(session=session, schedule=schedule, at=when)


@router.get("/schedules/{schedule_id}/shifts", response_model=list[ShiftOut])
def schedule_shifts(
    schedule_id: int, start: datetime, end: datetime, session: DbSession, actor: Viewer
) -> list[ShiftOut]:
    """The final shifts over [start, end), at most 90 days: who pages, from which layer or
    override."""
    schedule = schedules.access_schedule(session=session, schedule_id=schedule_id)
    return schedule_queries.list_shifts(session=session, schedule=schedule, start=start, end=end)


@router.get("/schedules/{schedule_id}/gaps", response_model=list[GapOut])
def schedule_gaps(
    schedule_id: int, start: datetime, end: datetime, session: DbSession, actor: Viewer
) -> list[GapOut]:
    """When nobody is on call over [start, end), at most 90 days."""
    schedule = schedules.access_schedule(session=session, schedule_id=schedule_id)
    return schedule_queries.list_gaps(schedule=schedule, start=start, end=end)


@router.post("/schedules/{schedule_id}/overrides", status_code=201, response_model=OverrideOut)
def add_override(
    schedule_id: int, body: OverrideIn, session: DbSession, actor: Manager, at: Now
) -> OverrideOut:
    """``person`` covers the whole schedule from ``starts_at`` to ``ends_at``; 409 when it
    overlaps another override of this schedule."""
    schedule = schedules.access_schedule(session=session, schedule_id=schedule_id)
    row = schedules.do_add_override(
        session=session, schedule=schedule, data=body, actor=actor, now=at
    )
    return schedules.override_out(row)


@router.delete("/schedules/{schedule_id}/overrides/{override_id}", status_code=204)
def delete_override(
    schedule_id: int, override_id: int, session: DbSession, actor: Manager
) -> Response:
    schedule = schedules.access_schedule(session=session, schedule_id=schedule_id)
    row = schedules.access_override(schedule=schedule, override_id=override_id)
    schedules.do_delete_override(session=session, schedule=schedule, override=row)
    return Response(status_code=204)


@router.post(
    "/schedules/{schedule_id}/import-ics",
    response_model=ImportOut,
)
def import_calendar(
    schedule_id: int,
    body: Annotated[bytes, Body(media_type="text/calendar")],
    session: DbSession,
    actor: Manager,
    at: Now,
) -> ImportOut:
    """Each event naming a known person (attendee or organiser email, or the summary) becomes
    an override; the others are listed with the reason they were skipped."""
    schedule = schedules.access_schedule(session=session, schedule_id=schedule_id)
    return schedule_ical.do_import_calendar(
        session=session, schedule=schedule, text=body, actor=actor, now=at
    )


@router.get("/on-call", response_model=OnCallBoard)
def on_call(
    session: DbSession,
    actor: Viewer,
    now: Now,
    service: Annotated[str | None, Query(description="Only this service, by name")] = None,
    at: datetime | None = None,
) -> OnCallBoard:
    """Who is on call at ``at`` (default now): on every schedule and for every service with an
    escalation policy, or for one service (whom its policy's first step pages)."""
    when = schedule_queries.aware(at, "at") if at else now
    found = access_service(session=session, name=service) if service else None
    return schedule_queries.on_call_board(session=session, at=when, service=found)


@router.get(
    "/people/{person_id}/on-call.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def person_calendar(
    person_id: int, session: DbSession, actor: Viewer, at: Now, weeks: Weeks = 8
) -> Response:
    """One person's shifts on every schedule, from now to ``weeks`` ahead."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id}")
    body = schedule_ical.person_calendar(
        session=session, person=person, now=at, until=at + timedelta(weeks=weeks)
    )
    return _calendar(body, f"on-call-{person_id}.ics")
