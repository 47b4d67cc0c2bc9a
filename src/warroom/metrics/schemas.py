"""Response bodies of the metrics API (durations in minutes), and their making from the rules'
values."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from warroom.metrics.actions import Completion
from warroom.metrics.rules import By, GroupMetrics, Period, PersonTti, Report, Stat
from warroom.metrics.sla_rules import CreditBasis, SlaLine, rollup

MINUTE = 60.0


class StatOut(BaseModel):
    count: int = Field(description="Incidents (or participations) measured")
    missing: int = Field(description="Left out: a timestamp it needs is not set (yet)")
    mean_minutes: float | None
    median_minutes: float | None
    p90_minutes: float | None = Field(description="90th percentile, nearest rank")


class GroupOut(BaseModel):
    key: str = Field(description="The service, severity, kind or period; 'all' for the total")
    incidents: int
    mttd: StatOut = Field(description="Detected - started")
    mtta: StatOut = Field(description="Acknowledged - detected")
    mttr: StatOut = Field(description="Resolved - started")
    mtti: StatOut = Field(description="Time to innocence: a participant's join → release")
    time_in_status: dict[str, StatOut] = Field(
        description="Time spent in each status the incidents have left"
    )


class PersonOut(BaseModel):
    person_id: int
    name: str
    tti: StatOut


class CompletionOut(BaseModel):
    key: str = Field(description="The action item type; 'all' for the total")
    total: int
    statuses: dict[str, int] = Field(description="Items per status: open, in_progress, ...")
    overdue: int = Field(description="Still open or in progress after their due date (UTC)")
    completion: float | None = Field(description="Done / (total - won't do); None: none meant")
    mean_days_to_done: float | None = Field(description="Creation to completion, done items")


class MetricsOut(BaseModel):
    since: datetime
    until: datetime
    by: By
    period: Period
    total: GroupOut
    groups: list[GroupOut]
    people: list[PersonOut] = Field(description="Time to innocence per person, longest first")
    action_items: list[CompletionOut] = Field(
        description="Action items of these incidents: the total, then per type"
    )


class CreditOut(BaseModel):
    basis: CreditBasis
    percent: float = Field(description="Percent of the monthly fee per step")
    step: float = Field(description="Percentage points below target per step (basis shortfall)")
    beyond_hours: float = Field(description="Hours of an outage free of credit (basis hours)")
    cap: float | None = Field(description="Most percent of the monthly fee, when capped")


class SlaLineOut(BaseModel):
    customer: str
    customer_tier: int
    service: str
    availability_target: float | None
    response_minutes: int | None
    penalty_terms: str
    incidents: int = Field(description="Incidents (SEV1 to SEV3) whose outage overlaps the period")
    outage_minutes: float = Field(description="Outage inside the period, overlaps merged")
    allowed_minutes: float | None = Field(description="Downtime the target allows in the period")
    attainment: float = Field(description="Percent of the period the service was up")
    budget_share: float | None = Field(description="Share of the allowed downtime used")
    breached: bool
    responses_missed: int = Field(description="Incidents acknowledged later than the SLA says")
    credit: CreditOut | None = Field(description="The penalty terms as read; None: not understood")
    credit_percent: float | None = Field(description="Service credit at stake, % of monthly fee")


class SlaRollupOut(BaseModel):
    key: str = Field(description="The customer's or the service's name")
    slas: int
    breached: int = Field(description="How many of those SLAs were breached")
    worst_attainment: float
    responses_missed: int
    worst_credit_percent: float | None = Field(
        description="The largest credit at stake in one contract (% of its monthly fee)"
    )


class SlaOut(BaseModel):
    since: datetime
    until: datetime
    lines: list[SlaLineOut]
    by_customer: list[SlaRollupOut] = Field(description="The lines per customer")
    by_service: list[SlaRollupOut] = Field(description="The lines per service")


def _minutes(value: float | None) -> float | None:
    return None if value is None else value / MINUTE


def stat_out(stat: Stat) -> StatOut:
    return StatOut(
        count=stat.count,
        missing=stat.missing,
        mean_minutes=_minutes(stat.mean),
        median_minutes=_minutes(stat.median),
        p90_minutes=_minutes(stat.p90),
    )


def group_out(group: GroupMetrics) -> GroupOut:
    m = {name: stat_out(stat) for name, stat in group.measures.items()}
    in_status = {k: stat_out(v) for k, v in group.time_in_status.items()}
    return GroupOut(key=group.key, incidents=group.incidents, mttd=m["mttd"], mtta=m["mtta"],
                    mttr=m["mttr"], mtti=m["mtti"], time_in_status=in_status)  # fmt: skip


def person_out(person: PersonTti) -> PersonOut:
    return PersonOut(person_id=person.person_id, name=person.person, tti=stat_out(person.tti))


def completion_out(found: Completion) -> CompletionOut:
    return CompletionOut(key=found.key, total=found.total, statuses=found.statuses,
                         overdue=found.overdue, completion=found.completion,
                         mean_days_to_done=found.mean_days_to_done)  # fmt: skip


def metrics_out(report: Report) -> MetricsOut:
    return MetricsOut(since=report.since, until=report.until, by=report.by, period=report.period,
                      total=group_out(report.total), groups=[group_out(g) for g in report.groups],
                      people=[person_out(p) for p in report.people],
                      action_items=[completion_out(c) for c in report.actions])  # fmt: skip


def sla_line_out(line: SlaLine) -> SlaLineOut:
    t, c = line.terms, line.credit
    credit = None if c is None else CreditOut(basis=c.basis, percent=c.percent, step=c.step,
                                              beyond_hours=c.beyond_hours, cap=c.cap)  # fmt: skip
    return SlaLineOut(
        customer=t.customer, customer_tier=t.customer_tier, service=t.service,
        availability_target=t.target, response_minutes=t.response_minutes,
        penalty_terms=t.penalty_terms, incidents=line.incidents,
        outage_minutes=line.outage_minutes, allowed_minutes=line.allowed_minutes,
        attainment=line.attainment, budget_share=line.budget_share, breached=line.breached,
        responses_missed=line.responses_missed, credit=credit, credit_percent=line.credit_percent,
    )  # fmt: skip


def sla_out(since: datetime, until: datetime, lines: list[SlaLine]) -> SlaOut:
    return SlaOut(
        since=since, until=until, lines=[sla_line_out(x) for x in lines],
        by_customer=[SlaRollupOut(**vars(r)) for r in rollup(lines, "customer")],
        by_service=[SlaRollupOut(**vars(r)) for r in rollup(lines, "service")],
    )  # fmt: skip
