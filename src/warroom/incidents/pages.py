"""Incident pages: the dashboard, the incident list and the declare form.

The war room of one incident is in ``pages_room``, checklists in ``pages_templates``.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageResponder, PageViewer
from warroom.access.service import Actor, list_people
from warroom.catalog.service import list_services
from warroom.errors import WarroomError
from warroom.incidents.declare import do_declare
from warroom.incidents.models import Incident
from warroom.incidents.rules import Kind, Severity, Status, format_ref
from warroom.incidents.schemas import IncidentCreate
from warroom.incidents.service import (
    IncidentFilter,
    commanders,
    held_roles,
    list_incidents,
)
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, form_errors, parse_local, render, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
STATUS_CHOICES = ("active", *(s.value for s in Status))
PAGE_SIZE = 50


@router.get("/")
def dashboard(request: Request, session: DbSession, actor: PageViewer) -> Response:
    wanted = IncidentFilter(statuses=("active",))
    active, _ = list_incidents(session=session, actor=actor, wanted=wanted, limit=500)
    groups = [(sev, [i for i in active if i.severity == sev.value]) for sev in Severity]
    context = {
        "actor": actor,
        "groups": [(sev, rows) for sev, rows in groups if rows],
        "active_count": len(active),
        "commanders": commanders(session=session, incident_ids=[i.id for i in active]),
        "mine": held_roles(session=session, person_id=actor.person_id),
        "stream": "/live/stream",
        "nav": "dashboard",
    }
    return render(request, "dashboard.html", context)


def _list_filter(args: dict[str, Any], tz: str, errors: dict[str, str]) -> IncidentFilter:
    """Unknown filter words become messages on the page, not a 422 body."""
    statuses = tuple(s for s in args["status"] if s in STATUS_CHOICES)
    if len(statuses) != len(args["status"]):
        errors["status"] = f"choose from {', '.join(STATUS_CHOICES)}"
    severities = tuple(Severity(s) for s in args["severity"] if s in Severity.__members__)
    kind = Kind(args["kind"]) if args["kind"] in Kind.__members__ else None
    since: datetime | None = None
    if args["since"]:
        try:
            day = datetime.fromisoformat(args["since"]).date()
            since = datetime.combine(day, time(), tzinfo=ZoneInfo(tz))
        except ValueError:
            errors["since"] = "use a date like 2026-11-23"
    return IncidentFilter(statuses, severities, kind, args["service"] or None, since)


@router.get("/incidents")
def incident_list(
    request: Request,
    session: DbSession,
    actor: PageViewer,
    status: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies query defaults
    severity: Annotated[list[str], Query()] = [],  # noqa: B006
    kind: str = "",
    service: str = "",
    since: str = "",
    cursor: str = "",
) -> Response:
    args: dict[str, Any] = {"status": status, "severity": severity, "kind": kind}
    args |= {"service": service, "since": since}
    errors: dict[str, str] = {}
    wanted = _list_filter(args, actor.timezone, errors)
    try:
        rows, nxt = list_incidents(
            session=session, actor=actor, wanted=wanted, cursor=cursor or None, limit=PAGE_SIZE
        )
    except WarroomError as exc:
        errors |= form_errors(exc)
        rows, nxt = [], None
    context = {
        "actor": actor,
        "rows": rows,
        "commanders": commanders(session=session, incident_ids=[i.id for i in rows]),
        "args": args,
        "errors": errors,
        "status_choices": STATUS_CHOICES,
        "services": list_services(session=session),
        "next_url": _page_url(args, nxt) if nxt else None,
        "first_url": _page_url(args, None) if cursor else None,
        "stream": "/live/stream",
        "nav": "incidents",
    }
    return render(request, "incidents.html", context)


def _page_url(args: dict[str, Any], cursor: str | None) -> str:
    pairs = [(k, v) for k, vs in args.items() for v in (vs if isinstance(vs, list) else [vs]) if v]
    if cursor:
        pairs.append(("cursor", cursor))
    return "/incidents" + (f"?{urlencode(pairs)}" if pairs else "")


def _declare_page(
    request: Request, session: Session, actor: Actor, extra: dict[str, Any], status: int = 200
) -> Response:
    context = {
        "actor": actor,
        "services": list_services(session=session),
        "people": list_people(session=session),
        "kinds": list(Kind),
        "nav": "incidents",
    }
    return render(request, "declare.html", context | extra, status)


@router.get("/incidents/new")
def declare_form(request: Request, session: DbSession, actor: PageResponder) -> Response:
    values = {"kind": Kind.service.value, "severity": "", "services": []}
    return _declare_page(request, session, actor, {"values": values})


@router.post("/incidents")
def declare(
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    title: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "service",
    severity: Annotated[str, Form()] = "",
    services: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies form defaults
    commander: Annotated[str, Form()] = "",
    started_at: Annotated[str, Form()] = "",
    restricted: Annotated[str, Form()] = "",
) -> Response:
    values: dict[str, Any] = {"title": title, "description": description, "kind": kind}
    values["restricted"] = restricted
    values |= {"severity": severity, "services": services, "commander": commander}
    values["started_at"] = started_at
    try:
        incident = _do_declare(session, actor, values, at)
    except (ValidationError, WarroomError) as exc:
        session.rollback()
        status = exc.status if isinstance(exc, WarroomError) else 422
        extra = {"values": values, "errors": form_errors(exc)}
        return _declare_page(request, session, actor, extra, status)
    ref = format_ref(incident.id)
    flash(request, f"{ref} declared as {incident.severity}. You are in the war room.")
    return see_other(f"/incidents/{ref}")


def _do_declare(session: Session, actor: Actor, values: dict[str, Any], at: datetime) -> Incident:
    data = IncidentCreate(
        title=values["title"],
        description=values["description"],
        kind=values["kind"],
        severity=values["severity"],
        services=values["services"],
        commander=values["commander"] or None,
        started_at=parse_local(values["started_at"], actor.timezone, "started_at"),
        restricted=values["restricted"] or None,
    )
    return do_declare(session=session, actor=actor, data=data, now=at)
