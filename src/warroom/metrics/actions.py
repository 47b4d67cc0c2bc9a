"""Pure: how far the action items of the window's incidents have come. Completion is the share
of the items that are done among those still meant to be done (an item marked "won't do" was
decided against, not forgotten, so it counts neither way)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

# The action item statuses of warroom.reviews: open and in progress are still to do.
DONE, WONT_DO = "done", "wont_do"
OPEN_STATUSES = ("open", "in_progress")


@dataclass(frozen=True)
class ActionFacts:
    type: str
    status: str
    due_on: date | None
    created_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True)
class Completion:
    key: str
    total: int
    statuses: dict[str, int]
    overdue: int  # still to do after their due date (UTC)
    completion: float | None  # done / (total - won't do); None when nothing is meant to be done
    mean_days_to_done: float | None


def completion(key: str, items: Sequence[ActionFacts], now: datetime) -> Completion:
    statuses: dict[str, int] = {}
    for item in items:
        statuses[item.status] = statuses.get(item.status, 0) + 1
    meant = len(items) - statuses.get(WONT_DO, 0)
    today = now.date()
    late = [i for i in items if i.status in OPEN_STATUSES and i.due_on and i.due_on < today]
    spans = [(i.completed_at - i.created_at).total_seconds() / 86_400
             for i in items if i.status == DONE and i.completed_at is not None]  # fmt: skip
    return Completion(
        key=key,
        total=len(items),
        statuses=statuses,
        overdue=len(late),
        completion=statuses.get(DONE, 0) / meant if meant else None,
        mean_days_to_done=sum(spans) / len(spans) if spans else None,
    )


def by_type(items: Sequence[ActionFacts], now: datetime) -> list[Completion]:
    """The total first (``all``), then each type by name."""
    types = sorted({i.type for i in items})
    return [completion("all", items, now)] + [
        completion(t, [i for i in items if i.type == t], now) for t in types
    ]
