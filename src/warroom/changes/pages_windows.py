"""The calendar's windows: freezes (no changes) and maintenance windows (when changes should
happen, and alerts from their scope are expected), each possibly repeating by an RFC 5545
rule. Everyone signed in reads them; ``windows.check_may_edit`` says who sets and lifts them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageResponder, PageViewer
from warroom.access.service import Actor
from warroom.catalog.service import list_services
from warroom.changes import windows
from warroom.changes.pages import changes_page, field_errors, required_time, status_of, words
from warroom.changes.schemas import WindowIn
from warroom.errors import PermissionDenied, WarroomError
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, local_input, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
KINDS = ("maintenance", "freeze")


def _windows_page(
    request: Request,
    session: Session,
    actor: Actor,
    at: datetime,
    extra: dict[str, Any],
    status: int = 200,
) -> Response:
    rows = windows.list_windows(session=session, now=at)
    allowed = {kind: may_edit(actor, kind) for kind in KINDS}
    context = {
        "rows": [(w, windows.window_out(w, at)) for w in rows],
        "services": list_services(session=session),
        "kinds": KINDS,
        "values": {"kind": "maintenance", "starts_at": local_input(at, actor.timezone)},
        "may_edit": allowed,
        "may_edit_any": any(allowed.values()),
        "tab": "windows",
    }
    return changes_page(request, "windows.html", actor, context | extra, status)


def may_edit(actor: Actor, kind: str) -> bool:
    """Asks the API's own check, so the page offers exactly what the service accepts."""
    try:
        windows.check_may_edit(actor, kind)
    except PermissionDenied:
        return False
    return True


@router.get("/windows")
def window_list(request: Request, session: DbSession, actor: PageViewer, at: Now) -> Response:
    return _windows_page(request, session, actor, at, {})


def window_in(values: dict[str, Any], tz: str) -> WindowIn:
    return WindowIn.model_validate(
        {
            "name": values["name"],
            "kind": values["kind"],
            "starts_at": required_time(values["starts_at"], tz, "starts_at"),
            "ends_at": required_time(values["ends_at"], tz, "ends_at"),
            "services": values["services"],
            "assets": words(values["assets"]),
            "rrule": values["rrule"].strip() or None,
            "reason": values["reason"],
        }
    )


@router.post("/windows")
def create_window(
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "maintenance",
    starts_at: Annotated[str, Form()] = "",
    ends_at: Annotated[str, Form()] = "",
    services: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies form defaults
    assets: Annotated[str, Form()] = "",
    rrule: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    values: dict[str, Any] = {"name": name, "kind": kind, "starts_at": starts_at}
    values |= {"ends_at": ends_at, "services": services, "assets": assets}
    values |= {"rrule": rrule, "reason": reason}
    windows.check_may_edit(actor, kind)  # an error page: the form is not offered to them
    try:
        data = window_in(values, actor.timezone)
        window = windows.do_create_window(session=session, actor=actor, data=data, now=at)
    except (ValidationError, WarroomError) as exc:
        session.rollback()
        extra = {"values": values, "errors": field_errors(exc)}
        return _windows_page(request, session, actor, at, extra, status_of(exc))
    what = "Freeze" if window.kind == "freeze" else "Maintenance window"
    flash(request, f"{what} “{window.name}” saved.")
    return see_other("/windows")


@router.post("/windows/{window_id:int}/delete")
def delete_window(
    window_id: int, request: Request, session: DbSession, actor: PageResponder, at: Now
) -> Response:
    window = windows.access_window(session=session, window_id=window_id)
    windows.check_may_edit(actor, window.kind)
    name = window.name
    windows.do_delete_window(session=session, window=window, now=at)
    flash(request, f"“{name}” deleted.")
    return see_other("/windows")
