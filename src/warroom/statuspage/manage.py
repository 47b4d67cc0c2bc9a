"""Staff use cases the management API, the war room and the CLI share: editing a component
(a responder sets its status; managers change the rest) and finding public incidents."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.errors import Conflict, InvalidInput, PermissionDenied
from warroom.incidents.rules import parse_ref
from warroom.incidents.schemas import Strict, Title
from warroom.statuspage.components import (
    announce,
    check_component,
    check_service,
    do_set_status,
)
from warroom.statuspage.models import PublicIncident, StatusComponent
from warroom.statuspage.rules import ENDED, ComponentStatus

# Fields a null leaves as they are; ``group`` and ``service`` are cleared by a null instead.
PLAIN_FIELDS = ("description", "position", "only_show_if_degraded")


class ComponentPatch(Strict):
    """Only the fields sent change. ``status`` alone is a responder's; the rest, a manager's."""

    name: Title | None = None
    description: str | None = Field(default=None, max_length=2000)
    group: str | None = Field(default=None, description="The group's code or name; null: none")
    service: str | None = Field(default=None, description="The catalog service; null: none")
    position: int | None = Field(default=None, ge=0, le=10_000)
    only_show_if_degraded: bool | None = None
    status: ComponentStatus | None = None


def check_may_edit(actor: Actor, data: ComponentPatch) -> None:
    if not data.model_fields_set:
        raise InvalidInput("body", "nothing to change")
    if data.model_fields_set - {"status"} and not actor.allows(Role.manager):
        raise PermissionDenied("a responder sets a component's status; managers edit the rest")


def do_edit_component(
    *,
    session: Session,
    actor: Actor,
    component: StatusComponent,
    data: ComponentPatch,
    now: datetime,
) -> StatusComponent:
    check_may_edit(actor, data)
    fields = data.model_fields_set - {"status"}
    if "name" in fields and data.name is not None:
        _rename(session, component, data.name)
    if "group" in fields:
        component.group_id = _group_id(session, component, data.group)
    if "service" in fields:
        component.service_id = _service_id(session, data.service)
    for name in PLAIN_FIELDS:
        if name in fields and getattr(data, name) is not None:
            setattr(component, name, getattr(data, name))
    if fields:
        component.updated_at = now
        session.flush()
        announce(session, "component_updated", component.code, now)
    if data.status is not None:
        do_set_status(session=session, component=component, status=data.status, now=now)
    return component


def _rename(session: Session, component: StatusComponent, name: str) -> None:
    query = select(StatusComponent.id).where(
        StatusComponent.name == name, StatusComponent.id != component.id
    )
    if session.scalar(query) is not None:
        raise Conflict(f"a component named {name!r} exists")
    component.name = name


def _group_id(session: Session, component: StatusComponent, ref: str | None) -> int | None:
    if not ref:
        return None
    group = check_component(session, ref, "group")
    if not group.is_group:
        raise InvalidInput("group", f"{group.name!r} is not a group")
    if component.is_group:
        raise InvalidInput("group", "groups do not nest")
    return group.id


def _service_id(session: Session, name: str | None) -> int | None:
    return check_service(session, name).id if name else None


def incident_number(ref: str | None) -> int | None:
    """``INC-7`` (or ``7``) as a filter; anything else is refused, not matched to nothing."""
    if ref is None:
        return None
    number = parse_ref(ref)
    if number is None:
        raise InvalidInput("incident", f"{ref!r} is not an incident reference like INC-42")
    return number


def list_public_incidents(
    session: Session,
    *,
    open_only: bool | None = None,
    incident_id: int | None = None,
    limit: int = 200,
) -> list[PublicIncident]:
    """Newest first; ``open_only`` True keeps those not yet resolved (or completed), False the
    ended ones; ``incident_id`` those telling the public about that internal incident."""
    query = select(PublicIncident).order_by(PublicIncident.id.desc()).limit(limit)
    if incident_id is not None:
        query = query.where(PublicIncident.incident_id == incident_id)
    if open_only is True:
        query = query.where(PublicIncident.status.not_in(sorted(ENDED)))
    elif open_only is False:
        query = query.where(PublicIncident.status.in_(sorted(ENDED)))
    return list(session.scalars(query))
