"""Declaring an incident: the first minute of the response, in one transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.access.service import Actor
from warroom.catalog.models import Service
from warroom.catalog.service import check_services
from warroom.incidents.models import Incident
from warroom.incidents.people import do_assign_role, do_join
from warroom.incidents.rules import (
    IncidentRole,
    Kind,
    Severity,
    Status,
    check_milestone_order,
    format_ref,
    needs_commander,
)
from warroom.incidents.schemas import IncidentCreate
from warroom.incidents.service import check_person, record
from warroom.incidents.tasks import do_apply_template, matching_templates


def do_declare(
    *, session: Session, actor: Actor | None, data: IncidentCreate, now: datetime
) -> Incident:
    """Open the incident, name its commander, bring in the owners and lay out the checklist.

    Without an ``actor`` warroom declares it itself (from correlated alerts): nobody is the
    reporter, and nobody becomes commander by declaring."""
    services = check_services(session=session, names=data.services)
    commander = (
        check_person(session=session, email=data.commander, field="commander")
        if data.commander
        else None
    )
    detected = data.detected_at or now
    started = data.started_at or detected
    check_milestone_order({"started_at": started, "detected_at": detected}, now)
    incident = Incident(
        title=data.title,
        description=data.description,
        kind=data.kind.value,
        severity=data.severity.value,
        status=Status.triage.value,
        reporter_id=actor.person_id if actor else None,
        declared_at=now,
        updated_at=now,
        started_at=started,
        detected_at=detected,
        restricted=data.kind is Kind.security if data.restricted is None else data.restricted,
    )
    incident.services = services
    session.add(incident)
    session.flush()
    who = actor.name if actor else "warroom"
    record(
        session=session,
        incident=incident,
        kind="declared",
        actor=actor,
        now=now,
        text=f"{who} declared {format_ref(incident.id)} as {data.severity}: {data.title}",
        after=data.severity.value,
    )
    _name_commander(session, incident, actor, commander, now)
    bring_owners(session, incident, actor, services, now)
    for template in matching_templates(session=session, kind=data.kind, severity=data.severity):
        do_apply_template(
            session=session, incident=incident, actor=actor, template=template, now=now
        )
    return incident


def _name_commander(
    session: Session, incident: Incident, actor: Actor | None, named: Person | None, now: datetime
) -> None:
    if named is not None:
        do_assign_role(
            session=session,
            incident=incident,
            actor=actor,
            role=IncidentRole.commander,
            person=named,
            now=now,
        )
    elif needs_commander(Severity(incident.severity)):
        if actor is not None:
            assign_declarer_as_commander(session=session, incident=incident, actor=actor, now=now)
        else:
            owner_as_commander(session, incident, now)


def owner_as_commander(session: Session, incident: Incident, now: datetime) -> None:
    """warroom declared a major incident itself: the lead of the first impacted service's
    owning team commands until someone takes over, so it is never without an IC."""
    teams = [s.owner_team for s in incident.services if s.owner_team and s.owner_team.lead]
    if not teams or teams[0].lead is None:
        text = (
            "No commander yet: no impacted service has an owning team with a lead. Assign an "
            f"incident commander (a {incident.severity} always has one)."
        )
        record(session=session, incident=incident, kind="note", actor=None, now=now, text=text)
        return
    lead = teams[0].lead
    do_assign_role(
        session=session,
        incident=incident,
        actor=None,
        role=IncidentRole.commander,
        person=lead,
        now=now,
        note=f"{lead.name}, lead of {teams[0].name}, is incident commander until someone "
        "takes over",
    )


def assign_declarer_as_commander(
    *, session: Session, incident: Incident, actor: Actor, now: datetime
) -> None:
    person = session.get(Person, actor.person_id)
    assert person is not None
    do_assign_role(
        session=session,
        incident=incident,
        actor=actor,
        role=IncidentRole.commander,
        person=person,
        now=now,
        note=f"No commander was named, so {person.name} is incident commander "
        f"(a {incident.severity} always has one)",
    )


def bring_owners(
    session: Session,
    incident: Incident,
    actor: Actor | None,
    services: list[Service],
    now: datetime,
) -> None:
    """Owners of impacted services join: the owning team's lead, or its members if it has none."""
    for service in services:
        team = service.owner_team
        if team is None:
            continue
        people = [team.lead] if team.lead is not None else team.members
        for person in people:
            if person is not None and person.active:
                do_join(
                    session=session,
                    incident=incident,
                    actor=actor,
                    person=person,
                    reason=f"owner of {service.name} ({team.name})",
                    now=now,
                )
