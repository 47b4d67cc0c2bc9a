"""Starting to page for an incident: route it, snapshot each policy onto an escalation and run
its first step at once, and page the SEV1 extras directly, all in the caller's transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Person, Team
from warroom.access.service import Actor
from warroom.catalog.models import Service
from warroom.errors import Conflict
from warroom.incidents.models import Incident
from warroom.incidents.rules import Kind, Severity
from warroom.incidents.service import record
from warroom.oncall.escalation_rules import (
    RENOTIFY_QUIET,
    Plan,
    Position,
    Routes,
    ServiceFacts,
    TargetKind,
    TargetSpec,
    business_start,
    next_position,
    policy_of_snapshot,
    route,
    snapshot_of,
    step_label,
    wait_after,
)
from warroom.oncall.models import (
    Escalation,
    EscalationPolicy,
    Page,
    PagingRoute,
    Schedule,
    ServicePolicy,
)
from warroom.oncall.oncall import on_call
from warroom.oncall.paging_notify import PagingContext, do_page_person
from warroom.oncall.policies import spec_of_policy

log = logging.getLogger("warroom.paging")
FAILED = "Paging failed (the error is logged): page the people needed by hand"


def run_whole(
    session: Session,
    incident: Incident,
    now: datetime,
    work: Callable[[], Any],
    failed: str = FAILED,
) -> bool:
    """Run ``work`` whole or not at all, never failing the change that triggered it: a broken
    schedule must not stop an incident from being declared, nor one escalation stop the
    others. A failure is logged and put on the timeline, where the commander sees that paging
    needs a hand; returns whether ``work`` succeeded."""
    # Starting the savepoint flushes the caller's own changes: their errors stay the caller's.
    savepoint = session.begin_nested()
    try:
        work()
    except Exception:
        savepoint.rollback()
        log.exception("paging failed", extra={"incident": incident.id})
        record(session=session, incident=incident, kind="paging", actor=None, now=now, text=failed)
        return False
    savepoint.commit()
    return True


def routes_of(session: Session) -> Routes:
    rows = {r.name: r for r in session.scalars(select(PagingRoute))}

    def policy(name: str) -> int | None:
        return rows[name].policy_id if name in rows else None

    commander = rows["commander"].schedule_id if "commander" in rows else None
    return Routes(policy("security"), policy("default"), commander)


def service_facts(session: Session, services: list[Service]) -> list[ServiceFacts]:
    ids = [s.id for s in services]
    query = select(ServicePolicy.service_id, ServicePolicy.policy_id).where(
        ServicePolicy.service_id.in_(ids)
    )
    assigned: dict[int, int] = dict(session.execute(query).all())
    return [
        ServiceFacts(
            s.name,
            assigned.get(s.id),
            tuple(p.id for p in _owners(s) if p.active),
            s.owner_team.name if s.owner_team else None,
        )
        for s in services
    ]


def _owners(service: Service) -> list[Person]:
    team = service.owner_team
    if team is None:
        return []
    return [team.lead] if team.lead is not None else list(team.members)


def plan_for(session: Session, incident: Incident, severity: Severity | None = None) -> Plan:
    return route(
        kind=Kind(incident.kind),
        severity=severity or Severity(incident.severity),
        services=service_facts(session, list(incident.services)),
        routes=routes_of(session),
    )


def any_policy(session: Session) -> bool:
    return session.scalar(select(EscalationPolicy.id).limit(1)) is not None


def do_start_paging(
    *,
    session: Session,
    incident: Incident,
    why: str,
    now: datetime,
    context: PagingContext,
    business_hours: bool = False,
) -> int:
    """Page for ``incident`` as its routing says; a policy already escalating for it, or
    acknowledged, is not started again, and people already paged are bundled. With
    ``business_hours``, each escalation waits for its team's business hours to begin. Returns
    how many escalations and people it paged now."""
    plan = plan_for(session, incident)
    paged = 0
    if not business_hours:
        paged = do_pull_forward(session=session, incident=incident, now=now, context=context)
    for policy_id, reason in plan.policies:
        policy = session.get(EscalationPolicy, policy_id)
        if policy is not None and not _answered(session, incident.id, policy_id):
            first = business_start(now, policy_zone(policy)) if business_hours else now
            paged += do_start_escalation(
                session=session,
                incident=incident,
                policy=policy,
                reason=f"{why}; {reason}",
                now=now,
                context=context,
                first_at=first,
            )
    paged += _page_direct(session, incident, plan, now, context)
    if plan.empty and any_policy(session):
        text = f"Nobody was paged: no paging route covers this incident ({why})"
        record(session=session, incident=incident, kind="paging", actor=None, now=now, text=text)
    return paged


def do_pull_forward(
    *,
    session: Session,
    incident: Incident,
    now: datetime,
    context: PagingContext,
    policy_id: int | None = None,
) -> int:
    """Escalations still waiting for business hours start now (of one policy, when given):
    the incident became urgent. Returns how many escalations started."""
    query = select(Escalation).where(
        Escalation.incident_id == incident.id,
        Escalation.status == "active",
        Escalation.step == 0,
        Escalation.round == 0,
        Escalation.next_at > now,
    )
    if policy_id is not None:
        query = query.where(Escalation.policy_id == policy_id)
    waiting = list(session.scalars(query))
    for escalation in waiting:
        do_run_step(
            session=session, escalation=escalation, incident=incident, now=now, context=context
        )
    return len(waiting)


def policy_zone(policy: EscalationPolicy) -> ZoneInfo:
    """The time zone of the business hours a policy pages in: its first target's (a
    schedule's, a person's, a team lead's), else UTC."""
    target = policy.steps[0].targets[0] if policy.steps and policy.steps[0].targets else None
    name = "UTC"
    if target is not None and target.schedule is not None:
        name = target.schedule.timezone
    elif target is not None and target.person is not None:
        name = target.person.timezone
    elif target is not None and target.team is not None and target.team.lead is not None:
        name = target.team.lead.timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _answered(session: Session, incident_id: int, policy_id: int) -> bool:
    """Whether the policy is escalating for the incident, or someone it paged acknowledged."""
    query = select(Escalation.id).where(
        Escalation.incident_id == incident_id,
        Escalation.policy_id == policy_id,
        Escalation.status.in_(("active", "acknowledged")),
    )
    return session.scalar(query.limit(1)) is not None


