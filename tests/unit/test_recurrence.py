"""Repeating windows: which occurrences fall in a range, when a bounded rule's last one ends,
and the rules refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warroom.recurrence import MAX_OCCURRENCES, BadRule, last_end, occurrences

# Friday 27 November 2026, 22:00 to Saturday 02:00 UTC: a weekly Friday-night window.
START = datetime(2026, 11, 27, 22, 0, tzinfo=UTC)
END = START + timedelta(hours=4)
WEEKLY = "FREQ=WEEKLY;BYDAY=FR"


def at(day: int, hour: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def test_a_weekly_rule_gives_each_occurrence_in_the_range() -> None:
    found = occurrences(START, END, WEEKLY, since=at(1), until=at(20))
    assert found == [
        (at(4, 22), at(5, 2)),
        (at(11, 22), at(12, 2)),
        (at(18, 22), at(19, 2)),
    ]


def test_an_occurrence_already_open_at_since_is_included() -> None:
    found = occurrences(START, END, WEEKLY, since=at(5, 1), until=at(6))
    assert found == [(at(4, 22), at(5, 2))]


def test_an_occurrence_that_ended_at_since_or_starts_at_until_is_left_out() -> None:
    assert occurrences(START, END, WEEKLY, since=at(5, 2), until=at(11, 22)) == []


def test_without_a_rule_the_window_is_its_one_occurrence() -> None:
    assert occurrences(START, END, None, since=at(27, 23, 11), until=at(1)) == [(START, END)]
    assert occurrences(START, END, "", since=at(1), until=at(2)) == []


def test_count_bounds_the_last_end() -> None:
    assert last_end("FREQ=WEEKLY;BYDAY=FR;COUNT=3", START, END) == at(12, 2)
    # The parts of a rule come in any order, with or without the RRULE: name.
    assert last_end("RRULE:COUNT=3;FREQ=WEEKLY;BYDAY=FR", START, END) == at(12, 2)


def test_until_bounds_the_last_end() -> None:
    assert last_end("FREQ=WEEKLY;UNTIL=20261219T000000Z", START, END) == at(19, 2)


def test_a_rule_without_count_or_until_has_no_last_end() -> None:
    assert last_end(WEEKLY, START, END) is None


def test_a_rule_too_long_to_count_has_no_last_end_rather_than_a_wrong_one() -> None:
    # Counting stops at the cap; the window must not look over after its first thousand.
    minute = START + timedelta(minutes=1)
    assert last_end("FREQ=MINUTELY;COUNT=1000", START, minute) == START + timedelta(minutes=1000)
    assert last_end("FREQ=MINUTELY;COUNT=5000", START, minute) is None


@pytest.mark.parametrize(
    "text",
    [
        " ",
        "FREQ=SOMETIMES",
        "every friday",
        "FREQ=DAILY;BYHOUR=99",
        "FREQ=DAILY;UNTIL=20261231T000000",  # a floating UNTIL with a UTC start
        "FREQ=DAILY\nFREQ=WEEKLY",
        "EXDATE:20261204T220000Z",
        "DTSTART:20261127T220000Z",
    ],
)
def test_a_bad_rule_is_refused(text: str) -> None:
    with pytest.raises(BadRule):
        occurrences(START, END, text, since=at(1), until=at(20))
    with pytest.raises(BadRule):
        last_end(text, START, END)


def test_a_minutely_rule_over_a_year_stops_at_the_cap() -> None:
    minute = START + timedelta(minutes=1)
    found = occurrences(START, minute, "FREQ=MINUTELY", since=START, until=START.replace(2027))
    assert len(found) == MAX_OCCURRENCES
    assert found[-1][0] == START + timedelta(minutes=MAX_OCCURRENCES - 1)
