"""Gathering the plain facts a postmortem draft is written from: the incident's fields and
timeline, the changes ranked and marked against it, the customers it hurt and what raised it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.alerts.models import AlertGroup
from warroom.changes import gate
from warroom.incidents.models import Incident
from warroom.incidents.rules import format_ref
from warroom.incidents.service import commander_of, timeline
from warroom.reviews.draft import ChangeFact, CustomerFact, DraftFacts, EventFact
from warroom.statuspage.followup import affected


def draft_facts(session: Session, incident: Incident, now: datetime) -> DraftFacts:
    commander = commander_of(session=session, incident=incident)
    return DraftFacts(
        ref=format_ref(incident.id),
        title=incident.title,
        severity=incident.severity,
        kind=incident.kind,
        description=incident.description,
        services=tuple(s.name for s in incident.services),
        declared_at=incident.declared_at,
        started_at=incident.started_at,
        detected_at=incident.detected_at,
        acknowledged_at=incident.acknowledged_at,
        mitigated_at=incident.mitigated_at,
        resolved_at=incident.resolved_at,
        reporter=incident.reporter.name if incident.reporter else None,
        commander=commander.person.name if commander else None,
        sources=_sources(session, incident),
        events=_events(session, incident),
        changes=_changes(session, incident, now),
        customers=_customers(session, incident, now),
    )


def _events(session: Session, incident: Incident) -> tuple[EventFact, ...]:
    return tuple(
        EventFact(e.id, e.occurred_at, e.kind, e.text, e.actor.name if e.actor else None)
        for e in timeline(session=session, incident=incident)
    )


def _changes(session: Session, incident: Incident, now: datetime) -> tuple[ChangeFact, ...]:
    ranked = gate.suspects(session=session, incident=incident, now=now)
    return tuple(
        ChangeFact(
            id=r.change.id,
            title=r.change.title,
            state=r.change.state,
            at=r.change.actual_end or r.change.actual_start or r.change.planned_start,
            mark=r.mark.mark if r.mark else None,
            note=r.mark.note if r.mark else "",
            reasons=tuple(r.suspect.reasons),
        )
        for r in ranked
    )


def _customers(session: Session, incident: Incident, now: datetime) -> tuple[CustomerFact, ...]:
    return tuple(
        CustomerFact(
            e.customer.name, e.customer.tier, tuple(e.services), e.budget_share, e.response_missed
        )
        for e in affected(session, incident, now)
    )


def _sources(session: Session, incident: Incident) -> tuple[str, ...]:
    query = select(AlertGroup).where(AlertGroup.incident_id == incident.id)
    return tuple(
        f"alert group “{g.title or g.key}” ({g.alert_count} alerts on {g.asset_count} hosts, "
        f"first at {g.first_seen:%Y-%m-%d %H:%M} UTC)"
        for g in session.scalars(query.order_by(AlertGroup.first_seen))
    )
