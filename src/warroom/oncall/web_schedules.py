"""Schedule pages: the list (managers create a one-layer schedule from a form), and one
schedule's next two weeks drawn as a strip, who is on call now, its overrides (managers add
and delete them) and its calendar feed. Layers beyond the first are edited through the API."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request, Response
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageManager, PageViewer
from warroom.access.service import Actor, list_people
from warroom.errors import Conflict, WarroomError
from warroom.oncall import schedules as svc
from warroom.oncall.feed_api import feed_url
from warroom.oncall.models import Schedule
from warroom.oncall.oncall import access_schedule, layer_of
from warroom.oncall.schedule_queries import list_shifts, on_call_out
from warroom.oncall.schedule_rules import Rotation, layer_shifts
from warroom.oncall.schedule_schemas import OverrideIn, ScheduleIn, ShiftOut
from warroom.oncall.strip_svg import Span, StripRow, strip_svg
from warroom.oncall.web_pages import oncall_page
from warroom.web.csrf import check_csrf
from warroom.web.render import (
    PageRoute,
    flash,
    form_errors,
    local_input,
    parse_local,
    see_other,
)

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
SHOWN_DAYS = 14
NEW_FIELDS = ("participants", "starts", "rotation", "timezone", "name", "description")
OVERRIDE_FIELDS = ("person", "starts_at", "ends_at", "note")


def field_of(key: str, fields: tuple[str, ...]) -> str:
    """The form field a service's error key (``layers[0].participants[1]``) belongs to."""
    return next((f for f in fields if f in key), "form")


def errors_for(exc: ValidationError | WarroomError, fields: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, text in form_errors(exc).items():
        found.setdefault(field_of(key, fields), text)
    return found


def _status(exc: ValidationError | WarroomError) -> int:
    return exc.status if isinstance(exc, WarroomError) else 422


# --- the list -------------------------------------------------------------------------------


def _list_page(
    request: Request,
    session: Session,
    actor: Actor,
    at: datetime,
    extra: dict[str, Any],
    status: int = 200,
) -> Response:
    rows = [
        (s, on_call_out(session=session, schedule=s, at=at))
        for s in svc.list_schedules(session=session)
    ]
    context = {
        "rows": rows,
        "people": list_people(session=session),
        "rotations": [r.value for r in Rotation if r is not Rotation.custom],
        "values": {"timezone": actor.timezone, "rotation": "weekly"},
        "tab": "schedules",
    }
    return oncall_page(request, "schedules.html", actor, context | extra, status)


@router.get("/schedules")
def schedule_list(request: Request, session: DbSession, actor: PageViewer, at: Now) -> Response:
    return _list_page(request, session, actor, at, {})


def _new_schedule(values: dict[str, str]) -> ScheduleIn:
    emails = values["participants"].replace(",", " ").split()
    layer = {
        "name": "main",
        "rotation": values["rotation"],
        "starts": values["starts"],
        "participants": emails,
    }
    return ScheduleIn.model_validate(
        {
            "name": values["name"],
            "description": values["description"],
            "timezone": values["timezone"] or "UTC",
            "layers": [layer],
        }
    )


@router.post("/schedules")
def create_schedule(
    request: Request,
    session: DbSession,
    actor: PageManager,
    at: Now,
    name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    timezone: Annotated[str, Form()] = "",
    rotation: Annotated[str, Form()] = "weekly",
    starts: Annotated[str, Form()] = "",
    participants: Annotated[str, Form()] = "",
) -> Response:
    values = {"name": name, "description": description, "timezone": timezone.strip()}
    values |= {"rotation": rotation, "starts": starts, "participants": participants}
    try:
        made = svc.do_create_schedule(session=session, data=_new_schedule(values), now=at)
    except (ValidationError, WarroomError) as exc:
        session.rollback()
        extra = {"values": values, "errors": errors_for(exc, NEW_FIELDS)}
        return _list_page(request, session, actor, at, extra, _status(exc))
    flash(request, f"Schedule “{made.name}” created.")
    return see_other(f"/schedules/{made.id}")


# --- one schedule ---------------------------------------------------------------------------


def shown_range(at: datetime, tz: str) -> tuple[datetime, datetime]:
    """From the start of the viewer's today, two weeks on."""
    zone = ZoneInfo(tz)
    start = at.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=SHOWN_DAYS)


