"""How a campaign is going: counts by tier, status and customer, the burndown of open records,
and the time it took to understand the risk. Pure: values in, values out, ``now`` passed in."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from warroom.vulns.remediation import OPEN

K = TypeVar("K")
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
# Up to three days a point an hour reads well; past that, a point a day.
HOURLY_SPAN = timedelta(days=3)


@dataclass
class Tally:
    """Records of one group (a tier, a customer) by status."""

    total: int = 0
    open: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    def add(self, status: str, count: int) -> None:
        self.total += count
        self.open += count if status in OPEN else 0
        self.statuses[status] = self.statuses.get(status, 0) + count


@dataclass(frozen=True)
class Point:
    at: datetime
    open: int


def tally(rows: Iterable[tuple[str, int]]) -> Tally:
    """``(status, count)`` rows as one tally: a campaign's counts."""
    out = Tally()
    for status, count in rows:
        out.add(status, count)
    return out


def by_group(rows: Iterable[tuple[K, str, int]]) -> dict[K, Tally]:
    """``(group, status, count)`` rows as a tally per group."""
    out: dict[K, Tally] = {}
    for group, status, count in rows:
        out.setdefault(group, Tally()).add(status, count)
    return out


def by_tier(rows: Iterable[tuple[int, str, int]]) -> list[tuple[int, Tally]]:
    """Tier 1 (patch first) first."""
    return sorted(by_group(rows).items())


def by_customer(rows: Iterable[tuple[str, str, int]]) -> list[tuple[str, Tally]]:
    """The customers with the most open records first, then by name."""
    return sorted(by_group(rows).items(), key=lambda item: (-item[1].open, item[0]))


def burndown(
    opened_at: datetime, end: datetime, left_open: Sequence[datetime | None]
) -> list[Point]:
    """Open records at each hour (each day past three days) from opening to ``end``, and at
    ``end`` itself. ``left_open`` says when each record stopped being open (None: it still
    is); every record is open from the opening, as all are made then."""
    closings = sorted(t for t in left_open if t is not None)
    end = max(end, opened_at)
    step = HOUR if end - opened_at <= HOURLY_SPAN else DAY
    times: list[datetime] = []
    at = opened_at
    while at < end:
        times.append(at)
        at += step
    times.append(end)
    return [Point(t, len(left_open) - bisect_right(closings, t)) for t in times]


def time_to_understand(opened_at: datetime, assessed_at: datetime | None) -> float | None:
    """Seconds from opening until no record was left unassessed; None until then."""
    return None if assessed_at is None else (assessed_at - opened_at).total_seconds()
