"""Turning stored incidents into API shapes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.incidents.models import (
    Incident,
    Participant,
    RoleAssignment,
    Task,
    TaskTemplate,
    TimelineEvent,
)
from warroom.incidents.rules import IncidentRole, format_ref
from warroom.incidents.schemas import (
    IncidentDetail,
    IncidentOut,
    ParticipantOut,
    PersonRef,
    RoleOut,
    TaskOut,
    TemplateItem,
    TemplateOut,
    TimelineEventOut,
)
from warroom.incidents.service import active_roles, commanders, participants, tasks


def person_ref(person: Person | None) -> PersonRef | None:
    return PersonRef(id=person.id, name=person.name, email=person.email) if person else None


def _ref(person: Person) -> PersonRef:
    return PersonRef(id=person.id, name=person.name, email=person.email)


def role_out(row: RoleAssignment) -> RoleOut:
    role = IncidentRole(row.role)
    return RoleOut(
        id=row.id, role=role, label=role.label, person=_ref(row.person), assigned_at=row.assigned_at
    )


def participant_out(row: Participant) -> ParticipantOut:
    tti = (row.released_at - row.joined_at).total_seconds() if row.released_at else None
    return ParticipantOut(
        id=row.id,
        person=_ref(row.person),
        reason=row.reason,
        joined_at=row.joined_at,
        released_at=row.released_at,
        time_to_innocence_seconds=tti,
    )


def task_out(row: Task) -> TaskOut:
    return TaskOut.model_validate(
        {
            "id": row.id,
            "title": row.title,
            "status": row.status,
            "assignee": person_ref(row.assignee),
            "due_at": row.due_at,
            "created_at": row.created_at,
            "completed_at": row.completed_at,
        }
    )


def event_out(row: TimelineEvent) -> TimelineEventOut:
    return TimelineEventOut(
        id=row.id,
        kind=row.kind,
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        actor=person_ref(row.actor),
        text=row.text,
        before=row.before,
        after=row.after,
        data=row.data,
    )


def _fields(incident: Incident, commander: Person | None) -> dict[str, object]:
    return {
        "ref": format_ref(incident.id),
        "title": incident.title,
        "description": incident.description,
        "kind": incident.kind,
        "severity": incident.severity,
        "status": incident.status,
        "services": [s.name for s in incident.services],
        "reporter": person_ref(incident.reporter),
        "commander": person_ref(commander),
        "declared_at": incident.declared_at,
        "updated_at": incident.updated_at,
        "started_at": incident.started_at,
        "detected_at": incident.detected_at,
        "acknowledged_at": incident.acknowledged_at,
        "mitigated_at": incident.mitigated_at,
        "resolved_at": incident.resolved_at,
        "closed_at": incident.closed_at,
        "restricted": incident.restricted,
        "version": incident.version,
    }


def incident_out(session: Session, incident: Incident) -> IncidentOut:
    roles = active_roles(session=session, incident=incident)
    commander = next((r.person for r in roles if r.role == IncidentRole.commander), None)
    return IncidentOut.model_validate(_fields(incident, commander))


def incident_outs(session: Session, incidents: list[Incident]) -> list[IncidentOut]:
    """A page of incidents with their commanders found in one query, not one per incident."""
    found = commanders(session=session, incident_ids=[i.id for i in incidents])
    return [IncidentOut.model_validate(_fields(i, found.get(i.id))) for i in incidents]


def incident_detail(session: Session, incident: Incident) -> IncidentDetail:
    roles = active_roles(session=session, incident=incident)
    commander = next((r.person for r in roles if r.role == IncidentRole.commander), None)
    return IncidentDetail.model_validate(
        _fields(incident, commander)
        | {
            "roles": [role_out(r) for r in roles],
            "participants": [
                participant_out(p) for p in participants(session=session, incident=incident)
            ],
            "tasks": [task_out(t) for t in tasks(session=session, incident=incident)],
        }
    )


def template_out(row: TaskTemplate) -> TemplateOut:
    return TemplateOut.model_validate(
        {
            "id": row.id,
            "name": row.name,
            "kind": row.kind,
            "severities": row.severities,
            "items": [TemplateItem.model_validate(i) for i in row.items],
            "auto_apply": row.auto_apply,
            "phase": row.phase,
        }
    )
