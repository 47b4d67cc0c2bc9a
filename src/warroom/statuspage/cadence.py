"""Update cadence: SEV1 incidents owe an update every 30 minutes, SEV2 every 60 (configurable).
The clock runs from the last published status page update, or from the declaration. When an
update is overdue, the war room shows it and the worker tells the communications lead (or,
with none named, the commander) once per due time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from warroom.access.models import Person
from warroom.db import transaction
from warroom.incidents.models import Incident
from warroom.incidents.rules import IncidentRole, format_ref
from warroom.incidents.service import ACTIVE_STATUSES, active_roles, record
from warroom.oncall.notices import do_notify
from warroom.settings import Settings
from warroom.statuspage.models import CommsUpdate, PublicIncident, PublicUpdate, UpdateReminder
from warroom.statuspage.rules import next_update_due


@dataclass(frozen=True)
class Due:
    incident: Incident
    last: datetime  # the last published update, or the declaration
    due_at: datetime

    def overdue(self, now: datetime) -> bool:
        return self.due_at <= now

    def minutes_left(self, now: datetime) -> int:
        return int((self.due_at - now).total_seconds() // 60)


def last_published(session: Session, incident_ids: list[int]) -> dict[int, datetime]:
    if not incident_ids:
        return {}
    query = (
        select(PublicIncident.incident_id, func.max(PublicUpdate.display_at))
        .join(PublicUpdate, PublicUpdate.public_incident_id == PublicIncident.id)
        .where(PublicIncident.incident_id.in_(incident_ids), PublicUpdate.state == "published")
        .group_by(PublicIncident.incident_id)
    )
    return {i: at for i, at in session.execute(query).all() if i is not None and at is not None}


def last_sent(session: Session, incident_ids: list[int]) -> dict[int, CommsUpdate]:
    """Each incident's latest update sent to any audience (with the time it promised next)."""
    if not incident_ids:
        return {}
    query = (
        select(CommsUpdate)
        .where(CommsUpdate.incident_id.in_(incident_ids))
        .order_by(CommsUpdate.created_at)
    )
    return {row.incident_id: row for row in session.scalars(query)}


def due_for(session: Session, incidents: list[Incident], cadence: dict[str, int]) -> list[Due]:
    """The next update due for each incident with a cadence: when the last one promised it,
    else the cadence after the last update published or sent (or after the declaration)."""
    ids = [i.id for i in incidents]
    published, sent = last_published(session, ids), last_sent(session, ids)
    found = []
    for incident in incidents:
        latest = sent.get(incident.id)
        times = [incident.declared_at, published.get(incident.id)]
        times.append(latest.created_at if latest is not None else None)
        since = max(t for t in times if t is not None)
        due_at = next_update_due(incident.severity, since, cadence)
        if latest is not None and latest.next_update_at and latest.created_at == since:
            due_at = latest.next_update_at if due_at is not None else None
        if due_at is not None:
            found.append(Due(incident, since, due_at))
    return found


def update_due(session: Session, incident: Incident, cadence: dict[str, int]) -> Due | None:
    if incident.status not in ACTIVE_STATUSES:
        return None
    found = due_for(session, [incident], cadence)
    return found[0] if found else None


def do_remind_overdue(*, session: Session, now: datetime, cadence: dict[str, int]) -> int:
    """Tell the communications lead of each incident whose update is overdue; once per due
    time (a unique row claims it, so several workers tell them once)."""
    query = select(Incident).where(
        Incident.status.in_(ACTIVE_STATUSES), Incident.severity.in_(list(cadence))
    )
    told = 0
    for due in due_for(session, list(session.scalars(query)), cadence):
        if due.overdue(now) and _claim(session, due, now):
            _remind(session, due, now)
            told += 1
    return told


def _claim(session: Session, due: Due, now: datetime) -> bool:
    try:
        with session.begin_nested():
            session.add(UpdateReminder(incident_id=due.incident.id, due_at=due.due_at, sent_at=now))
    except IntegrityError:
        return False
    return True


def _remind(session: Session, due: Due, now: datetime) -> None:
    incident, ref = due.incident, format_ref(due.incident.id)
    late = -due.minutes_left(now)
    person = _comms_lead(session, incident)
    text = f"Update overdue by {late} min (last at {due.last:%H:%M} UTC)"
    record(
        session=session,
        incident=incident,
        kind="update_overdue",
        actor=None,
        now=now,
        text=text,
        data={"due_at": due.due_at.isoformat()},
    )
    body = (
        f"{ref} ({incident.severity}) {incident.title}\n\n"
        f"The next update was due at {due.due_at:%Y-%m-%d %H:%M} UTC. Post one to the status "
        "page and the stakeholders, with the time of the one after."
    )
    do_notify(
        session=session,
        people=[person],
        subject=f"Update overdue: {ref} {incident.title}",
        body=body,
        now=now,
        incident_id=incident.id,
    )


def _comms_lead(session: Session, incident: Incident) -> Person | None:
    roles = active_roles(session=session, incident=incident)
    for wanted in (IncidentRole.comms_lead.value, IncidentRole.commander.value):
        for row in roles:
            if row.role == wanted:
                return session.get(Person, row.person_id)
    return None


def worker_jobs(
    settings: Settings,
) -> list[tuple[str, Callable[[sessionmaker[Session], datetime], int]]]:
    """The worker's periodic reminder of overdue updates."""
    cadence = dict(settings.update_cadence_minutes)

    def remind(sessions: sessionmaker[Session], now: datetime) -> int:
        with transaction(sessions) as session:
            return do_remind_overdue(session=session, now=now, cadence=cadence)

    return [("update reminders", remind)]


def last_sent_all(session: Session, incident_id: int) -> list[CommsUpdate]:
    """Every update sent for the incident, newest first."""
    query = select(CommsUpdate).where(CommsUpdate.incident_id == incident_id)
    return list(session.scalars(query.order_by(CommsUpdate.created_at.desc(), CommsUpdate.id)))
