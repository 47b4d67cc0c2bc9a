"""The pure parts around schedules: the gaps several schedules share (a policy paging them all
reaches nobody only there), and where a calendar feed starts reading."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warroom.oncall.schedule_ical import GRID, LOOKBACK, feed_start
from warroom.oncall.schedule_rules import common_gaps


def utc(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def test_only_the_time_every_schedule_leaves_open_is_a_common_gap() -> None:
    office = [(utc(2, 0), utc(2, 9)), (utc(2, 17), utc(3, 9))]
    nights = [(utc(2, 9), utc(2, 17)), (utc(3, 6), utc(3, 12))]

    assert common_gaps([office, nights]) == [(utc(3, 6), utc(3, 9))]


def test_one_schedule_without_gaps_covers_the_others() -> None:
    office = [(utc(2, 0), utc(2, 9))]

    assert common_gaps([office, []]) == []
    assert common_gaps([office]) == office


def test_no_schedules_leave_no_gaps_to_share() -> None:
    assert common_gaps([]) == []


def test_afeed_starts_on_the_same_grid_point_for_a_month_of_fetches() -> None:
    fetches = [utc(23, 22) + timedelta(hours=h) for h in range(0, 24 * 28, 7)]
    starts = {t: feed_start([], t) for t in fetches}

    assert len(set(starts.values())) <= 2  # the grid moves once in 28 days
    assert all(t - LOOKBACK - GRID < s <= t - LOOKBACK for t, s in starts.items())
