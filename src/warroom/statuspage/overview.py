"""The status page's private side, for staff: every component as the public sees it and what
is behind it (the catalog service it shows, the internal incidents open on that service, the
public incidents naming it), the updates waiting for approval, and the major incidents the
public page says nothing about yet. What the public reads is ``public.py``."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.incidents.models import Incident
from warroom.incidents.rules import format_ref
from warroom.incidents.service import ACTIVE_STATUSES
from warroom.incidents.visibility import hidden_ids
from warroom.settings import Settings
from warroom.statuspage.answers import (
    DraftOut,
    InternalIncidentOut,
    OverviewComponentOut,
    OverviewOut,
)
from warroom.statuspage.components import list_components
from warroom.statuspage.models import PublicIncident, PublicUpdate, StatusComponent
from warroom.statuspage.public import group_members, load, status, visible_status
from warroom.statuspage.rules import ENDED, hidden_now

MAJOR = ("SEV1", "SEV2")  # the severities the public should hear about
# Security incidents are told on purpose and on a need-to-know basis, never listed here.
SERVICE = "service"


def overview(
    session: Session, settings: Settings, now: datetime, actor: Actor | None
) -> OverviewOut:
    """The staff view; restricted incidents are left out like security ones, and a draft
    written for one shows only to those who may see it."""
    indicator = status(load(session, settings, now))["status"]
    running = select(Incident).where(Incident.status.in_(ACTIVE_STATUSES))
    running = running.where(Incident.kind == SERVICE, Incident.restricted.is_(False))
    active = list(session.scalars(running))
    open_public = list(
        session.scalars(select(PublicIncident).where(PublicIncident.status.not_in(sorted(ENDED))))
    )
    return OverviewOut(
        indicator=indicator["indicator"],
        description=indicator["description"],
        components=_components(session, active, open_public),
        drafts=_drafts(session, actor),
        unannounced=_unannounced(active, open_public),
    )


def _line(incident: Incident) -> InternalIncidentOut:
    return InternalIncidentOut(
        ref=format_ref(incident.id), title=incident.title, severity=incident.severity,
        status=incident.status,
    )  # fmt: skip


def _components(
    session: Session, active: list[Incident], open_public: list[PublicIncident]
) -> list[OverviewComponentOut]:
    on_service: dict[int, list[InternalIncidentOut]] = defaultdict(list)
    for incident in sorted(active, key=lambda i: (i.severity, -i.id)):
        for service in incident.services:
            on_service[service.id].append(_line(incident))
    naming: dict[int, list[str]] = defaultdict(list)
    for public in open_public:
        for component in public.components:
            naming[component.id].append(public.code)
    every = list_components(session)
    members, names = group_members(every), {c.id: c.name for c in every}
    return [_component(c, members, names, on_service, naming.get(c.id, [])) for c in every]


def _component(
    c: StatusComponent,
    members: dict[int, list[str]],
    names: dict[int, str],
    on_service: dict[int, list[InternalIncidentOut]],
    naming: list[str],
) -> OverviewComponentOut:
    return OverviewComponentOut(
        code=c.code, name=c.name, group=names.get(c.group_id) if c.group_id else None,
        is_group=c.is_group, status=visible_status(c, members),
        hidden=not c.is_group and hidden_now(c.only_show_if_degraded, c.status),
        service=c.service.name if c.service else None,
        incidents=on_service.get(c.service_id, []) if c.service_id else [],
        public_incidents=naming,
    )  # fmt: skip


def _drafts(session: Session, actor: Actor | None) -> list[DraftOut]:
    query = select(PublicUpdate).where(PublicUpdate.state == "draft").order_by(PublicUpdate.id)
    updates = list(session.scalars(query))
    linked = [u.public_incident.incident_id for u in updates]
    hidden = hidden_ids(session, actor, [i for i in linked if i is not None])
    found = []
    for update in updates:
        public = update.public_incident
        if public.incident_id in hidden:
            continue
        found.append(DraftOut(
            public_incident=public.code, name=public.name, update=update.code,
            status=update.status, created_at=update.created_at,
            written_by=update.written_by.name if update.written_by else None,
            incident=format_ref(public.incident_id) if public.incident_id else None,
        ))  # fmt: skip
    return found


def _unannounced(
    active: list[Incident], open_public: list[PublicIncident]
) -> list[InternalIncidentOut]:
    told = {p.incident_id for p in open_public if p.incident_id is not None}
    quiet = [i for i in active if i.severity in MAJOR and i.id not in told]
    return [_line(i) for i in sorted(quiet, key=lambda i: (i.severity, -i.id))]
