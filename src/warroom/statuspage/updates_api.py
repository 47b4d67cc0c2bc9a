"""JSON routes for an incident's communications: write an update once and send it to the
audiences chosen, preview it first, list what was sent, and see when the next one is due."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request

from warroom.access.deps import DbSession, Now, Responder, Viewer
from warroom.incidents.models import Incident
from warroom.incidents.service import access_incident
from warroom.settings import Settings
from warroom.statuspage import cadence, followup, updates
from warroom.statuspage.answers import (
    AffectedOut,
    CadenceOut,
    CommsUpdateOut,
    PreviewOut,
    RecipientOut,
)
from warroom.statuspage.models import CommsUpdate, PublicUpdate
from warroom.statuspage.schemas import CommsUpdateIn

router = APIRouter(prefix="/api/v1/incidents", tags=["communications"])


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _out(session: DbSession, row: CommsUpdate) -> CommsUpdateOut:
    public = session.get(PublicUpdate, row.public_update_id) if row.public_update_id else None
    return CommsUpdateOut(
        id=row.id,
        audiences=row.audiences,
        what_happened=row.what_happened,
        doing=row.doing,
        next_update_at=row.next_update_at,
        sent=row.sent,
        public_update=public.code if public else None,
        public_state=public.state if public else None,
        created_at=row.created_at,
    )


@router.post("/{ref}/comms-updates/preview", response_model=PreviewOut)
def preview(
    request: Request, ref: str, body: CommsUpdateIn, session: DbSession, actor: Responder
) -> PreviewOut:
    """The text each audience would read and who would receive it; nothing is sent."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    settings = _settings(request)
    facts = updates.facts_of(
        session, incident, body, settings.base_url, settings.statuspage_time_zone
    )
    planned = updates.plan(session, incident, body, facts)
    return PreviewOut(
        texts=planned.texts,
        recipients={
            a: [RecipientOut(name=r.name, email=r.email, why=r.why) for r in people]
            for a, people in planned.recipients.items()
        },
    )


@router.post("/{ref}/comms-updates", status_code=201, response_model=CommsUpdateOut)
def send(
    request: Request, ref: str, body: CommsUpdateIn, session: DbSession, actor: Responder, at: Now
) -> CommsUpdateOut:
    """Send to stakeholders and customers now (by email, through the worker); the status page
    text waits for the communications lead's or the commander's approval."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    settings = _settings(request)
    facts = updates.facts_of(
        session, incident, body, settings.base_url, settings.statuspage_time_zone
    )
    row = updates.do_send(
        session=session, actor=actor, incident=incident, data=body, facts=facts, now=at
    )
    return _out(session, row)


@router.get("/{ref}/comms-updates", response_model=list[CommsUpdateOut])
def sent(ref: str, session: DbSession, actor: Viewer) -> list[CommsUpdateOut]:
    incident = access_incident(session=session, ref=ref, actor=actor)
    rows = cadence.last_sent_all(session, incident.id)
    return [_out(session, row) for row in rows]


@router.get("/{ref}/cadence", response_model=CadenceOut | None)
def due(
    request: Request, ref: str, session: DbSession, actor: Viewer, at: Now
) -> CadenceOut | None:
    """When the next update is due (null for severities without a cadence, or once over)."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    found = cadence.update_due(session, incident, dict(_settings(request).update_cadence_minutes))
    if found is None:
        return None
    return CadenceOut(
        severity=incident.severity,
        last_update_at=found.last,
        due_at=found.due_at,
        overdue=found.overdue(at),
        minutes_left=found.minutes_left(at),
    )


def _affected(session: DbSession, incident: Incident, at: datetime) -> list[AffectedOut]:
    return [
        AffectedOut(
            customer=e.customer.name,
            tier=e.customer.tier,
            services=e.services,
            outage_minutes=round(e.outage_minutes, 1),
            budget_share=round(e.budget_share, 3) if e.budget_share is not None else None,
            response_missed=e.response_missed,
            task_id=e.task.id if e.task else None,
            task_status=e.task.status if e.task else None,
        )
        for e in followup.affected(session, incident, at)
    ]


@router.get("/{ref}/affected-customers", response_model=list[AffectedOut])
def affected_customers(ref: str, session: DbSession, actor: Viewer, at: Now) -> list[AffectedOut]:
    """Customers with an SLA on an impacted service, most affected first (tier, then the share
    of their month's downtime budget used), with their follow-up task if there is one."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    return _affected(session, incident, at)


@router.post("/{ref}/affected-customers/outreach", response_model=list[AffectedOut])
def plan_outreach(ref: str, session: DbSession, actor: Responder, at: Now) -> list[AffectedOut]:
    """An outreach task on the incident for each of the most affected customers without one."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    followup.do_plan_outreach(session=session, incident=incident, actor=actor, now=at)
    session.flush()
    return _affected(session, incident, at)
