"""Who is on call, across daylight-saving changes, restrictions, layers and overrides."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from warroom.oncall.schedule_rules import (
    Layer,
    Override,
    Restriction,
    ScheduleSpec,
    final_shifts,
    gaps,
    layer_shifts,
    on_call_at,
    overlapping,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
ANN, BOB, CAT, DAN = 1, 2, 3, 4


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def at(text: str, zone: ZoneInfo) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone).astimezone(UTC)


def daily(*members: int, zone: ZoneInfo = PARIS, start: str = "2026-03-26T09:00") -> Layer:
    return Layer(members, timedelta(days=1), datetime.fromisoformat(start), zone)


def test_a_daily_0900_handoff_stays_at_0900_across_the_spring_change() -> None:
    layer = daily(ANN, BOB)
    shifts = layer_shifts(layer, utc("2026-03-28T00:00"), utc("2026-03-31T00:00"))
    local_starts = [s.starts_at.astimezone(PARIS).strftime("%m-%d %H:%M") for s in shifts[1:]]
    assert local_starts == ["03-28 09:00", "03-29 09:00", "03-30 09:00"]
    spanning = shifts[1]  # 28th 09:00 → 29th 09:00, across the change at 02:00
    assert spanning.ends_at - spanning.starts_at == timedelta(hours=23)


def test_a_daily_handoff_across_the_autumn_change_lasts_25_hours() -> None:
    layer = daily(ANN, BOB, start="2026-10-20T09:00")
    (shift,) = layer_shifts(layer, at("2026-10-24T12:00", PARIS), at("2026-10-24T12:01", PARIS))
    full = layer_shifts(layer, at("2026-10-24T09:00", PARIS), at("2026-10-25T09:00", PARIS))
    assert [s.ends_at - s.starts_at for s in full] == [timedelta(hours=25)]
    assert shift.person_id == ANN  # 20 Ann, 21 Bob, 22 Ann, 23 Bob, 24 Ann
    assert on_call_at(ScheduleSpec((layer,)), at("2026-10-25T08:59", PARIS)) == ANN
    assert on_call_at(ScheduleSpec((layer,)), at("2026-10-25T09:00", PARIS)) == BOB


def test_hourly_shifts_run_in_elapsed_time_through_the_repeated_hour() -> None:
    layer = Layer((ANN, BOB), timedelta(hours=1), datetime(2026, 11, 1, 0, 0), NEW_YORK)
    start, end = at("2026-11-01T00:00", NEW_YORK), at("2026-11-01T04:00", NEW_YORK)
    shifts = layer_shifts(layer, start, end)
    assert len(shifts) == 5  # 00, 01 (EDT), 01 (EST), 02, 03: the clock shows 01 twice
    assert [s.person_id for s in shifts] == [ANN, BOB, ANN, BOB, ANN]


def test_weekly_rotation_and_its_order() -> None:
    layer = Layer((ANN, BOB, CAT), timedelta(weeks=1), datetime(2026, 11, 2, 10, 0), PARIS)
    spec = ScheduleSpec((layer,))
    assert on_call_at(spec, at("2026-11-02T10:00", PARIS)) == ANN
    assert on_call_at(spec, at("2026-11-09T09:59", PARIS)) == ANN
    assert on_call_at(spec, at("2026-11-09T10:00", PARIS)) == BOB
    assert on_call_at(spec, at("2026-11-23T10:00", PARIS)) == ANN
    assert on_call_at(spec, at("2026-11-02T09:59", PARIS)) is None  # before it starts


def test_business_hours_restriction_leaves_gaps_at_night_and_weekends() -> None:
    weekdays = Restriction(frozenset(range(5)), time(9), time(17))
    layer = Layer((ANN,), timedelta(weeks=1), datetime(2026, 11, 2), PARIS, (weekdays,))
    spec = ScheduleSpec((layer,))
    assert on_call_at(spec, at("2026-11-04T12:00", PARIS)) == ANN  # Wednesday noon
    assert on_call_at(spec, at("2026-11-04T18:00", PARIS)) is None
    assert on_call_at(spec, at("2026-11-07T12:00", PARIS)) is None  # Saturday
    week = gaps(spec, at("2026-11-02T00:00", PARIS), at("2026-11-09T00:00", PARIS))
    assert len(week) == 6  # before Monday 9:00, four nights, and Friday 17:00 to the end
    assert sum((b - a for a, b in week), timedelta()) == timedelta(hours=7 * 24 - 5 * 8)


def test_an_overnight_restriction_runs_past_midnight() -> None:
    nights = Restriction(frozenset(range(7)), time(22), time(6))
    layer = Layer((BOB,), timedelta(days=1), datetime(2026, 11, 1), PARIS, (nights,))
    spec = ScheduleSpec((layer,))
    assert on_call_at(spec, at("2026-11-04T23:30", PARIS)) == BOB
    assert on_call_at(spec, at("2026-11-05T05:59", PARIS)) == BOB
    assert on_call_at(spec, at("2026-11-05T06:00", PARIS)) is None


def test_a_later_layer_wins_where_it_covers_and_overrides_beat_all() -> None:
    base = daily(ANN, BOB)
    evenings = Restriction(frozenset(range(7)), time(18), time(22))
    top = Layer((CAT,), timedelta(days=1), datetime(2026, 3, 1), PARIS, (evenings,), position=1)
    cover = Override(DAN, at("2026-03-27T19:00", PARIS), at("2026-03-27T20:00", PARIS))
    spec = ScheduleSpec((top, base), (cover,))
    assert on_call_at(spec, at("2026-03-27T12:00", PARIS)) == BOB
    assert on_call_at(spec, at("2026-03-27T18:30", PARIS)) == CAT
    assert on_call_at(spec, at("2026-03-27T19:30", PARIS)) == DAN
    assert on_call_at(spec, at("2026-03-27T20:30", PARIS)) == CAT
    day = final_shifts(spec, at("2026-03-27T09:00", PARIS), at("2026-03-28T09:00", PARIS))
    assert [(s.person_id, s.layer) for s in day] == [
        (BOB, 0),
        (CAT, 1),
        (DAN, None),
        (CAT, 1),
        (BOB, 0),
    ]
    assert gaps(spec, day[0].starts_at, day[-1].ends_at) == []


def test_a_layer_that_ended_leaves_a_gap() -> None:
    layer = Layer(
        (ANN,), timedelta(days=1), datetime(2026, 11, 1), PARIS, ends_at=utc("2026-11-03T00:00")
    )
    spec = ScheduleSpec((layer,))
    assert gaps(spec, utc("2026-11-02T00:00"), utc("2026-11-04T00:00")) == [
        (utc("2026-11-03T00:00"), utc("2026-11-04T00:00"))
    ]


@pytest.mark.parametrize(
    ("start", "end", "clash"),
    [("10:00", "11:00", False), ("11:59", "13:00", True), ("13:00", "14:00", False)],
)
def test_overlapping_overrides_are_found(start: str, end: str, clash: bool) -> None:
    existing = Override(ANN, utc("2026-11-02T11:00"), utc("2026-11-02T13:00"))
    new = Override(BOB, utc(f"2026-11-02T{start}"), utc(f"2026-11-02T{end}"))
    assert (overlapping([existing], new) is existing) is clash
