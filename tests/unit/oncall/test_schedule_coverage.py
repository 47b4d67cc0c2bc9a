"""The pure parts around schedules: the gaps several schedules share (a policy paging them all
reaches nobody only there), where a calendar feed starts reading, and final shifts checked
against the obvious minute-by-minute answer."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from warroom.oncall.schedule_ical import GRID, LOOKBACK, feed_start
from warroom.oncall.schedule_rules import (
    Layer,
    Override,
    Restriction,
    ScheduleSpec,
    common_gaps,
    final_shifts,
    layer_shifts,
)


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


def _winner_at(spec: ScheduleSpec, at: datetime) -> int | None:
    """The slow, obvious answer: the first override covering ``at``, else the last layer."""
    for o in spec.overrides:
        if o.starts_at <= at < o.ends_at:
            return o.person_id
    found = None
    for layer in sorted(spec.layers, key=lambda item: item.position):
        for shift in layer_shifts(layer, at, at + timedelta(microseconds=1)):
            found = shift.person_id
    return found


def test_final_shifts_agree_with_asking_minute_by_minute() -> None:
    rng = random.Random(7)
    zone = ZoneInfo("America/New_York")
    start = datetime(2026, 10, 30, tzinfo=UTC)  # across the autumn change
    for _ in range(20):
        layers = tuple(
            Layer(
                members=tuple(rng.sample(range(1, 6), rng.randint(1, 3))),
                shift=timedelta(hours=rng.choice([1, 5, 8, 24, 48])),
                starts_local=datetime(2026, 10, 29, rng.randint(0, 23)),
                zone=zone,
                restrictions=tuple(
                    Restriction(frozenset(rng.sample(range(7), 4)), time(rng.randint(0, 23)),
                                time(rng.randint(0, 23)))
                    for _ in range(rng.randint(0, 1))
                ),
                position=position,
            )
            for position in range(rng.randint(1, 3))
        )  # fmt: skip
        overrides = tuple(
            Override(9, start + timedelta(hours=h), start + timedelta(hours=h + rng.randint(1, 9)))
            for h in rng.sample(range(0, 96, 12), 2)
        )
        spec = ScheduleSpec(layers, overrides)
        shifts = final_shifts(spec, start, start + timedelta(days=4))
        for minute in range(0, 4 * 24 * 60, 37):
            at = start + timedelta(minutes=minute)
            found = [s.person_id for s in shifts if s.starts_at <= at < s.ends_at]
            assert found == ([w] if (w := _winner_at(spec, at)) is not None else [])