@dataclass(frozen=True)
class Paging:
    """Why someone is paged: ``why`` for the timeline, ``reason`` for them (the page's text)."""

    why: str
    reason: str
    where: str = ""  # e.g. ", Payments, step 1 of 2"
    escalation_id: int | None = None


def do_page_and_record(
    *,
    session: Session,
    incident: Incident,
    person: Person,
    paging: Paging,
    now: datetime,
    context: PagingContext,
    actor: Actor | None = None,
    quiet: timedelta = RENOTIFY_QUIET,
) -> Page:
    """Page ``person`` and say so on the timeline ("Paged Ann (on call for …), step 1 of 2")."""
    page, sent = do_page_person(
        session=session, incident=incident, person=person, reason=paging.reason, now=now,
        context=context, escalation_id=paging.escalation_id, quiet=quiet,
    )  # fmt: skip
    text = f"Paged {person.name} ({paging.why}){paging.where}" + ("" if sent else "; already paged")
    record(session=session, incident=incident, kind="paged", actor=actor, now=now, text=text)
    return page


def do_start_escalation(
    *,
    session: Session,
    incident: Incident,
    policy: EscalationPolicy,
    reason: str,
    now: datetime,
    context: PagingContext,
    actor: Actor | None = None,
    first_at: datetime | None = None,
) -> int:
    """Snapshot ``policy`` onto a new escalation and run its first step now, or leave it
    for the worker to run at ``first_at`` when that is later."""
    if not policy.steps:  # the API refuses these; a policy is never left without steps
        raise Conflict(f"escalation policy {policy.name!r} has no steps")
    escalation = Escalation(
        incident_id=incident.id,
        policy_id=policy.id,
        policy_name=policy.name,
        snapshot=snapshot_of(spec_of_policy(policy)),
        reason=reason[:300],
        status="active",
        step=0,
        round=0,
        next_at=now,
        created_at=now,
    )
    session.add(escalation)
    session.flush()
    if first_at is not None and first_at > now:
        escalation.next_at = first_at
        at = first_at.strftime("%Y-%m-%d %H:%M UTC")
        text = f"{policy.name} pages when business hours begin, at {at} ({reason})"
        record(session=session, incident=incident, kind="paging", actor=actor, now=now, text=text)
        return 0
    return do_run_step(
        session=session, escalation=escalation, incident=incident, now=now, context=context,
        actor=actor,
    )  # fmt: skip


