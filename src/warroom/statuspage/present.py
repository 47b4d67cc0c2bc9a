"""What staff read about the status page: components with their group and service, and public
incidents with every update, drafts included, and who wrote and approved each. (The public
documents, without drafts or internal references, are shaped in ``public.py``.)"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.incidents.rules import format_ref
from warroom.incidents.schemas import PersonRef
from warroom.statuspage.components import list_components
from warroom.statuspage.models import PublicIncident, PublicUpdate, StatusComponent
from warroom.statuspage.rules import worst


class ComponentOut(BaseModel):
    id: int
    code: str
    name: str
    description: str
    is_group: bool
    group: str | None  # the group's name
    group_code: str | None
    service: str | None  # the catalog service it shows
    status: str  # a group's is the worst of its components'
    position: int
    only_show_if_degraded: bool
    updated_at: datetime


class ComponentRef(BaseModel):
    code: str
    name: str
    status: str


class AffectedOut(BaseModel):
    code: str
    name: str
    old_status: str | None = None  # known once the update is published
    new_status: str


class PublicUpdateOut(BaseModel):
    code: str
    status: str
    body: str
    state: str  # draft, published
    impact: str | None  # the incident's impact from this update on (None: unchanged)
    affected_components: list[AffectedOut]
    written_by: PersonRef | None
    approved_by: PersonRef | None
    created_at: datetime
    display_at: datetime | None


class PublicIncidentOut(BaseModel):
    code: str
    kind: str  # incident, maintenance
    name: str
    status: str
    impact: str
    incident: str | None  # the internal incident, INC-n
    published_at: datetime | None  # None while its first update is a draft
    started_at: datetime | None
    monitoring_at: datetime | None
    resolved_at: datetime | None
    scheduled_for: datetime | None
    scheduled_until: datetime | None
    created_at: datetime
    updated_at: datetime
    components: list[ComponentRef]
    updates: list[PublicUpdateOut]  # newest first


def components_out(rows: Sequence[StatusComponent]) -> list[ComponentOut]:
    """``rows`` in page order; a group's status is worked out from the members among them."""
    by_id = {c.id: c for c in rows}
    members: dict[int, list[str]] = {}
    for c in rows:
        if c.group_id is not None:
            members.setdefault(c.group_id, []).append(c.status)
    return [_component_out(c, by_id.get(c.group_id or 0), members.get(c.id, [])) for c in rows]


def component_out(session: Session, component: StatusComponent) -> ComponentOut:
    """One component, its group's status counted from every member."""
    everyone = list_components(session)
    return next(c for c in components_out(everyone) if c.id == component.id)


def _component_out(
    c: StatusComponent, group: StatusComponent | None, members: list[str]
) -> ComponentOut:
    return ComponentOut(
        id=c.id,
        code=c.code,
        name=c.name,
        description=c.description,
        is_group=c.is_group,
        group=group.name if group else None,
        group_code=group.code if group else None,
        service=c.service.name if c.service else None,
        status=worst(members).value if c.is_group else c.status,
        position=c.position,
        only_show_if_degraded=c.only_show_if_degraded,
        updated_at=c.updated_at,
    )


def _person(session: Session, person_id: int | None) -> PersonRef | None:
    # By id, not the relationship: approving sets only the id, and the relationship loaded
    # before it would still say nobody.
    person = session.get(Person, person_id) if person_id is not None else None
    return PersonRef(id=person.id, name=person.name, email=person.email) if person else None


def update_out(session: Session, update: PublicUpdate) -> PublicUpdateOut:
    affected: list[dict[str, Any]] = list(update.affected_components or [])
    return PublicUpdateOut(
        code=update.code,
        status=update.status,
        body=update.body,
        state=update.state,
        impact=update.impact,
        affected_components=[AffectedOut.model_validate(dict(a)) for a in affected],
        written_by=_person(session, update.written_by_id),
        approved_by=_person(session, update.approved_by_id),
        created_at=update.created_at,
        display_at=update.display_at,
    )


def public_incident_out(session: Session, public: PublicIncident) -> PublicIncidentOut:
    return PublicIncidentOut(
        code=public.code,
        kind=public.kind,
        name=public.name,
        status=public.status,
        impact=public.impact,
        incident=format_ref(public.incident_id) if public.incident_id else None,
        published_at=public.published_at,
        started_at=public.started_at,
        monitoring_at=public.monitoring_at,
        resolved_at=public.resolved_at,
        scheduled_for=public.scheduled_for,
        scheduled_until=public.scheduled_until,
        created_at=public.created_at,
        updated_at=public.updated_at,
        components=[
            ComponentRef(code=c.code, name=c.name, status=c.status) for c in public.components
        ],
        updates=[update_out(session, u) for u in public.updates],
    )
