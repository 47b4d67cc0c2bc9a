"""ORM rows → the API's shapes for postmortems and action items."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from warroom.incidents.models import Incident
from warroom.incidents.present import person_ref
from warroom.incidents.rules import format_ref
from warroom.reviews.actions import incident_actions
from warroom.reviews.models import ActionItem, Postmortem
from warroom.reviews.rules import (
    SECTIONS,
    ActionStatus,
    PostmortemState,
    action_overdue,
    is_overdue,
    is_required,
)
from warroom.reviews.schemas import ActionItemOut, PostmortemOut, PostmortemSummary, SectionOut
from warroom.reviews.service import Listed


def postmortem_url(incident: Incident) -> str:
    return f"/incidents/{format_ref(incident.id)}/postmortem"


def action_out(item: ActionItem, incident: Incident, now: datetime) -> ActionItemOut:
    return ActionItemOut(
        id=item.id,
        incident=format_ref(incident.id),
        incident_title=incident.title,
        title=item.title,
        type=item.type,
        status=item.status,
        owner=person_ref(item.owner),
        due_on=item.due_on,
        overdue=action_overdue(ActionStatus(item.status), item.due_on, now),
        tracker_url=item.tracker_url,
        created_at=item.created_at,
        updated_at=item.updated_at,
        completed_at=item.completed_at,
        version=item.version,
    )


def postmortem_out(
    session: Session, incident: Incident, postmortem: Postmortem, now: datetime
) -> PostmortemOut:
    state = PostmortemState(postmortem.state)
    items = incident_actions(session=session, incident=incident)
    return PostmortemOut(
        incident=format_ref(incident.id),
        incident_title=incident.title,
        severity=incident.severity,
        incident_status=incident.status,
        state=state,
        required=is_required(incident.severity),
        due_at=postmortem.due_at,
        overdue=is_overdue(state, postmortem.due_at, now),
        owner=person_ref(postmortem.owner),
        sections=[
            SectionOut(key=s.key, title=s.title, markdown=postmortem.sections.get(s.key, ""))
            for s in SECTIONS
        ],
        action_items=[action_out(i, incident, now) for i in items],
        drafted_at=postmortem.drafted_at,
        submitted_at=postmortem.submitted_at,
        published_at=postmortem.published_at,
        published_by=person_ref(postmortem.published_by),
        version=postmortem.version,
        url=postmortem_url(incident),
    )


def summary_out(row: Listed, now: datetime) -> PostmortemSummary:
    p, incident = row.postmortem, row.incident
    state = PostmortemState(p.state)
    return PostmortemSummary(
        incident=format_ref(incident.id),
        incident_title=incident.title,
        severity=incident.severity,
        state=state,
        required=is_required(incident.severity),
        due_at=p.due_at,
        overdue=is_overdue(state, p.due_at, now),
        owner=person_ref(p.owner),
        open_action_items=row.open_actions,
        updated_at=p.updated_at,
    )
