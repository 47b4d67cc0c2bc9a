"""SLA attainment, breach and credit over a 30-day period, worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warroom.metrics.sla_rules import (
    CreditBasis,
    Impact,
    SlaTerms,
    downtime,
    parse_terms,
    sla_line,
    worst_first,
)

SINCE, UNTIL = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)  # 43,200 min
SHORTFALL = "Service credit of 5% of the monthly fee per 0.1% below target, capped at 25%"
HOURS = "10% credit per hour of checkout outage beyond 2 hours"


def nov(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def impact(start: datetime, end: datetime, waited: float = 5, number: int = 1) -> Impact:
    return Impact(number, start, end, timedelta(minutes=waited))


# 10:00-11:00 and 10:30-11:30 overlap: one 90-minute outage. The third began the evening
# before the period and was mitigated at 00:20: 20 minutes count. Total 110 minutes.
IMPACTS = [
    impact(nov(3, 10), nov(3, 11), waited=10, number=1),
    impact(nov(3, 10, 30), nov(3, 11, 30), waited=45, number=2),
    impact(datetime(2026, 10, 31, 23, 40, tzinfo=UTC), nov(1, 0, 20), number=3),
    impact(datetime(2026, 10, 20, tzinfo=UTC), datetime(2026, 10, 21, tzinfo=UTC), number=4),
]


def terms(target: float | None = 99.9, penalty: str = SHORTFALL, tier: int = 1) -> SlaTerms:
    return SlaTerms("Acme", tier, "orders", target, 30, penalty)


def test_outages_are_clipped_to_the_period_and_merged() -> None:
    windows = downtime(IMPACTS, SINCE, UNTIL)
    assert windows == [(SINCE, nov(1, 0, 20)), (nov(3, 10), nov(3, 11, 30))]


def test_attainment_breach_and_shortfall_credit() -> None:
    line = sla_line(terms(), IMPACTS, SINCE, UNTIL)
    assert line.incidents == 3  # the fourth ended before the period
    assert line.outage_minutes == 110
    assert line.allowed_minutes == pytest.approx(43.2)  # 0.1 % of 43,200 minutes
    assert line.attainment == pytest.approx(100 * (1 - 110 / 43_200))  # 99.74537 %
    assert line.budget_share == pytest.approx(110 / 43.2)
    assert line.breached is True
    assert line.responses_missed == 1  # acknowledged 45 minutes after detection; SLA says 30
    # 99.9 - 99.74537 = 0.1546 points below: two started steps of 0.1 → 2 x 5 % = 10 %.
    assert line.credit_percent == 10


def test_the_cap_limits_the_credit() -> None:
    long = [impact(nov(5, 0), nov(6, 0))]  # 1,440 min: 96.667 %, 33 steps below 99.9
    assert sla_line(terms(), long, SINCE, UNTIL).credit_percent == 25


def test_within_target_is_no_breach_and_no_credit() -> None:
    short = [impact(nov(3, 10), nov(3, 10, 30))]
    line = sla_line(terms(), short, SINCE, UNTIL)
    assert (line.breached, line.credit_percent, line.outage_minutes) == (False, 0, 30)


def test_hourly_credit_counts_each_outage_beyond_its_free_hours() -> None:
    # 3 h 10 min: 1 h 10 min beyond the free 2 h → two started hours → 20 %; the others are
    # under 2 h each and cost nothing.
    outages = [*IMPACTS, impact(nov(10, 8), nov(10, 11, 10))]
    assert sla_line(terms(penalty=HOURS), outages, SINCE, UNTIL).credit_percent == 20


def test_terms_warroom_cannot_read_are_left_to_people() -> None:
    line = sla_line(terms(penalty="Renegotiate at the quarterly review"), IMPACTS, SINCE, UNTIL)
    assert (line.credit, line.credit_percent, line.breached) == (None, None, True)
    none = sla_line(terms(target=None, penalty=""), IMPACTS, SINCE, UNTIL)
    assert (none.allowed_minutes, none.budget_share, none.breached) == (None, None, False)


def test_parsing_the_two_shapes_of_credit() -> None:
    shortfall = parse_terms(SHORTFALL)
    assert shortfall is not None
    assert (shortfall.basis, shortfall.percent, shortfall.step, shortfall.cap) == (
        CreditBasis.shortfall, 5, 0.1, 25,
    )  # fmt: skip
    hours = parse_terms(HOURS)
    assert hours is not None
    assert (hours.basis, hours.percent, hours.beyond_hours, hours.cap) == (
        CreditBasis.hours, 10, 2, None,
    )  # fmt: skip


def test_breaches_come_first_then_customer_tier() -> None:
    ok = sla_line(SlaTerms("Zeta", 1, "orders", 99.0, None, ""), IMPACTS, SINCE, UNTIL)
    bad = sla_line(terms(tier=2), IMPACTS, SINCE, UNTIL)
    assert [x.terms.customer for x in worst_first([ok, bad])] == ["Acme", "Zeta"]
