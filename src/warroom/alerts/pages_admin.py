"""Integration and maintenance-window pages. Everyone signed in reads them; managers create
and delete. A new integration's routing key is shown once, on the page that answers the
create form, and never again (only its digest is stored)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageManager, PageViewer
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.alerts import integrations as integ
from warroom.alerts import maintenance
from warroom.alerts.correlation_schemas import MaintenanceWindowIn
from warroom.alerts.models import Integration
from warroom.alerts.pages import alerts_page
from warroom.alerts.rules import IntegrationKind
from warroom.alerts.schemas import ENDPOINTS
from warroom.catalog.service import list_services
from warroom.errors import InvalidInput, WarroomError
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
KEY_PLACEHOLDER = "<routing key>"


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def sender_url(request: Request, kind: IntegrationKind, key: str = KEY_PLACEHOLDER) -> str:
    """Where the sender posts; a PagerDuty sender is given warroom's base URL instead."""
    if kind is IntegrationKind.pagerduty:
        return base_url(request)
    return base_url(request) + ENDPOINTS[kind].replace("{key}", key)


# --- integrations ----------------------------------------------------------------------------


def _integrations_page(
    request: Request, session: Session, actor: Actor, extra: dict[str, Any], status: int = 200
) -> Response:
    rows = integ.list_integrations(session=session)
    context = {
        "rows": [(row, sender_url(request, IntegrationKind(row.kind))) for row in rows],
        "kinds": [k.value for k in IntegrationKind],
        "services": list_services(session=session),
        "can_manage": actor.allows(Role.manager),
        "values": {"kind": IntegrationKind.alertmanager.value},
        "tab": "integrations",
    }
    return alerts_page(request, "integrations.html", actor, context | extra, status)


@router.get("/integrations")
def integration_list(request: Request, session: DbSession, actor: PageViewer) -> Response:
    return _integrations_page(request, session, actor, {})


@router.post("/integrations")
def create_integration(
    request: Request,
    session: DbSession,
    actor: PageManager,
    at: Now,
    kind: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    service: Annotated[str, Form()] = "",
    interval_minutes: Annotated[str, Form()] = "",
) -> Response:
    values = {"kind": kind, "name": name, "service": service, "interval_minutes": interval_minutes}
    try:
        row, key = _create(session, values, at)
    except WarroomError as exc:
        session.rollback()
        extra = {"values": values, "errors": form_errors(exc)}
        return _integrations_page(request, session, actor, extra, exc.status)
    context = {
        "row": row,
        "key": key,
        "url": sender_url(request, IntegrationKind(row.kind), key),
        "base": base_url(request),
        "tab": "integrations",
    }
    return alerts_page(request, "integration_created.html", actor, context)


def _create(session: Session, values: dict[str, str], at: datetime) -> tuple[Integration, str]:
    if values["kind"] not in IntegrationKind.__members__:
        raise InvalidInput("kind", "choose a kind of sender")
    if not values["name"].strip():
        raise InvalidInput("name", "give it a name people will recognise")
    kind = IntegrationKind(values["kind"])
    config: dict[str, Any] = {}
    minutes = values["interval_minutes"].strip()
    if kind is IntegrationKind.heartbeat and minutes:
        if not minutes.isdigit():
            raise InvalidInput("interval_minutes", "a whole number of minutes")
        config["interval_seconds"] = int(minutes) * 60
    return integ.do_create_integration(
        session=session,
        kind=kind,
        name=values["name"].strip()[:200],
        now=at,
        service=values["service"] or None,
        config=config,
    )


@router.post("/integrations/{integration_id}/delete")
def delete_integration(
    integration_id: int,
    request: Request,
    session: DbSession,
    actor: PageManager,  # noqa: ARG001 - enforces the role
) -> Response:
    row = integ.access_integration(session=session, integration_id=integration_id)
    name = row.name
    integ.do_delete_integration(session=session, integration_id=integration_id)
    flash(request, f"Integration {name} deleted; its routing key no longer works.")
    return see_other("/integrations")


# --- maintenance windows ---------------------------------------------------------------------


def _maintenance_page(
    request: Request,
    session: Session,
    actor: Actor,
    at: datetime,
    extra: dict[str, Any],
    status: int = 200,
) -> Response:
    windows = maintenance.list_windows(session=session, now=at, include_past=False)
    context = {
        "rows": [maintenance.window_out(w, at) for w in windows],
        "services": list_services(session=session),
        "can_manage": actor.allows(Role.manager),
        "values": {"starts_at": local_input(at, actor.timezone), "services": []},
        "tab": "maintenance",
    }
    return alerts_page(request, "maintenance.html", actor, context | extra, status)


@router.get("/maintenance")
def window_list(request: Request, session: DbSession, actor: PageViewer, at: Now) -> Response:
    return _maintenance_page(request, session, actor, at, {})


@router.post("/maintenance")
def create_window(
    request: Request,
    session: DbSession,
    actor: PageManager,
    at: Now,
    name: Annotated[str, Form()] = "",
    starts_at: Annotated[str, Form()] = "",
    ends_at: Annotated[str, Form()] = "",
    assets: Annotated[str, Form()] = "",
    services: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies form defaults
) -> Response:
    values: dict[str, Any] = {"name": name, "starts_at": starts_at, "ends_at": ends_at}
    values |= {"assets": assets, "services": services}
    try:
        data = MaintenanceWindowIn.model_validate(
            {
                "name": name,
                "starts_at": parse_local(starts_at, actor.timezone, "starts_at"),
                "ends_at": parse_local(ends_at, actor.timezone, "ends_at"),
                "assets": assets.replace(",", " ").split(),
                "services": services,
            }
        )
        window = maintenance.do_create_window(session=session, actor=actor, data=data)
    except (ValidationError, WarroomError) as exc:
        session.rollback()
        status = exc.status if isinstance(exc, WarroomError) else 422
        extra = {"values": values, "errors": form_errors(exc)}
        return _maintenance_page(request, session, actor, at, extra, status)
    flash(request, f"Maintenance window “{window.name}” saved: alerts it covers are expected.")
    return see_other("/maintenance")


@router.post("/maintenance/{window_id}/delete")
def delete_window(
    window_id: int,
    request: Request,
    session: DbSession,
    actor: PageManager,  # noqa: ARG001 - enforces the role
) -> Response:
    window = maintenance.access_window(session=session, window_id=window_id)
    name = window.name
    maintenance.do_delete_window(session=session, window=window)
    flash(request, f"Maintenance window “{name}” deleted.")
    return see_other("/maintenance")
