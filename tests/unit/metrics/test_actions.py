"""Action item completion, worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from warroom.metrics.actions import ActionFacts, by_type

NOW = datetime(2026, 12, 10, 12, tzinfo=UTC)
MADE = datetime(2026, 12, 1, 9, tzinfo=UTC)


def item(
    kind: str, status: str, due: date | None = None, done_after: float | None = None
) -> ActionFacts:
    completed = None if done_after is None else MADE + timedelta(days=done_after)
    return ActionFacts(kind, status, due, MADE, completed)


ITEMS = [
    item("prevent", "done", done_after=2),
    item("prevent", "open", due=date(2026, 12, 11)),  # due tomorrow: not late
    item("detect", "done", done_after=4),
    item("detect", "in_progress", due=date(2026, 12, 9)),  # due yesterday: overdue
    item("detect", "wont_do", due=date(2026, 12, 1)),  # decided against: never overdue
]


def test_completion_counts_done_among_items_still_meant_to_be_done() -> None:
    total, detect, prevent = by_type(ITEMS, NOW)
    assert (total.key, total.total, total.overdue) == ("all", 5, 1)
    assert total.statuses == {"done": 2, "open": 1, "in_progress": 1, "wont_do": 1}
    assert total.completion == 0.5  # 2 done of the 4 not marked "won't do"
    assert total.mean_days_to_done == 3  # (2 + 4) / 2
    assert (detect.key, detect.total, detect.completion, detect.overdue) == ("detect", 3, 0.5, 1)
    assert (prevent.key, prevent.completion, prevent.mean_days_to_done) == ("prevent", 0.5, 2)


def test_nothing_meant_to_be_done_has_no_completion() -> None:
    (total, _) = by_type([item("process", "wont_do")], NOW)
    assert (total.total, total.completion, total.mean_days_to_done) == (1, None, None)
    (empty,) = by_type([], NOW)
    assert (empty.total, empty.completion) == (0, None)
