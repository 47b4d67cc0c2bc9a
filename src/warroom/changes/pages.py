"""Change pages: the list with its filters, the new-change form, and the section's shared page
helper and rows (a change with the worst of its conflicts).

One change's page and its actions are in ``pages_change``; the calendar and the windows in
``pages_calendar`` and ``pages_windows``; the war room's panels in ``pages_room``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageResponder, PageViewer
from warroom.access.rules import Role
from warroom.access.service import Actor, list_people
from warroom.catalog.service import list_services
from warroom.changes import save
from warroom.changes.conflicts import stored
from warroom.changes.models import Change, ChangeConflict
from warroom.changes.present import SEVERITY_ORDER
from warroom.changes.rules import ChangeState, ChangeType, Risk
from warroom.changes.schemas import ChangeCreate
from warroom.changes.service import ChangeFilter, format_change, list_changes
from warroom.errors import InvalidInput, WarroomError
from warroom.web.csrf import check_csrf
from warroom.web.render import (
    PageRoute,
    flash,
    form_errors,
    label,
    local_input,
    parse_local,
    render,
    see_other,
)

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
TABS = (
    ("list", "Changes", "/changes"),
    ("calendar", "Calendar", "/changes/calendar"),
    ("windows", "Freezes and maintenance", "/windows"),
)
WHEN = ("upcoming", "recent", "all")
RECENT = timedelta(days=30)
LIST_LIMIT = 300
# A new change starts on the next whole hour and takes one, until someone says otherwise.
DEFAULT_LENGTH = timedelta(hours=1)


def changes_page(
    request: Request, template: str, actor: Actor, context: dict[str, Any], status: int = 200
) -> Response:
    """Every change page: the nav entry, the section tabs and who may act."""
    base = {
        "actor": actor,
        "nav": "changes",
        "tabs": TABS,
        "can_act": actor.allows(Role.responder),
        "can_manage": actor.allows(Role.manager),
    }
    return render(request, f"changes/{template}", base | context, status)


def field_errors(exc: ValidationError | WarroomError) -> dict[str, str]:
    """Field → message; ``services.2`` (a list item) is told beside ``services``."""
    found: dict[str, str] = {}
    for key, text in form_errors(exc).items():
        found.setdefault(key.split(".", 1)[0], text)
    return found


def status_of(exc: ValidationError | WarroomError) -> int:
    return exc.status if isinstance(exc, WarroomError) else 422


def words(text: str) -> list[str]:
    """Names typed into one box, separated by spaces, commas or lines."""
    return text.replace(",", " ").split()


# --- rows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    change: Change
    conflicts: list[ChangeConflict]

    @property
    def ref(self) -> str:
        return format_change(self.change.id)

    @property
    def worst(self) -> str | None:
        """The most severe conflict kept on the change: the badge beside it."""
        ranked = sorted(self.conflicts, key=lambda c: SEVERITY_ORDER.get(c.severity, 9))
        return ranked[0].severity if ranked else None


def change_rows(session: Session, changes: list[Change]) -> list[ChangeRow]:
    kept = stored(session=session, change_ids=[c.id for c in changes])
    return [ChangeRow(c, kept[c.id]) for c in changes]


# --- the list ---------------------------------------------------------------------------------


def list_filter(args: dict[str, Any], at: datetime, errors: dict[str, str]) -> ChangeFilter:
    """Unknown filter words become messages on the page, not a 422 body."""
    states = tuple(s for s in args["state"] if s in ChangeState.__members__)
    if len(states) != len(args["state"]):
        errors["state"] = f"choose from {', '.join(s.value for s in ChangeState)}"
    types = tuple(t for t in args["type"] if t in ChangeType.__members__)
    if len(types) != len(args["type"]):
        errors["type"] = f"choose from {', '.join(t.value for t in ChangeType)}"
    if args["when"] not in WHEN:
        errors["when"] = f"choose from {', '.join(WHEN)}"
    if args["when"] == "recent":
        return ChangeFilter(states, types, since=at - RECENT, until=at, limit=LIST_LIMIT)
    if args["when"] == "all":
        return ChangeFilter(states, types, limit=LIST_LIMIT)
    return ChangeFilter(states, types, since=at, limit=LIST_LIMIT)


@router.get("/changes")
def change_list(
    request: Request,
    session: DbSession,
    actor: PageViewer,
    at: Now,
    state: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies query defaults
    type: Annotated[list[str], Query()] = [],  # noqa: B006 - the field's name
    when: str = "upcoming",
) -> Response:
    args: dict[str, Any] = {"state": state, "type": type, "when": when}
    errors: dict[str, str] = {}
    rows = change_rows(session, list_changes(session=session, wanted=list_filter(args, at, errors)))
    if when == "recent":
        rows.reverse()  # the latest first: they are the ones an incident asks about
    context = {
        "rows": rows,
        "args": args,
        "errors": errors,
        "states": list(ChangeState),
        "types": list(ChangeType),
        "when_choices": WHEN,
        "tab": "list",
    }
    return changes_page(request, "list.html", actor, context)


# --- a new change -----------------------------------------------------------------------------


def _form_page(
    request: Request,
    session: Session,
    actor: Actor,
    extra: dict[str, Any],
    status: int = 200,
) -> Response:
    context = {
        "services": list_services(session=session),
        "people": list_people(session=session),
        "types": list(ChangeType),
        "risks": list(Risk),
        "tab": "new",
    }
    return changes_page(request, "form.html", actor, context | extra, status)


def default_values(at: datetime, tz: str) -> dict[str, Any]:
    start = at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return {
        "type": ChangeType.normal.value,
        "risk": "",
        "services": [],
        "planned_start": local_input(start, tz),
        "planned_end": local_input(start + DEFAULT_LENGTH, tz),
    }


@router.get("/changes/new")
def new_change(request: Request, session: DbSession, actor: PageResponder, at: Now) -> Response:
    return _form_page(request, session, actor, {"values": default_values(at, actor.timezone)})


def required_time(value: str, tz: str, field: str) -> datetime:
    found = parse_local(value, tz, field)
    if found is None:
        raise InvalidInput(field, "say when (your time zone)")
    return found


def change_in(values: dict[str, Any], tz: str) -> ChangeCreate:
    """The form's values as the API's body: the same checks, the same messages."""
    return ChangeCreate.model_validate(
        {
            "title": values["title"],
            "type": values["type"],
            "planned_start": required_time(values["planned_start"], tz, "planned_start"),
            "planned_end": required_time(values["planned_end"], tz, "planned_end"),
            "services": values["services"],
            "assets": words(values["assets"]),
            "description": values["description"],
            "backout_plan": values["backout_plan"],
            # Empty: take the suggestion computed from the scope once it is known.
            "risk": values["risk"] or None,
            "reboot_required": bool(values["reboot_required"]),
            "implementer": values["implementer"] or None,
            "authority": values["authority"] or None,
            "incident": values["incident"].strip() or None,
            "submit": bool(values["submit"]),
        }
    )


@router.post("/changes")
def create_change(
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    title: Annotated[str, Form()] = "",
    type: Annotated[str, Form()] = "normal",
    planned_start: Annotated[str, Form()] = "",
    planned_end: Annotated[str, Form()] = "",
    services: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies form defaults
    assets: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    backout_plan: Annotated[str, Form()] = "",
    risk: Annotated[str, Form()] = "",
    reboot_required: Annotated[str, Form()] = "",
    implementer: Annotated[str, Form()] = "",
    authority: Annotated[str, Form()] = "",
    incident: Annotated[str, Form()] = "",
    submit: Annotated[str, Form()] = "",
) -> Response:
    values: dict[str, Any] = {"title": title, "type": type, "services": services}
    values |= {"planned_start": planned_start, "planned_end": planned_end, "assets": assets}
    values |= {"description": description, "backout_plan": backout_plan, "risk": risk}
    values |= {"reboot_required": reboot_required, "implementer": implementer}
    values |= {"authority": authority, "incident": incident, "submit": submit}
    try:
        data = change_in(values, actor.timezone)
        change = save.do_new_change(session=session, actor=actor, data=data, now=at)
    except (ValidationError, WarroomError) as exc:
        session.rollback()  # nothing half-written: not the change, not its log
        extra = {"values": values, "errors": field_errors(exc)}
        return _form_page(request, session, actor, extra, status_of(exc))
    flash(request, f"{format_change(change.id)} saved: {label(change.state).lower()}.")
    return see_other(f"/changes/{change.id}")