def do_run_step(
    *,
    session: Session,
    escalation: Escalation,
    incident: Incident,
    now: datetime,
    context: PagingContext,
    actor: Actor | None = None,
) -> int:
    """Page the targets of the escalation's current step and move it on; returns the people
    paged. A step whose targets resolve to nobody (a gap in a rotation) is noted and passed."""
    policy = policy_of_snapshot(escalation.snapshot)
    at = Position(escalation.step, escalation.round)
    label = f"{escalation.policy_name}, {step_label(policy, at)}"
    # A repeat notifies again at once: the policy itself asks for it.
    quiet = RENOTIFY_QUIET if at.round == 0 else timedelta(0)
    people = resolve_targets(session, policy.steps[at.step].targets, now)
    for person, why in people:
        page = Paging(why, f"{why} ({label}; {escalation.reason})", f", {label}", escalation.id)
        do_page_and_record(
            session=session, incident=incident, person=person, paging=page, now=now,
            context=context, actor=actor, quiet=quiet,
        )  # fmt: skip
    if not people:
        text = f"Nobody to page at {label}: the targets have nobody on call"
        record(session=session, incident=incident, kind="paging", actor=actor, now=now, text=text)
    nxt = next_position(policy, at)
    escalation.step, escalation.round = nxt.step, nxt.round
    escalation.next_at = now + wait_after(policy, at)
    return len(people)


def resolve_targets(
    session: Session, targets: tuple[TargetSpec, ...], now: datetime
) -> list[tuple[Person, str]]:
    """The people the targets mean right now, each once, with why: a schedule pages whoever
    is on call, a team its active members, a person themself."""
    found: dict[int, tuple[Person, str]] = {}
    for target in targets:
        for person, why in _resolve(session, target, now):
            if person.active:
                found.setdefault(person.id, (person, why))
    return list(found.values())


def _resolve(session: Session, target: TargetSpec, now: datetime) -> list[tuple[Person, str]]:
    if target.kind is TargetKind.person:
        person = session.get(Person, target.id)
        return [(person, "named in the policy")] if person else []
    if target.kind is TargetKind.schedule:
        schedule = session.get(Schedule, target.id)
        person = on_call(session=session, schedule=schedule, at=now) if schedule else None
        return [(person, f"on call for {target.name}")] if person else []
    team = session.get(Team, target.id)
    return [(p, f"member of {target.name}") for p in team.members] if team else []


def _page_direct(
    session: Session, incident: Incident, plan: Plan, now: datetime, context: PagingContext
) -> int:
    """The SEV1 extras: whoever is on call on the commander rotation, and the owners."""
    people: list[tuple[Person, str]] = []
    for schedule_id, reason in plan.schedules:
        schedule = session.get(Schedule, schedule_id)
        person = on_call(session=session, schedule=schedule, at=now) if schedule else None
        if schedule is not None and person is not None and person.active:
            people.append((person, f"on call for {schedule.name}, the {reason}"))
    for person_id, reason in plan.people:
        person = session.get(Person, person_id)
        if person is not None and person.active:
            people.append((person, reason))
    for person, why in people:
        do_page_and_record(
            session=session, incident=incident, person=person, paging=Paging(why, why),
            now=now, context=context,
        )  # fmt: skip
    return len(people)
