"""Status page components: create, arrange, set a status (kept in the history the uptime bars
are drawn from), and read them in page order."""

from __future__ import annotations

import secrets
import string
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from warroom.catalog.models import Service
from warroom.catalog.service import access_service
from warroom.errors import Conflict, InvalidInput, NotFound
from warroom.events import DomainEvent, emit
from warroom.statuspage.models import ComponentStatusChange, StatusComponent
from warroom.statuspage.rules import ComponentStatus
from warroom.statuspage.schemas import ComponentIn

ALPHABET = string.ascii_lowercase + string.digits


def new_code() -> str:
    """A public id in the shape Statuspage uses (12 lower-case letters and digits)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(12))


def announce(session: Session, what: str, subject: str, now: datetime) -> None:
    """The public page changed: exports and subscribers follow once this commits."""
    emit(session, DomainEvent(f"statuspage.{what}", subject, {"kind": what, "at": now}))


def list_components(session: Session) -> list[StatusComponent]:
    query = select(StatusComponent).order_by(StatusComponent.position, StatusComponent.id)
    return list(session.scalars(query))


def access_component(*, session: Session, ref: str) -> StatusComponent:
    """By code, name or numeric id."""
    clauses = [StatusComponent.code == ref, StatusComponent.name == ref]
    if ref.isdigit():
        clauses.append(StatusComponent.id == int(ref))
    found = session.scalars(select(StatusComponent).where(or_(*clauses))).first()
    if found is None:
        raise NotFound(f"no status page component {ref!r}")
    return found


def check_component(session: Session, ref: str, field: str) -> StatusComponent:
    try:
        return access_component(session=session, ref=ref)
    except NotFound:
        raise InvalidInput(field, f"unknown component {ref!r}") from None


def check_service(session: Session, name: str) -> Service:
    try:
        return access_service(session=session, name=name)
    except NotFound:
        raise InvalidInput("service", f"unknown service {name!r}") from None


def do_create_component(*, session: Session, data: ComponentIn, now: datetime) -> StatusComponent:
    if session.scalar(select(StatusComponent.id).where(StatusComponent.name == data.name)):
        raise Conflict(f"a component named {data.name!r} exists")
    group = check_component(session, data.group, "group") if data.group else None
    if group is not None and not group.is_group:
        raise InvalidInput("group", f"{group.name!r} is not a group")
    if data.is_group and group is not None:
        raise InvalidInput("group", "groups do not nest")
    service = check_service(session, data.service) if data.service else None
    component = StatusComponent(
        code=new_code(),
        name=data.name,
        description=data.description,
        is_group=data.is_group,
        group_id=group.id if group else None,
        service_id=service.id if service else None,
        position=data.position,
        status=data.status.value,
        only_show_if_degraded=data.only_show_if_degraded,
        created_at=now,
        updated_at=now,
    )
    session.add(component)
    session.flush()
    session.add(ComponentStatusChange(component_id=component.id, status=component.status, at=now))
    announce(session, "component_created", component.code, now)
    return component


def do_set_status(
    *, session: Session, component: StatusComponent, status: ComponentStatus, now: datetime
) -> bool:
    """Set and record a status; False when it already was."""
    if component.is_group:
        raise InvalidInput("status", "a group shows the worst of its components")
    if component.status == status.value:
        return False
    component.status, component.updated_at = status.value, now
    session.add(ComponentStatusChange(component_id=component.id, status=status.value, at=now))
    announce(session, "component_updated", component.code, now)
    return True


def do_delete_component(*, session: Session, component: StatusComponent, now: datetime) -> None:
    code = component.code
    session.delete(component)
    session.flush()
    announce(session, "component_deleted", code, now)


def history(
    session: Session, component_ids: list[int], since: datetime
) -> dict[int, list[tuple[datetime, str]]]:
    """Each component's statuses from ``since``: the one in force then, and every change after."""
    found: dict[int, list[tuple[datetime, str]]] = {i: [] for i in component_ids}
    if not component_ids:
        return found
    query = (
        select(ComponentStatusChange)
        .where(ComponentStatusChange.component_id.in_(component_ids))
        .order_by(ComponentStatusChange.component_id, ComponentStatusChange.at)
    )
    for row in session.scalars(query):
        if row.at <= since:  # the latest of these is the status in force at ``since``
            found[row.component_id] = [(since, row.status)]
        else:
            found[row.component_id].append((row.at, row.status))
    return found