def strip_rows(
    schedule: Schedule, final: list[ShiftOut], span: tuple[datetime, datetime]
) -> list[StripRow]:
    """A row per layer (its own rotation, restrictions applied), the overrides, then the
    final row: what actually pages, which is what the rows above resolve to."""
    start, end = span
    rows = []
    for layer in schedule.layers:
        names = {m.person_id: m.person.name for m in layer.members}
        shifts = layer_shifts(layer_of(layer), start, end)
        rows.append(
            StripRow(layer.name, [Span(names[s.person_id], s.starts_at, s.ends_at) for s in shifts])
        )
    overrides = [
        Span(o.person.name, o.starts_at, o.ends_at)
        for o in schedule.overrides
        if o.ends_at > start and o.starts_at < end
    ]
    if overrides:
        rows.append(StripRow("overrides", overrides))
    final_spans = [Span(s.person.name, s.starts_at, s.ends_at) for s in final]
    return [*rows, StripRow("final", final_spans, final=True)]


def _schedule_page(
    request: Request,
    session: Session,
    actor: Actor,
    schedule: Schedule,
    at: datetime,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    span = shown_range(at, actor.timezone)
    final = list_shifts(session=session, schedule=schedule, start=span[0], end=span[1])
    title = f"{schedule.name}: who is on call, {SHOWN_DAYS} days from today"
    rows = strip_rows(schedule, final, span)
    picture = strip_svg(rows, span, ZoneInfo(actor.timezone), title, now=at)
    context = {
        "schedule": schedule,
        "now": on_call_out(session=session, schedule=schedule, at=at),
        "strip": Markup(picture),  # noqa: S704 - every text in strip_svg is escaped
        "shifts": final,
        "overrides": [o for o in schedule.overrides if o.ends_at > at],
        "people": list_people(session=session),
        "values": {"starts_at": local_input(at, actor.timezone)},
        "days": SHOWN_DAYS,
        "tab": "schedules",
        "page_url": f"/schedules/{schedule.id}",
        "feed": feed_url(request, "schedule", schedule.id),
    }
    return oncall_page(request, "schedule.html", actor, context | (extra or {}), status)


@router.get("/schedules/{schedule_id}")
def schedule_detail(
    schedule_id: int, request: Request, session: DbSession, actor: PageViewer, at: Now
) -> Response:
    schedule = access_schedule(session=session, schedule_id=schedule_id)
    return _schedule_page(request, session, actor, schedule, at)


def _override_in(values: dict[str, str], tz: str) -> OverrideIn:
    return OverrideIn.model_validate(
        {
            "person": values["person"],
            "starts_at": parse_local(values["starts_at"], tz, "starts_at"),
            "ends_at": parse_local(values["ends_at"], tz, "ends_at"),
            "note": values["note"],
        }
    )


def _override_errors(exc: ValidationError | WarroomError) -> dict[str, str]:
    """An overlap is told beside the start field, where the fix is made."""
    if isinstance(exc, Conflict):
        return {"starts_at": exc.detail.removeprefix("starts_at/ends_at: ")}
    return errors_for(exc, OVERRIDE_FIELDS)


@router.post("/schedules/{schedule_id}/overrides")
def add_override(
    schedule_id: int,
    request: Request,
    session: DbSession,
    actor: PageManager,
    at: Now,
    person: Annotated[str, Form()] = "",
    starts_at: Annotated[str, Form()] = "",
    ends_at: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    schedule = access_schedule(session=session, schedule_id=schedule_id)
    values = {"person": person, "starts_at": starts_at, "ends_at": ends_at, "note": note}
    try:
        data = _override_in(values, actor.timezone)
        row = svc.do_add_override(
            session=session, schedule=schedule, data=data, actor=actor, now=at
        )
    except (ValidationError, WarroomError) as exc:
        session.rollback()
        extra = {"values": values, "errors": _override_errors(exc)}
        schedule = access_schedule(session=session, schedule_id=schedule_id)
        return _schedule_page(request, session, actor, schedule, at, extra, _status(exc))
    flash(request, f"Override added: {row.person.name} covers {schedule.name}.")
    return see_other(f"/schedules/{schedule.id}#overrides")


@router.post("/schedules/{schedule_id}/overrides/{override_id}/delete")
def delete_override(
    schedule_id: int,
    override_id: int,
    request: Request,
    session: DbSession,
    actor: PageManager,  # noqa: ARG001 - enforces the role
) -> Response:
    schedule = access_schedule(session=session, schedule_id=schedule_id)
    row = svc.access_override(schedule=schedule, override_id=override_id)
    name = row.person.name
    svc.do_delete_override(session=session, schedule=schedule, override=row)
    flash(request, f"Override of {name} deleted.")
    return see_other(f"/schedules/{schedule.id}#overrides")


@router.post("/schedules/{schedule_id}/delete")
def delete_schedule(
    schedule_id: int,
    request: Request,
    session: DbSession,
    actor: PageManager,  # noqa: ARG001 - enforces the role
) -> Response:
    schedule = access_schedule(session=session, schedule_id=schedule_id)
    name = schedule.name
    svc.do_delete_schedule(session=session, schedule=schedule)
    flash(request, f"Schedule “{name}” deleted; escalation steps that named it lost that target.")
    return see_other("/schedules")
