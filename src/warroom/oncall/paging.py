"""The paging engine's running part: advancing due escalations (the worker calls
``do_run_due_escalations`` in a loop), acknowledging pages, paging by hand, and stopping all
paging when an incident is resolved or someone is released."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.access.service import Actor, actor_for
from warroom.errors import Conflict, NotFound
from warroom.incidents.models import Incident
from warroom.incidents.rules import Status, format_ref
from warroom.incidents.schemas import IncidentUpdate
from warroom.incidents.service import record
from warroom.incidents.update import do_update
from warroom.oncall.escalation_rules import Position, is_exhausted, policy_of_snapshot
from warroom.oncall.models import Escalation, EscalationPolicy, Page
from warroom.oncall.paging_notify import (
    PagingContext,
    do_cancel_all,
    do_cancel_waiting,
    open_page,
)
from warroom.oncall.paging_start import (
    Paging,
    do_page_and_record,
    do_pull_forward,
    do_run_step,
    do_start_escalation,
    run_whole,
)


def do_run_due_escalations(
    *, session: Session, now: datetime, secret: str, base_url: str, limit: int = 100
) -> int:
    """Run the next step (or round) of every active escalation due by ``now``, or mark it
    exhausted; returns how many it advanced. Rows another worker holds are skipped, so two
    workers never run one step twice; the caller commits."""
    query = (
        select(Escalation)
        .where(Escalation.status == "active", Escalation.next_at <= now)
        .order_by(Escalation.next_at, Escalation.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    context = PagingContext(base_url, secret)
    advanced = 0
    for escalation in list(session.scalars(query)):
        incident = session.get(Incident, escalation.incident_id)
        if incident is None or not Status(incident.status).is_active:
            _stop(escalation, "stopped", now)
        else:
            work = partial(_advance, session, escalation, incident, now, context)
            if not run_whole(session, incident, now, work, _failed(escalation)):
                _stop(escalation, "failed", now)  # retried, it would fail again every tick
        advanced += 1
    return advanced


def _failed(escalation: Escalation) -> str:
    return (
        f"Escalation {escalation.policy_name!r} failed (the error is logged) and stopped: "
        "page the people needed by hand"
    )


def _advance(
    session: Session,
    escalation: Escalation,
    incident: Incident,
    now: datetime,
    context: PagingContext,
) -> None:
    policy = policy_of_snapshot(escalation.snapshot)
    if not is_exhausted(policy, Position(escalation.step, escalation.round)):
        do_run_step(
            session=session, escalation=escalation, incident=incident, now=now, context=context
        )
        return
    _stop(escalation, "exhausted", now)
    text = (
        f"Escalation {escalation.policy_name!r} is exhausted: nobody acknowledged. "
        "Page someone by hand or escalate again."
    )
    record(session=session, incident=incident, kind="paging", actor=None, now=now, text=text)


def _stop(escalation: Escalation, status: str, now: datetime, by: int | None = None) -> None:
    escalation.status, escalation.next_at = status, None
    escalation.stopped_at, escalation.stopped_by_id = now, by


def active_escalations(session: Session, incident_id: int) -> list[Escalation]:
    query = select(Escalation).where(
        Escalation.incident_id == incident_id, Escalation.status == "active"
    )
    return list(session.scalars(query.order_by(Escalation.id)))


def pages_of(session: Session, incident_id: int, status: str = "open") -> list[Page]:
    query = select(Page).where(Page.incident_id == incident_id, Page.status == status)
    return list(session.scalars(query.order_by(Page.id)))


def do_acknowledge_page(
    session: Session, page: Page, actor: Actor | None, via: str, now: datetime
) -> Page:
    """Someone is on it: the page is acknowledged, the incident's escalations stop, messages
    not yet due are cancelled, and the incident's acknowledged time is set if it was not.

    ``actor`` None is the paged person themself through the signed link."""
    if page.status == "acknowledged":
        return page
    if page.status != "open":
        raise Conflict("this page is closed: the incident no longer pages anyone")
    who = actor or actor_for(page.person)
    page.status, page.acknowledged_at, page.acknowledged_via = "acknowledged", now, via
    for escalation in active_escalations(session, page.incident_id):
        _stop(escalation, "acknowledged", now, who.person_id)
    do_cancel_waiting(session=session, incident_id=page.incident_id, now=now)
    incident = session.get(Incident, page.incident_id)
    assert incident is not None  # a page is deleted with its incident
    text = f"{page.person.name} acknowledged the page (via {via}); escalation stopped"
    if who.person_id != page.person_id:
        text = f"{who.name} acknowledged {page.person.name}'s page (via {via}); escalation stopped"
    record(
        session=session, incident=incident, kind="page_acknowledged", actor=who, now=now, text=text
    )
    if incident.acknowledged_at is None:
        data = IncidentUpdate(acknowledged_at=now)
        do_update(session=session, incident=incident, actor=who, data=data, now=now)
    return page


def do_stop_paging(*, session: Session, incident: Incident, why: str, now: datetime) -> int:
    """The incident is over: escalations stop, open pages close, unsent messages are
    cancelled. Returns the escalations and pages it stopped."""
    escalations = active_escalations(session, incident.id)
    for escalation in escalations:
        _stop(escalation, "stopped", now)
    pages = pages_of(session, incident.id)
    for page in pages:
        page.status, page.closed_at = "closed", now
    cancelled = do_cancel_all(session=session, incident_id=incident.id)
    if escalations or pages or cancelled:
        text = f"Paging stopped ({why}): {len(pages)} open page(s) closed"
        record(session=session, incident=incident, kind="paging", actor=None, now=now, text=text)
    return len(escalations) + len(pages)


def do_close_page_of(
    *, session: Session, incident: Incident, person_id: int, now: datetime
) -> None:
    """A released participant is clear: their open page for the incident closes."""
    page = open_page(session, incident.id, person_id)
    if page is not None:
        page.status, page.closed_at = "closed", now


def do_page_by_hand(
    *,
    session: Session,
    incident: Incident,
    actor: Actor,
    now: datetime,
    context: PagingContext,
    person: Person | None = None,
    policy: EscalationPolicy | None = None,
) -> int:
    """Page a person, or start a policy's escalation, for an incident of any severity."""
    if not Status(incident.status).is_active:
        raise Conflict(f"{format_ref(incident.id)} is {incident.status}: it pages nobody")
    if policy is not None:
        waiting = do_pull_forward(
            session=session, incident=incident, now=now, context=context, policy_id=policy.id
        )
        return waiting or do_start_escalation(
            session=session, incident=incident, policy=policy,
            reason=f"paged by {actor.name}", now=now, context=context, actor=actor,
        )  # fmt: skip
    assert person is not None
    why = f"paged by {actor.name}"
    do_page_and_record(
        session=session, incident=incident, person=person, paging=Paging(why, why), now=now,
        context=context, actor=actor,
    )  # fmt: skip
    return 1


def do_escalate_now(
    *, session: Session, incident: Incident, actor: Actor, now: datetime, context: PagingContext
) -> int:
    """Run the next step of each active escalation at once, without waiting out the delay."""
    escalations = active_escalations(session, incident.id)
    if not escalations:
        raise NotFound(f"{format_ref(incident.id)} has no running escalation to move on")
    text = f"{actor.name} escalated without waiting for the next step"
    record(session=session, incident=incident, kind="paging", actor=actor, now=now, text=text)
    for escalation in escalations:
        _advance(session, escalation, incident, now, context)
    return len(escalations)
