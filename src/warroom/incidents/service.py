"""Incident look-ups and the timeline recorder shared by the incident use cases."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.access.service import Actor
from warroom.catalog.models import Service
from warroom.errors import InvalidInput, NotFound
from warroom.events import DomainEvent, emit
from warroom.incidents.models import (
    Incident,
    IncidentService,
    Participant,
    RoleAssignment,
    Task,
    TimelineEvent,
)
from warroom.incidents.rules import IncidentRole, Kind, Severity, Status, format_ref, parse_ref
from warroom.incidents.visibility import can_see, sight, visible


def access_incident(
    *,
    session: Session,
    ref: str,
    actor: Actor | None,
) -> Incident:
    """Fetch by reference (``INC-42`` or ``42``); 404 when it does not exist, and when it is
    restricted and ``actor`` is not allowed to see it (its existence is not confirmed)."""
    number = parse_ref(ref)
    incident = session.get(Incident, number) if number is not None else None
    if incident is None or not can_see(session, actor, incident):
        raise NotFound(f"no incident {ref}")
    return incident


def check_person(*, session: Session, email: str, field: str) -> Person:
    person = session.scalar(select(Person).where(Person.email == email.strip().lower()))
    if person is None or not person.active:
        raise InvalidInput(field, f"unknown person {email!r}")
    return person


def record(
    *,
    session: Session,
    incident: Incident,
    kind: str,
    actor: Actor | None,
    now: datetime,
    text: str = "",
    before: str | None = None,
    after: str | None = None,
    occurred_at: datetime | None = None,
    data: dict[str, object] | None = None,
) -> TimelineEvent:
    """Append to the incident's timeline and announce the change once committed."""
    item = TimelineEvent(
        incident_id=incident.id,
        kind=kind,
        actor_id=actor.person_id if actor else None,
        occurred_at=occurred_at or now,
        recorded_at=now,
        text=text,
        before=before,
        after=after,
        data=data or {},
    )
    session.add(item)
    facts = {**(data or {}), "kind": kind, "before": before, "after": after, "at": now}
    emit(session, DomainEvent(f"incident.{kind}", format_ref(incident.id), facts))
    return item


def timeline(*, session: Session, incident: Incident) -> list[TimelineEvent]:
    query = select(TimelineEvent).where(TimelineEvent.incident_id == incident.id)
    return list(session.scalars(query.order_by(TimelineEvent.occurred_at, TimelineEvent.id)))


def active_roles(*, session: Session, incident: Incident) -> list[RoleAssignment]:
    query = select(RoleAssignment).where(
        RoleAssignment.incident_id == incident.id, RoleAssignment.ended_at.is_(None)
    )
    order = [r.value for r in IncidentRole]
    rows = list(session.scalars(query.order_by(RoleAssignment.assigned_at)))
    return sorted(rows, key=lambda r: order.index(r.role))


def commander_of(*, session: Session, incident: Incident) -> RoleAssignment | None:
    for row in active_roles(session=session, incident=incident):
        if row.role == IncidentRole.commander:
            return row
    return None


def participants(*, session: Session, incident: Incident) -> list[Participant]:
    query = select(Participant).where(Participant.incident_id == incident.id)
    return list(session.scalars(query.order_by(Participant.joined_at, Participant.id)))


def tasks(*, session: Session, incident: Incident) -> list[Task]:
    query = select(Task).where(Task.incident_id == incident.id)
    return list(session.scalars(query.order_by(Task.position, Task.id)))


@dataclass(frozen=True)
class IncidentFilter:
    statuses: tuple[str, ...] = ()
    severities: tuple[Severity, ...] = ()
    kind: Kind | None = None
    service: str | None = None
    since: datetime | None = None


ACTIVE_STATUSES = tuple(s.value for s in Status if s.is_active)


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"i:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind != "i":
            raise ValueError(kind)
        return int(value)
    except ValueError as exc:
        raise InvalidInput("cursor", "not a cursor this server issued") from exc


def _filtered(query: Select[Incident], wanted: IncidentFilter) -> Select[Incident]:
    statuses = [s for w in wanted.statuses for s in (ACTIVE_STATUSES if w == "active" else (w,))]
    if statuses:
        query = query.where(Incident.status.in_(statuses))
    if wanted.severities:
        query = query.where(Incident.severity.in_([s.value for s in wanted.severities]))
    if wanted.kind:
        query = query.where(Incident.kind == wanted.kind.value)
    if wanted.service:
        query = query.where(
            Incident.id.in_(
                select(IncidentService.incident_id)
                .join(Service, Service.id == IncidentService.service_id)
                .where(Service.name == wanted.service)
            )
        )
    if wanted.since:
        query = query.where(Incident.declared_at >= wanted.since)
    return query


def list_incidents(
    *,
    session: Session,
    actor: Actor | None,
    wanted: IncidentFilter,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[Incident], str | None]:
    """Newest first; the cursor continues after the last incident of the previous page."""
    query = _filtered(select(Incident), wanted).where(visible(sight(session, actor)))
    if cursor:
        query = query.where(Incident.id < decode_cursor(cursor))
    rows = list(session.scalars(query.order_by(Incident.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1].id) if more and rows else None


def commanders(*, session: Session, incident_ids: list[int]) -> dict[int, Person]:
    """The current commander of each incident, in one query (for lists)."""
    if not incident_ids:
        return {}
    query = select(RoleAssignment).where(
        RoleAssignment.incident_id.in_(incident_ids),
        RoleAssignment.role == IncidentRole.commander.value,
        RoleAssignment.ended_at.is_(None),
    )
    return {row.incident_id: row.person for row in session.scalars(query)}


def held_roles(*, session: Session, person_id: int) -> list[tuple[Incident, RoleAssignment]]:
    """The roles a person holds now on active incidents, most severe first."""
    query = (
        select(Incident, RoleAssignment)
        .join(RoleAssignment, RoleAssignment.incident_id == Incident.id)
        .where(
            RoleAssignment.person_id == person_id,
            RoleAssignment.ended_at.is_(None),
            Incident.status.in_(ACTIVE_STATUSES),
        )
        .order_by(Incident.severity, Incident.id.desc())
    )
    return [(incident, role) for incident, role in session.execute(query)]
