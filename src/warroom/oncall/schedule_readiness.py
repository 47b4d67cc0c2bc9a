"""What the readiness report learns from on-call: which services an incident would reach
someone for at any hour. Registered as a snapshot source (``install``), so the catalog, a lower
domain, never imports this one."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.catalog import readiness
from warroom.catalog.readiness_facts import Snapshot
from warroom.oncall.models import EscalationPolicy, ServicePolicy
from warroom.oncall.oncall import spec_of
from warroom.oncall.schedule_queries import team_people
from warroom.oncall.schedule_rules import Span, common_gaps, gaps

HORIZON = timedelta(days=7)


def install() -> None:
    readiness.SNAPSHOT_SOURCES["oncall"] = oncall_facts


def uncovered(policy: EscalationPolicy, start: datetime, end: datetime) -> list[Span]:
    """When none of the policy's steps reaches anybody over [start, end): a person or a team
    with people always does; schedules do outside the gaps they all share."""
    schedule_gaps: list[list[Span]] = []
    for target in (t for step in policy.steps for t in step.targets):
        if target.person is not None and target.person.active:
            return []
        if target.team is not None and team_people(target.team):
            return []
        if target.schedule is not None:
            schedule_gaps.append(gaps(spec_of(target.schedule), start, end))
    return common_gaps(schedule_gaps) if schedule_gaps else [(start, end)]


def covered_services(*, session: Session, now: datetime) -> frozenset[str]:
    """Services whose escalation policy reaches someone at every moment of the next 7 days."""
    verdicts: dict[int, bool] = {}  # several services often share one policy
    covered = set()
    for link in session.scalars(select(ServicePolicy)):
        if link.policy_id not in verdicts:
            verdicts[link.policy_id] = not uncovered(link.policy, now, now + HORIZON)
        if verdicts[link.policy_id]:
            covered.add(link.service.name)
    return frozenset(covered)


def oncall_facts(session: Session, now: datetime, snapshot: Snapshot) -> Snapshot:
    """Paging counts as in use once an escalation policy exists; before that, every service
    would be reported and the finding would say nothing new."""
    if session.scalar(select(EscalationPolicy.id).limit(1)) is None:
        return snapshot
    covered = covered_services(session=session, now=now)
    return replace(snapshot, paging=True, oncall_services=covered)
