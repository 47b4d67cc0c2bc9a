"""Pure SLA maths over a reporting period: the downtime of a service (its incidents' outage
windows, merged where they overlap and clipped to the period), attainment against the
availability target, breach, missed response times, and the service credit the penalty terms
put at stake. The outage window and the allowed downtime are the incident follow-up's own
(``warroom.statuspage.followup``), so both pages agree on what an outage is."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from warroom.statuspage.followup import allowed_downtime, budget_share

HOUR = timedelta(hours=1)
# Sub-second noise from float division must not start one more step of credit.
EPSILON = 1e-9
NUMBER = r"(\d+(?:\.\d+)?)"
SHORTFALL = re.compile(NUMBER + r"\s*%[^%]*?\bper\s+" + NUMBER + r"\s*%\s+below\b", re.I)
PER_HOUR = re.compile(
    NUMBER + r"\s*%[^%]*?\bper\s+hour\b(?:[^%]*?\bbeyond\s+" + NUMBER + r"\s*hours?\b)?", re.I
)
CAP = re.compile(r"\bcap(?:ped)?\s+(?:at\s+)?" + NUMBER + r"\s*%", re.I)


class CreditBasis(StrEnum):
    shortfall = "shortfall"  # N % of the fee per M percentage points below target
    hours = "hours"  # N % of the fee per hour of an outage beyond H hours


@dataclass(frozen=True)
class CreditTerms:
    basis: CreditBasis
    percent: float  # of the monthly fee, per step
    step: float  # percentage points below target (shortfall) or unused (hours)
    beyond_hours: float
    cap: float | None


@dataclass(frozen=True)
class SlaTerms:
    customer: str
    customer_tier: int
    service: str
    target: float | None
    response_minutes: int | None
    penalty_terms: str


@dataclass(frozen=True)
class Impact:
    """One incident on the service: its outage window (not yet clipped) and how long
    acknowledging it took from detection (to ``now`` while unacknowledged)."""

    incident_id: int
    start: datetime
    end: datetime
    waited: timedelta


@dataclass(frozen=True)
class SlaLine:
    terms: SlaTerms
    incidents: int
    outage_minutes: float
    allowed_minutes: float | None
    attainment: float  # percent of the period the service was up
    budget_share: float | None
    breached: bool
    responses_missed: int
    credit: CreditTerms | None
    credit_percent: float | None  # of the monthly fee; None: the terms are not understood


def parse_terms(text: str) -> CreditTerms | None:
    """The two shapes of service credit warroom reads; anything else is left to people."""
    cap_found = CAP.search(text)
    cap = float(cap_found.group(1)) if cap_found else None
    if found := SHORTFALL.search(text):
        return CreditTerms(CreditBasis.shortfall, float(found.group(1)), float(found.group(2)),
                           0.0, cap)  # fmt: skip
    if found := PER_HOUR.search(text):
        beyond = float(found.group(2)) if found.group(2) else 0.0
        return CreditTerms(CreditBasis.hours, float(found.group(1)), 1.0, beyond, cap)
    return None


def clip(
    start: datetime, end: datetime, since: datetime, until: datetime
) -> tuple[datetime, datetime] | None:
    low, high = max(start, since), min(end, until)
    return (low, high) if high > low else None


def downtime(
    impacts: Sequence[Impact], since: datetime, until: datetime
) -> list[tuple[datetime, datetime]]:
    """The outage windows inside the period, overlapping ones merged: two incidents on the
    same service at once are one outage, not two."""
    clipped = sorted(w for i in impacts if (w := clip(i.start, i.end, since, until)))
    merged: list[tuple[datetime, datetime]] = []
    for start, end in clipped:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _steps(amount: float) -> int:
    """Each started step counts: the exposure is the most the terms could cost."""
    return max(0, math.ceil(amount - EPSILON))


def credit_percent(
    terms: CreditTerms, target: float | None, attainment: float, outages: Sequence[timedelta]
) -> float:
    if terms.basis is CreditBasis.shortfall:
        shortfall = 0.0 if target is None else target - attainment
        credit = _steps(shortfall / terms.step) * terms.percent
    else:
        credit = sum(_steps(o / HOUR - terms.beyond_hours) for o in outages) * terms.percent
    return credit if terms.cap is None else min(credit, terms.cap)


def sla_line(
    terms: SlaTerms, impacts: Sequence[Impact], since: datetime, until: datetime
) -> SlaLine:
    period = until - since
    windows = downtime(impacts, since, until)
    down = sum((end - start for start, end in windows), timedelta(0))
    allowed = allowed_downtime(terms.target, period)
    attainment = 100 * (1 - down / period)
    counted = [i for i in impacts if clip(i.start, i.end, since, until)]
    limit = None if terms.response_minutes is None else timedelta(minutes=terms.response_minutes)
    late = sum(1 for i in counted if limit is not None and i.waited > limit)
    credit = parse_terms(terms.penalty_terms)
    percent = (
        None if credit is None
        else credit_percent(credit, terms.target, attainment, [e - s for s, e in windows])
    )  # fmt: skip
    return SlaLine(
        terms=terms,
        incidents=len(counted),
        outage_minutes=down / timedelta(minutes=1),
        allowed_minutes=None if allowed is None else allowed / timedelta(minutes=1),
        attainment=attainment,
        budget_share=budget_share(terms.target, down, period),
        breached=allowed is not None and down > allowed,
        responses_missed=late,
        credit=credit,
        credit_percent=percent,
    )


def worst_first(lines: Sequence[SlaLine]) -> list[SlaLine]:
    """Breaches first, then customer tier (1 first), then the most of the budget used."""
    return sorted(lines, key=lambda x: (not x.breached, x.terms.customer_tier,
                                        -(x.budget_share or 0), x.terms.customer,
                                        x.terms.service))  # fmt: skip


@dataclass(frozen=True)
class SlaRollup:
    key: str  # the customer's or the service's name
    slas: int
    breached: int
    worst_attainment: float
    responses_missed: int
    worst_credit_percent: float | None  # the largest credit of one contract; fees differ


def rollup(lines: Sequence[SlaLine], by: str) -> list[SlaRollup]:
    """The lines per customer (``by="customer"``) or per service: how many SLAs, how many
    breached, the worst attainment; most breaches first. Credits are percents of each
    contract's own fee, so they are not added up: the largest is shown."""
    groups: dict[str, list[SlaLine]] = {}
    for line in lines:
        groups.setdefault(getattr(line.terms, by), []).append(line)
    found = [
        SlaRollup(key, len(group), sum(x.breached for x in group),
                  min(x.attainment for x in group), sum(x.responses_missed for x in group),
                  max((x.credit_percent for x in group if x.credit_percent is not None),
                      default=None))
        for key, group in groups.items()
    ]  # fmt: skip
    return sorted(found, key=lambda r: (-r.breached, r.worst_attainment, r.key))
