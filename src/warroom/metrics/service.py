"""Metrics use cases: read the incidents a viewer may see into plain facts, and hand them to
the pure rules. Every query over incidents is filtered by the viewer's sight, so a restricted
incident the viewer may not see adds nothing to any count, mean or SLA figure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.access.service import Actor
from warroom.catalog.models import Customer, CustomerSla, Service
from warroom.incidents.models import Incident, IncidentService, Participant, TimelineEvent
from warroom.incidents.rules import Severity
from warroom.incidents.visibility import sight, visible
from warroom.metrics import actions, rules, sla_rules
from warroom.metrics.actions import ActionFacts, Completion
from warroom.metrics.rules import By, IncidentFacts, Participation, Period, StatusChange
from warroom.metrics.sla_rules import Impact, SlaLine, SlaTerms
from warroom.reviews.models import ActionItem
from warroom.statuspage.followup import outage_window

STATUS_CHANGED = "status_changed"  # the timeline kind incidents/update.py records
# "No customer impact" by definition: a SEV4 uses no SLA budget.
NO_IMPACT = Severity.SEV4.value


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime
    by: By = By.service
    period: Period = Period.month


def check_window(
    *, since: str | None, until: str | None, by: By, period: Period, now: datetime
) -> Window:
    """The reporting window from the query: ``until`` defaults to now, ``since`` to 30 days
    before ``until``."""
    end = rules.parse_instant(until, "until") if until else now
    start = rules.parse_instant(since, "since") if since else end - timedelta(days=30)
    rules.check_window(start, end)
    return Window(start, end, by, period)


def _began() -> ColumnElement[datetime]:
    return func.coalesce(Incident.started_at, Incident.declared_at)


def _visible_incidents(session: Session, actor: Actor | None) -> Select[Incident]:
    return select(Incident).where(visible(sight(session, actor)))


def incident_facts(
    *, session: Session, actor: Actor | None, since: datetime, until: datetime
) -> list[IncidentFacts]:
    """The incidents that began in ``[since, until)`` and the viewer may see."""
    query = _visible_incidents(session, actor).where(_began() >= since, _began() < until)
    incidents = list(session.scalars(query.order_by(Incident.id)))
    ids = [i.id for i in incidents]
    names = _service_names(session, ids)
    changes = _status_changes(session, ids)
    people = _participations(session, ids)
    return [
        IncidentFacts(
            id=i.id, kind=i.kind, severity=i.severity, services=tuple(names.get(i.id, ())),
            declared_at=i.declared_at, started_at=i.started_at, detected_at=i.detected_at,
            acknowledged_at=i.acknowledged_at, mitigated_at=i.mitigated_at,
            resolved_at=i.resolved_at, changes=tuple(changes.get(i.id, ())),
            participants=tuple(people.get(i.id, ())),
        )
        for i in incidents
    ]  # fmt: skip


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    # Bound the IN lists: SQLite and PostgreSQL both cap a statement's parameters.
    for at in range(0, len(ids), size):
        yield ids[at : at + size]


def _service_names(session: Session, ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for chunk in _chunks(ids):
        query = (
            select(IncidentService.incident_id, Service.name)
            .join(Service, Service.id == IncidentService.service_id)
            .where(IncidentService.incident_id.in_(chunk))
            .order_by(Service.name)
        )
        for incident_id, name in session.execute(query):
            found.setdefault(incident_id, []).append(name)
    return found


def _status_changes(session: Session, ids: list[int]) -> dict[int, list[StatusChange]]:
    found: dict[int, list[StatusChange]] = {}
    for chunk in _chunks(ids):
        query = select(TimelineEvent.incident_id, TimelineEvent.occurred_at,
                       TimelineEvent.before, TimelineEvent.after).where(
            TimelineEvent.incident_id.in_(chunk), TimelineEvent.kind == STATUS_CHANGED
        ).order_by(TimelineEvent.occurred_at, TimelineEvent.id)  # fmt: skip
        for incident_id, at, before, after in session.execute(query):
            found.setdefault(incident_id, []).append(StatusChange(at, before or "", after or ""))
    return found


def _participations(session: Session, ids: list[int]) -> dict[int, list[Participation]]:
    found: dict[int, list[Participation]] = {}
    for chunk in _chunks(ids):
        query = (
            select(Participant.incident_id, Person.id, Person.name, Participant.joined_at,
                   Participant.released_at)
            .join(Person, Person.id == Participant.person_id)
            .where(Participant.incident_id.in_(chunk))
            .order_by(Participant.id)
        )  # fmt: skip
        for incident_id, pid, name, joined, released in session.execute(query):
            found.setdefault(incident_id, []).append(Participation(pid, name, joined, released))
    return found


def metrics_report(
    *, session: Session, actor: Actor | None, window: Window, now: datetime
) -> rules.Report:
    facts = incident_facts(session=session, actor=actor, since=window.since, until=window.until)
    found = rules.report(facts, window.since, window.until, window.by, window.period)
    done = action_completion(session=session, actor=actor, window=window, now=now)
    return replace(found, actions=done)


def action_completion(
    *, session: Session, actor: Actor | None, window: Window, now: datetime
) -> list[Completion]:
    """The action items of the incidents that began in the window (and the viewer may see)."""
    query = (
        select(ActionItem.type, ActionItem.status, ActionItem.due_on, ActionItem.created_at,
               ActionItem.completed_at)
        .join(Incident, Incident.id == ActionItem.incident_id)
        .where(visible(sight(session, actor)), _began() >= window.since, _began() < window.until)
    )  # fmt: skip
    items = [ActionFacts(*row) for row in session.execute(query)]
    return actions.by_type(items, now)


# ---------------------------------------------------------------- SLA


def _impacts(
    session: Session, actor: Actor | None, window: Window, now: datetime
) -> dict[int, list[Impact]]:
    """Per service id: the visible incidents (SEV1 to SEV3) whose outage overlaps the window."""
    ended = func.coalesce(Incident.mitigated_at, Incident.resolved_at)
    query = (
        select(IncidentService.service_id, Incident)
        .join(Incident, Incident.id == IncidentService.incident_id)
        .where(visible(sight(session, actor)), Incident.severity != NO_IMPACT,
               _began() < window.until, ended.is_(None) | (ended > window.since))
        .order_by(Incident.id)
    )  # fmt: skip
    found: dict[int, list[Impact]] = {}
    for service_id, incident in session.execute(query):
        found.setdefault(service_id, []).append(_impact(incident, now))
    return found


def _impact(incident: Incident, now: datetime) -> Impact:
    start, end = outage_window(incident.started_at, incident.declared_at, incident.mitigated_at,
                               incident.resolved_at, now)  # fmt: skip
    detected = incident.detected_at or incident.declared_at
    waited = (incident.acknowledged_at or now) - detected
    return Impact(incident.id, start, end, waited)


def sla_report(
    *, session: Session, actor: Actor | None, window: Window, now: datetime
) -> list[SlaLine]:
    """Every customer SLA, measured over the window, worst first."""
    query = (
        select(CustomerSla, Customer.name, Customer.tier, Service.name)
        .join(Customer, Customer.id == CustomerSla.customer_id)
        .join(Service, Service.id == CustomerSla.service_id)
    )
    impacts = _impacts(session, actor, window, now)
    lines = [
        sla_rules.sla_line(
            SlaTerms(customer, tier, service, sla.availability_target, sla.response_minutes,
                     sla.penalty_terms),
            impacts.get(sla.service_id, []), window.since, window.until,
        )
        for sla, customer, tier, service in session.execute(query)
    ]  # fmt: skip
    return sla_rules.worst_first(lines)
