"""Repeating windows (RFC 5545 RRULE): a first occurrence from ``start`` to ``end`` repeated
by a rule such as ``FREQ=WEEKLY;BYDAY=FR``. Pure: the caller passes the range to look in.

Rules repeat in UTC: a window that must follow a local clock across a daylight-saving change
names its hours in UTC, as the calendar shows it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from dateutil.rrule import rrule, rrulestr

MAX_OCCURRENCES = 1000  # per call: a minutely rule over a year must not hang a request


class BadRule(ValueError):
    """The text is not a repeat rule this module accepts."""


def parse_rule(text: str, start: datetime) -> rrule:
    body = text.strip().removeprefix("RRULE:")
    if not body or "\n" in body:
        raise BadRule("write one RRULE, such as FREQ=WEEKLY;BYDAY=SA")
    try:
        rule = rrulestr(body, dtstart=start, forceset=False)
    except (ValueError, TypeError) as exc:
        raise BadRule(str(exc)) from exc
    except IndexError as exc:  # dateutil's answer to a DTSTART line without a rule
        raise BadRule("write one RRULE, such as FREQ=WEEKLY;BYDAY=SA") from exc
    if not isinstance(rule, rrule):
        raise BadRule("write one RRULE, such as FREQ=WEEKLY;BYDAY=SA")
    return rule


def last_end(text: str, start: datetime, end: datetime) -> datetime | None:
    """When the last occurrence ends, or None for a rule without COUNT or UNTIL (or with more
    occurrences than are counted in one call)."""
    rule = parse_rule(text, start)
    body = text.strip().removeprefix("RRULE:")
    parts = {part.split("=", 1)[0].strip().upper() for part in body.split(";")}
    if not parts & {"COUNT", "UNTIL"}:
        return None
    final = start
    for n, begin in enumerate(rule):
        if n >= MAX_OCCURRENCES:
            return None  # too many to count here: unknown, never an end that comes too early
        final = begin
    return final + (end - start)


def occurrences(
    start: datetime, end: datetime, text: str | None, *, since: datetime, until: datetime
) -> list[tuple[datetime, datetime]]:
    """The occurrences that overlap ``[since, until)``, in order."""
    length = end - start
    if not text:
        return [(start, end)] if start < until and end > since else []
    rule = parse_rule(text, start)
    found: list[tuple[datetime, datetime]] = []
    # An occurrence that started up to ``length`` before ``since`` may still be open.
    for begin in _limited(rule.xafter(since - length - timedelta(microseconds=1), inc=True)):
        if begin >= until:
            break
        if begin + length > since:
            found.append((begin, begin + length))
    return found


def _limited(items: Iterator[datetime]) -> Iterator[datetime]:
    for n, item in enumerate(items):
        if n >= MAX_OCCURRENCES:
            return
        yield item
