"""The status page's pure rules: the worst status (what a group shows), the page's overall
indicator in Statuspage's words, and uptime per day from a component's history, across day
boundaries, counting a partial outage as 30 % down and a major one as wholly down."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from warroom.statuspage.rules import (
    ComponentStatus,
    Indicator,
    daily_uptime,
    overall_uptime,
    page_indicator,
    worst,
)

C = ComponentStatus
ALL_GOOD = Indicator("none", "All Systems Operational")
MINOR = Indicator("minor", "Minor Service Outage")
PARTIAL = Indicator("major", "Partial System Outage")
# A component wholly down reads as a major outage even before an incident says how bad.
MAJOR = Indicator("major", "Major System Outage")
CRITICAL = Indicator("critical", "Major System Outage")
MAINTENANCE = Indicator("maintenance", "Service Under Maintenance")


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], C.operational),
        (["operational", "operational"], C.operational),
        (["operational", "under_maintenance"], C.under_maintenance),
        (["under_maintenance", "degraded_performance"], C.degraded_performance),
        (["partial_outage", "degraded_performance", "operational"], C.partial_outage),
        (["partial_outage", "major_outage", "under_maintenance"], C.major_outage),
    ],
)
def test_a_group_shows_the_worst_of_its_components(statuses: list[str], expected: C) -> None:
    assert worst(statuses) is expected


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="on_fire"):
        worst(["operational", "on_fire"])


@pytest.mark.parametrize(
    ("components", "impacts", "expected"),
    [
        (["operational"], [], ALL_GOOD),
        ([], [], ALL_GOOD),
        (["operational"], ["none"], ALL_GOOD),
        (["operational", "degraded_performance"], [], MINOR),
        (["partial_outage", "degraded_performance"], [], PARTIAL),
        (["major_outage", "operational"], [], MAJOR),
        (["operational"], ["minor"], MINOR),
        (["operational"], ["major", "minor"], PARTIAL),
        (["degraded_performance"], ["critical"], CRITICAL),
        (["under_maintenance"], [], MAINTENANCE),
        (["under_maintenance"], ["maintenance"], MAINTENANCE),
        # An outage anywhere outranks maintenance elsewhere.
        (["under_maintenance", "degraded_performance"], [], MINOR),
        (["under_maintenance"], ["major"], PARTIAL),
        # A maintenance's own impact does not raise the indicator: its components' status does.
        (["operational"], ["maintenance"], ALL_GOOD),
    ],
)
def test_page_indicator(components: list[str], impacts: list[str], expected: Indicator) -> None:
    assert page_indicator(components, impacts) == expected


# Created at 22:00 on the 20th; down wholly 23:00-01:00 across midnight, partly 01:00-03:00.
HISTORY = [
    (at(20, 22), "operational"),
    (at(20, 23), "major_outage"),
    (at(21, 1), "partial_outage"),
    (at(21, 3), "operational"),
]


def test_daily_uptime_splits_outages_at_midnight() -> None:
    days = daily_uptime(HISTORY, date(2026, 11, 19), 4, now=at(22, 12))
    assert [d.day.day for d in days] == [19, 20, 21, 22]
    before, first, second, today = days
    assert (before.uptime, before.down_seconds) == (None, 0.0)  # not yet created
    # Only the two hours it existed count on its first day: one of them down.
    assert (first.uptime, first.down_seconds, first.worst) == (0.5, 3600.0, C.major_outage)
    # One hour wholly down and two hours at 30 %: 3600 + 2160 seconds of 86400.
    assert second.down_seconds == pytest.approx(5760.0)
    assert second.uptime == pytest.approx(1 - 5760 / 86400)
    assert second.worst is C.major_outage
    assert (today.uptime, today.worst) == (1.0, C.operational)


def test_a_partial_outage_counts_thirty_percent_down() -> None:
    history = [(at(20, 0), "partial_outage"), (at(20, 12), "degraded_performance")]
    [day] = daily_uptime(history, date(2026, 11, 20), 1, now=at(22, 0))
    # Degraded performance is not downtime; half a day at partial outage is 15 % down.
    assert day.uptime == pytest.approx(0.85)
    assert day.worst is C.partial_outage


def test_days_after_now_have_no_data_and_today_counts_up_to_now() -> None:
    history = [(at(21, 0), "operational"), (at(22, 6), "major_outage")]
    today, tomorrow = daily_uptime(history, date(2026, 11, 22), 2, now=at(22, 12))
    assert today.uptime == pytest.approx(0.5)  # six hours down of the twelve so far
    assert tomorrow.uptime is None


def test_overall_uptime_averages_the_days_with_data() -> None:
    days = daily_uptime(HISTORY, date(2026, 11, 19), 4, now=at(22, 12))
    assert overall_uptime(days) == pytest.approx((0.5 + (1 - 5760 / 86400) + 1.0) / 3)
    assert overall_uptime(days[:1]) is None
    assert overall_uptime([]) is None
