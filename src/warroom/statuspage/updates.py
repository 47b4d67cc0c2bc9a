"""One update, written once, sent to the audiences chosen: the status page (a draft the
communications lead or the commander approves), internal stakeholders and affected customers
(by email, through the worker's outbox, with a delivery log). The update names when the next
one comes; the cadence reminder keeps that promise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.errors import InvalidInput
from warroom.incidents.models import Incident
from warroom.incidents.rules import format_ref
from warroom.incidents.service import record
from warroom.oncall.models import Delivery
from warroom.statuspage.audiences import Audience, Recipient, recipients
from warroom.statuspage.messages import Facts, render, subject
from warroom.statuspage.models import CommsUpdate, PublicIncident, PublicUpdate, StatusComponent
from warroom.statuspage.publishing import do_add_update, do_open
from warroom.statuspage.rules import IMPACT_TO_STATUS, SEVERITY_TO_IMPACT, Impact, is_open
from warroom.statuspage.schemas import AffectedIn, CommsUpdateIn, PublicIncidentIn, UpdateIn
from warroom.statuspage.templates import wordings


@dataclass
class Planned:
    """What an update would send: the text per audience and who receives it."""

    texts: dict[str, str] = field(default_factory=dict)
    recipients: dict[str, list[Recipient]] = field(default_factory=dict)


def open_public(session: Session, incident: Incident) -> PublicIncident | None:
    query = (
        select(PublicIncident)
        .where(PublicIncident.incident_id == incident.id, PublicIncident.kind == "incident")
        .order_by(PublicIncident.id.desc())
    )
    return next((p for p in session.scalars(query) if is_open(p.status)), None)


def facts_of(
    session: Session, incident: Incident, data: CommsUpdateIn, base_url: str, time_zone: str
) -> Facts:
    public = open_public(session, incident)
    status = data.status or (public.status if public else "investigating")
    return Facts(
        ref=format_ref(incident.id),
        title=incident.title,
        severity=incident.severity,
        status=status,
        services=", ".join(s.name for s in incident.services) or "our services",
        what_happened=data.what_happened,
        doing=data.doing,
        next_update_at=data.next_update_at,
        url=f"{base_url}/incidents/{format_ref(incident.id)}",
        status_page=f"{base_url}/status",
        time_zone=time_zone,
    )


def plan(session: Session, incident: Incident, data: CommsUpdateIn, facts: Facts) -> Planned:
    planned = Planned()
    words = wordings(session)
    for audience in dict.fromkeys(data.audiences):
        planned.texts[audience.value] = render(audience, facts, template=words[audience].body)
        planned.recipients[audience.value] = recipients(session, incident, audience)
    return planned


def do_send(
    *,
    session: Session,
    actor: Actor | None,
    incident: Incident,
    data: CommsUpdateIn,
    facts: Facts,
    now: datetime,
) -> CommsUpdate:
    if data.next_update_at is not None and data.next_update_at <= now:
        raise InvalidInput("next_update_at", "must be in the future")
    planned = plan(session, incident, data, facts)
    row = CommsUpdate(
        incident_id=incident.id,
        audiences=list(planned.texts),
        what_happened=data.what_happened,
        doing=data.doing,
        next_update_at=data.next_update_at,
        written_by_id=actor.person_id if actor else None,
        created_at=now,
    )
    if Audience.public.value in planned.texts:
        text = planned.texts[Audience.public.value]
        row.public_update_id = _to_status_page(session, actor, incident, data, facts, text, now).id
    row.sent = {
        audience: _email(session, incident, Audience(audience), facts, people, now)
        for audience, people in planned.recipients.items()
        if audience != Audience.public.value
    }
    session.add(row)
    session.flush()
    _note(session, incident, actor, row, now)
    return row


def _to_status_page(
    session: Session,
    actor: Actor | None,
    incident: Incident,
    data: CommsUpdateIn,
    facts: Facts,
    text: str,
    now: datetime,
) -> PublicUpdate:
    public = open_public(session, incident)
    if public is not None:
        update = UpdateIn(status=facts.status, body=text, components=data.components)
        return do_add_update(session=session, actor=actor, public=public, data=update, now=now)
    opened = PublicIncidentIn(
        name=data.headline or incident.title,
        status=facts.status,
        body=text,
        components=data.components or _mapped(session, incident),
        incident=format_ref(incident.id),
    )
    return do_open(session=session, actor=actor, data=opened, now=now).updates[0]


def _mapped(session: Session, incident: Incident) -> list[AffectedIn]:
    """The components showing the incident's services, at the status its severity suggests."""
    ids = [s.id for s in incident.services]
    impact = SEVERITY_TO_IMPACT.get(incident.severity, Impact.minor)
    query = select(StatusComponent).where(StatusComponent.service_id.in_(ids))
    status = IMPACT_TO_STATUS[impact]
    return [AffectedIn(component=c.code, status=status) for c in session.scalars(query)]


def _email(
    session: Session,
    incident: Incident,
    audience: Audience,
    facts: Facts,
    people: list[Recipient],
    now: datetime,
) -> int:
    words = wordings(session)[audience]
    title = subject(audience, facts, words.subject)
    for person in people:
        greet = {"name": person.name, "customer": person.customer}
        body = render(audience, facts, template=words.body, **greet)
        session.add(
            Delivery(
                incident_id=incident.id,
                channel="email",
                address=person.email,
                purpose="update",
                subject=title,
                body=body,
                status="pending",
                due_at=now,
                attempts=0,
                created_at=now,
            )
        )
    return len(people)


def _note(
    session: Session, incident: Incident, actor: Actor | None, row: CommsUpdate, now: datetime
) -> None:
    told = [f"{n} {a}" for a, n in row.sent.items()]
    if row.public_update_id is not None:
        told.insert(0, "the status page (awaiting approval)")
    when = f"; next update by {row.next_update_at:%H:%M} UTC" if row.next_update_at else ""
    text = f"Update sent to {', '.join(told)}{when}: {row.what_happened[:160]}"
    record(session=session, incident=incident, kind="comms_update", actor=actor, now=now,
           text=text, data={"audiences": row.audiences, "sent": row.sent})  # fmt: skip
