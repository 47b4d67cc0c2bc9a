"""After an incident: the customers it hurt most, by their tier and how much of their SLA it
used (the month's allowed downtime it consumed, a missed response time), each with an
outreach task on the incident so the follow-up is tracked like any other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.catalog.models import Customer, CustomerSla
from warroom.incidents.models import Incident, Task
from warroom.incidents.schemas import TaskCreate
from warroom.incidents.tasks import do_add_task

MONTH = timedelta(days=30)  # the period availability targets are usually measured over
TASK_PREFIX = "Customer follow-up: "


@dataclass(frozen=True)
class Exposure:
    customer: Customer
    services: list[str]
    outage_minutes: float
    budget_share: float | None  # of the month's allowed downtime, worst service; None: no target
    response_missed: bool
    task: Task | None


def outage_window(
    started: datetime | None,
    declared: datetime,
    mitigated: datetime | None,
    resolved: datetime | None,
    now: datetime,
) -> tuple[datetime, datetime]:
    """Customers are hurt from the impact's start until it is mitigated (else resolved; still
    running: until ``now``)."""
    return started or declared, mitigated or resolved or now


def outage(incident: Incident, now: datetime) -> timedelta:
    start, end = outage_window(incident.started_at, incident.declared_at, incident.mitigated_at,
                               incident.resolved_at, now)  # fmt: skip
    return max(end - start, timedelta(0))


def allowed_downtime(target: float | None, period: timedelta = MONTH) -> timedelta | None:
    """The downtime an availability target allows over ``period``; None: no target, or 100 %."""
    if target is None or target >= 100:
        return None
    return period * (1 - target / 100)


def budget_share(target: float | None, down: timedelta, period: timedelta = MONTH) -> float | None:
    """How much of the period's allowed downtime ``down`` used (1.0: all of it)."""
    allowed = allowed_downtime(target, period)
    return None if allowed is None else down / allowed


def affected(session: Session, incident: Incident, now: datetime) -> list[Exposure]:
    """Customers with an SLA on an impacted service, most affected first: tier, then share of
    the downtime budget used, then a missed response time."""
    ids = {s.id: s.name for s in incident.services}
    if not ids:
        return []
    rows = session.scalars(select(CustomerSla).where(CustomerSla.service_id.in_(list(ids))))
    by_customer: dict[int, list[CustomerSla]] = {}
    for row in rows:
        by_customer.setdefault(row.customer_id, []).append(row)
    tasks = _tasks(session, incident)
    down = outage(incident, now)
    waited = (incident.acknowledged_at or now) - (incident.detected_at or incident.declared_at)
    found = [_exposure(session.get(Customer, cid), slas, ids, down, waited, tasks)
             for cid, slas in by_customer.items()]  # fmt: skip
    kept = [e for e in found if e is not None]
    return sorted(kept, key=lambda e: (e.customer.tier, -(e.budget_share or 0), e.customer.name))


def _exposure(
    customer: Customer | None,
    slas: list[CustomerSla],
    names: dict[int, str],
    down: timedelta,
    waited: timedelta,
    tasks: dict[str, Task],
) -> Exposure | None:
    """``waited``: detection to acknowledgement (still unacknowledged: until now, as the
    metrics count it)."""
    if customer is None:
        return None
    shares = [budget_share(s.availability_target, down) for s in slas]
    known = [s for s in shares if s is not None]
    missed = any(
        s.response_minutes is not None and waited > timedelta(minutes=s.response_minutes)
        for s in slas
    )
    return Exposure(
        customer=customer,
        services=sorted(names[s.service_id] for s in slas),
        outage_minutes=down.total_seconds() / 60,
        budget_share=max(known) if known else None,
        response_missed=missed,
        task=tasks.get(customer.name),
    )


def _tasks(session: Session, incident: Incident) -> dict[str, Task]:
    query = select(Task).where(Task.incident_id == incident.id, Task.title.startswith(TASK_PREFIX))
    return {t.title.removeprefix(TASK_PREFIX): t for t in session.scalars(query)}


def do_plan_outreach(
    *, session: Session, incident: Incident, actor: Actor | None, now: datetime, limit: int = 20
) -> list[Task]:
    """An outreach task for each of the most affected customers without one yet."""
    made = []
    for exposure in affected(session, incident, now)[:limit]:
        if exposure.task is None:
            data = TaskCreate(title=f"{TASK_PREFIX}{exposure.customer.name}")
            made.append(
                do_add_task(session=session, incident=incident, actor=actor, data=data, now=now)
            )
    return made
