"""Pure decisions about the outbox: when a failed delivery is tried again, when it is given up,
and when a rate-limited contact method has room for the next message. No session, no clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(minutes=30)
RATE_WINDOW = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    """30 s after the first failure, doubling each time, never more than 30 min: eight attempts
    span about an hour, long enough to ride out a relay's restart, short enough to matter."""
    return min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 16)), LONGEST_RETRY)


@dataclass(frozen=True)
class Retry:
    """After a failed attempt: ``due_at`` for the next one, or None when it is given up."""

    attempts: int
    due_at: datetime | None


def after_failure(attempts_before: int, *, permanent: bool, now: datetime) -> Retry:
    attempts = attempts_before + 1
    if permanent or attempts >= MAX_ATTEMPTS:
        return Retry(attempts, None)
    return Retry(attempts, now + retry_delay(attempts))


def next_slot(recent: Sequence[datetime], max_per_hour: int, now: datetime) -> datetime | None:
    """None when a contact method that sent at ``recent`` may send another now; otherwise when
    enough of those leave the one-hour window to make room."""
    in_window = sorted(t for t in recent if t > now - RATE_WINDOW)
    if len(in_window) < max_per_hour:
        return None
    if max_per_hour <= 0:
        return now + RATE_WINDOW
    return in_window[len(in_window) - max_per_hour] + RATE_WINDOW
