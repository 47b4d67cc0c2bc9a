"""The status page's staff pages, outside any incident: the components in page order (a
responder sets a status; a manager creates and deletes), the public incidents with their drafts,
and the subscribers (managers only). What the public reads is at ``/status``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageManager, PageResponder, PageViewer
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.catalog.service import list_services
from warroom.errors import InvalidInput, WarroomError
from warroom.incidents.visibility import hidden_ids
from warroom.statuspage import components, manage, subscribers
from warroom.statuspage.models import PublicIncident
from warroom.statuspage.present import components_out
from warroom.statuspage.rules import ComponentStatus, is_open
from warroom.statuspage.schemas import ComponentIn
from warroom.statuspage.subscribers_api import send_confirmation, subscriber_out
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, form_errors, label, render, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
HOME = "/status-admin"
SUBSCRIBERS = "/status-admin/subscribers"
PRIVATE = "/status-private"
TABS = (
    ("private", "Private page", PRIVATE),
    ("components", "Components and incidents", HOME),
    ("templates", "Update templates", f"{HOME}/templates"),
    ("subscribers", "Subscribers", SUBSCRIBERS),
)
FormText = Annotated[str, Form()]
FormList = Annotated[list[str], Form()]
# The address of either kind is one field; the service names it by what it checked.
ADDRESS_FIELDS = {"email": "address", "endpoint": "address"}


def _status_of(exc: ValidationError | WarroomError) -> int:
    return exc.status if isinstance(exc, WarroomError) else 422


def page(
    request: Request, template: str, actor: Actor, context: dict[str, Any], status: int = 200
) -> Response:
    base = {
        "actor": actor,
        "nav": "statuspage",
        "tabs": TABS,
        "can_set": actor.allows(Role.responder),
        "can_manage": actor.allows(Role.manager),
    }
    return render(request, f"statuspage/{template}", base | context, status)


# --- components and public incidents -----------------------------------------------------------


def _open_first(rows: list[PublicIncident]) -> list[PublicIncident]:
    # The list comes newest first; a stable sort keeps that order within open and ended.
    return sorted(rows, key=lambda p: not is_open(p.status))


def _admin_page(
    request: Request, session: Session, actor: Actor, extra: dict[str, Any], status: int = 200
) -> Response:
    rows = components.list_components(session)
    publics = _open_first(manage.list_public_incidents(session))
    linked = [p.incident_id for p in publics if p.incident_id is not None]
    context = {
        "tab": "components",
        "components": components_out(rows),
        "groups": [c for c in rows if c.is_group],
        "services": list_services(session=session),
        "statuses": [s.value for s in ComponentStatus],
        "publics": publics,
        # What the public reads is public; which restricted incident is behind it is not.
        "hidden": hidden_ids(session, actor, linked),
        "is_open": is_open,
        "values": {"kind": "component", "status": ComponentStatus.operational.value},
    }
    return page(request, "admin.html", actor, context | extra, status)


@router.get(HOME)
def status_admin(request: Request, session: DbSession, actor: PageViewer) -> Response:
    return _admin_page(request, session, actor, {})


def component_in(values: dict[str, str]) -> ComponentIn:
    """The form's words as the API's body: blank choices mean none."""
    body: dict[str, Any] = {
        "name": values["name"],
        "description": values["description"].strip(),
        "is_group": values["kind"] == "group",
        "group": values["group"] or None,
        "service": values["service"] or None,
        "status": values["status"] or ComponentStatus.operational.value,
        "only_show_if_degraded": bool(values["only_show_if_degraded"]),
    }
    if values["position"].strip():
        body["position"] = values["position"].strip()
    return ComponentIn.model_validate(body)


@router.post(f"{HOME}/components")
def create_component(
    request: Request,
    session: DbSession,
    actor: PageManager,
    at: Now,
    name: FormText = "",
    kind: FormText = "component",
    description: FormText = "",
    group: FormText = "",
    service: FormText = "",
    position: FormText = "",
    status: FormText = "",
    only_show_if_degraded: FormText = "",
) -> Response:
    values = {"name": name, "kind": kind, "description": description, "group": group}
    values |= {"service": service, "position": position, "status": status}
    values |= {"only_show_if_degraded": only_show_if_degraded}
    try:
        made = components.do_create_component(session=session, data=component_in(values), now=at)
    except (ValidationError, WarroomError) as exc:
        session.rollback()
        extra = {"values": values, "errors": form_errors(exc)}
        return _admin_page(request, session, actor, extra, _status_of(exc))
    flash(request, f"{'Group' if made.is_group else 'Component'} “{made.name}” added.")
    return see_other(HOME)


@router.post(f"{HOME}/components/{{code}}/status")
def set_component_status(
    code: str,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    status: FormText = "",
) -> Response:
    found = components.access_component(session=session, ref=code)
    try:
        if status not in ComponentStatus.__members__:
            raise InvalidInput("status", "choose one of the statuses offered")
        changed = components.do_set_status(
            session=session, component=found, status=ComponentStatus(status), now=at
        )
    except WarroomError as exc:
        session.rollback()
        # Told in the row it is about (a group's row has the slot too, though no form).
        why = next(iter(form_errors(exc).values()))
        extra = {"errors": {f"status-{found.code}": why}}
        return _admin_page(request, session, actor, extra, exc.status)
    word = label(status).lower()
    flash(request, f"“{found.name}” {'is now' if changed else 'was already'} {word}.")
    return see_other(f"{HOME}#component-{found.code}")


@router.post(f"{HOME}/components/{{code}}/delete")
def delete_component(
    code: str,
    request: Request,
    session: DbSession,
    actor: PageManager,  # noqa: ARG001 - enforces the role
    at: Now,
) -> Response:
    found = components.access_component(session=session, ref=code)
    name = found.name
    components.do_delete_component(session=session, component=found, now=at)
    flash(request, f"“{name}” removed from the status page.")
    return see_other(HOME)


# --- subscribers -------------------------------------------------------------------------------


def _subscribers_page(
    request: Request, session: Session, actor: Actor, extra: dict[str, Any], status: int = 200
) -> Response:
    context = {
        "tab": "subscribers",
        "rows": [subscriber_out(session, s) for s in subscribers.list_subscribers(session)],
        "pickable": [c for c in components.list_components(session) if not c.is_group],
        "values": {"kind": "email", "components": []},
    }
    return page(request, "subscribers.html", actor, context | extra, status)


@router.get(SUBSCRIBERS)
def subscriber_list(request: Request, session: DbSession, actor: PageManager) -> Response:
    return _subscribers_page(request, session, actor, {})


def _add(request: Request, session: Session, values: dict[str, Any], now: datetime) -> str:
    """Add the subscriber the form describes; the message saying what happened."""
    picked: list[str] = values["components"]
    if values["kind"] == "webhook":
        hook = subscribers.do_add_webhook(
            session=session, endpoint=values["address"], components=picked, now=now
        )
        return f"Webhook {hook.address} subscribed."
    found, confirm = subscribers.do_subscribe_email(
        session=session, address=values["address"], components=picked, now=now
    )
    if not confirm:
        return f"{found.address} was subscribed already; their components are updated."
    send_confirmation(request, session, found, now)
    return f"Confirmation sent to {found.address}: nothing else goes out until they confirm."


@router.post(SUBSCRIBERS)
def add_subscriber(
    request: Request,
    session: DbSession,
    actor: PageManager,
    at: Now,
    kind: FormText = "email",
    address: FormText = "",
    components: FormList = [],  # noqa: B006 - FastAPI copies form defaults
) -> Response:
    values: dict[str, Any] = {"kind": kind, "address": address, "components": components}
    try:
        if kind not in ("email", "webhook"):
            raise InvalidInput("kind", "an email address or a webhook")
        message = _add(request, session, values, at)
    except WarroomError as exc:
        session.rollback()
        errors = {ADDRESS_FIELDS.get(k, k): v for k, v in form_errors(exc).items()}
        extra = {"values": values, "errors": errors}
        return _subscribers_page(request, session, actor, extra, exc.status)
    flash(request, message)
    return see_other(SUBSCRIBERS)


@router.post(f"{SUBSCRIBERS}/{{subscriber_id:int}}/delete")
def remove_subscriber(
    subscriber_id: int,
    request: Request,
    session: DbSession,
    actor: PageManager,  # noqa: ARG001 - enforces the role
) -> Response:
    found = subscribers.access_subscriber(session=session, subscriber_id=subscriber_id)
    address = found.address
    subscribers.do_unsubscribe(session=session, subscriber=found)
    flash(request, f"{address} removed: it hears nothing more.")
    return see_other(SUBSCRIBERS)
