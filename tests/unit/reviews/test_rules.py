"""The pure rules of reviews: due dates by severity (business days skip the weekend), the
postmortem's states, reminders and late action items."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from warroom.errors import IllegalTransition
from warroom.reviews.rules import (
    ActionStatus,
    PostmortemState,
    action_late_from,
    action_overdue,
    add_business_days,
    check_transition,
    due_at,
    is_overdue,
    reminder_due,
)

State = PostmortemState


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def test_a_sev1_is_due_three_calendar_days_after_resolution_weekend_or_not() -> None:
    assert due_at("SEV1", at(27)) == at(30)  # Friday → Monday
    assert due_at("SEV1", at(23)) == at(26)  # Monday → Thursday


@pytest.mark.parametrize(
    ("resolved", "due"),
    [
        (at(23), at(30)),  # Monday → next Monday
        (at(25), at(2, month=12)),  # Wednesday → next Wednesday, over the weekend
        (at(27), at(4, month=12)),  # Friday → next Friday
        (at(28), at(4, month=12)),  # Saturday: Monday is the first of the five
        (at(29), at(4, month=12)),  # Sunday likewise
    ],
)
def test_a_sev2_is_due_five_business_days_after_resolution(
    resolved: datetime, due: datetime
) -> None:
    assert due_at("SEV2", resolved) == due
    assert due.weekday() < 5


def test_business_days_keep_the_time_of_day_and_zero_is_the_start() -> None:
    assert add_business_days(at(27, 23), 1) == at(30, 23)
    assert add_business_days(at(28), 0) == at(28)


def test_minor_incidents_and_unresolved_ones_have_no_due_date() -> None:
    assert due_at("SEV3", at(23)) is None
    assert due_at("SEV4", at(23)) is None
    assert due_at("SEV1", None) is None


def test_the_postmortem_goes_through_review_to_published_and_back_only_to_draft() -> None:
    check_transition(State.draft, State.in_review)
    check_transition(State.in_review, State.published)
    check_transition(State.in_review, State.draft)
    check_transition(State.published, State.draft)
    with pytest.raises(IllegalTransition) as refused:
        check_transition(State.draft, State.published)
    assert refused.value.field == "state"
    assert "only in review" in refused.value.detail
    with pytest.raises(IllegalTransition):
        check_transition(State.published, State.in_review)


def test_reminders_come_a_day_before_and_once_late_never_once_published() -> None:
    due = at(26)
    assert reminder_due(State.draft, due, at(25, 9)) is None
    assert reminder_due(State.draft, due, at(25, 10)) == ("due_soon", due)
    assert reminder_due(State.in_review, due, at(26, 10)) == ("overdue", due)
    assert reminder_due(State.published, due, at(27)) is None
    assert reminder_due(State.draft, None, at(27)) is None
    assert is_overdue(State.draft, due, at(26))
    assert not is_overdue(State.published, due, at(27))


def test_an_action_item_is_late_from_the_day_after_its_due_date_while_open() -> None:
    due = date(2026, 11, 23)
    assert not action_overdue(ActionStatus.open, due, at(23, 23))
    assert action_overdue(ActionStatus.in_progress, due, at(24, 0))
    assert not action_overdue(ActionStatus.done, due, at(30))
    assert not action_overdue(ActionStatus.wont_do, due, at(30))
    assert not action_overdue(ActionStatus.open, None, at(30))
    assert action_late_from(due) == at(24, 0)
