"""Who is on call: pure functions over a schedule's layers and overrides. No session, no clock.

A layer is a rotation: its members take turns, one shift each, from ``starts_local`` in the
layer's time zone. Shifts of whole days (daily, weekly, 2 days…) run in wall time, so a 09:00
handoff stays at 09:00 across daylight-saving changes (that shift is 23 or 25 hours long);
shorter shifts (hourly, 12 hours…) run in elapsed time. Restrictions limit a layer to some
hours of some weekdays. Where layers overlap the later one wins; an override beats every
layer. What no layer covers is a gap.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise
from zoneinfo import ZoneInfo

DAY = timedelta(days=1)


class Rotation(StrEnum):
    hourly = "hourly"
    daily = "daily"
    weekly = "weekly"
    custom = "custom"


ROTATION_SECONDS = {Rotation.hourly: 3600, Rotation.daily: 86400, Rotation.weekly: 7 * 86400}


@dataclass(frozen=True)
class Restriction:
    """On from ``start`` to ``end`` local time on ``days`` (Monday 0); an ``end`` at or before
    ``start`` runs past midnight into the next day."""

    days: frozenset[int]
    start: time
    end: time


@dataclass(frozen=True)
class Layer:
    members: tuple[int, ...]
    shift: timedelta
    starts_local: datetime  # naive wall time in ``zone``
    zone: ZoneInfo
    restrictions: tuple[Restriction, ...] = ()
    ends_at: datetime | None = None
    position: int = 0


@dataclass(frozen=True)
class Override:
    person_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class ScheduleSpec:
    layers: tuple[Layer, ...]
    overrides: tuple[Override, ...] = ()


@dataclass(frozen=True)
class Shift:
    """``person_id`` on call from ``starts_at`` to ``ends_at``; ``layer`` None: an override."""

    person_id: int
    starts_at: datetime
    ends_at: datetime
    layer: int | None = 0


def local(naive: datetime, zone: ZoneInfo) -> datetime:
    """A wall time in ``zone`` as UTC. A time skipped by a spring change is read with the
    offset before the change (02:30 on that night is 03:30 summer time)."""
    return naive.replace(tzinfo=zone).astimezone(UTC)


def _walltime(layer: Layer) -> bool:
    return layer.shift % DAY == timedelta(0)


def _boundary(layer: Layer, k: int) -> datetime:
    """The start of shift ``k`` (negative before ``starts_local``)."""
    if _walltime(layer):
        return local(layer.starts_local + k * layer.shift, layer.zone)
    return local(layer.starts_local, layer.zone) + k * layer.shift


def _index_at(layer: Layer, at: datetime) -> int:
    """The shift that contains ``at``."""
    if _walltime(layer):
        elapsed = at.astimezone(layer.zone).replace(tzinfo=None) - layer.starts_local
    else:
        elapsed = at - local(layer.starts_local, layer.zone)
    k = elapsed // layer.shift
    while _boundary(layer, k) > at:  # wall-time rounding near a DST change: step back
        k -= 1
    while _boundary(layer, k + 1) <= at:
        k += 1
    return k


def rotation_shifts(layer: Layer, start: datetime, end: datetime) -> list[Shift]:
    """The layer's rotation over [start, end), before restrictions, clipped to that range."""
    if not layer.members or start >= end:
        return []
    first = local(layer.starts_local, layer.zone)
    start = max(start, first)
    if layer.ends_at is not None:
        end = min(end, layer.ends_at)
    shifts: list[Shift] = []
    k = _index_at(layer, start) if start < end else 0
    while start < end:
        upto = min(_boundary(layer, k + 1), end)
        person = layer.members[k % len(layer.members)]
        shifts.append(Shift(person, start, upto, layer.position))
        start, k = upto, k + 1
    return shifts


def _windows(restriction: Restriction, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    begin = datetime.combine(day, restriction.start)
    finish = datetime.combine(day, restriction.end)
    if restriction.end <= restriction.start:
        finish += DAY
    return local(begin, zone), local(finish, zone)


def restricted(shift: Shift, restrictions: Sequence[Restriction], zone: ZoneInfo) -> list[Shift]:
    """The parts of ``shift`` inside the restrictions (all of it when there are none)."""
    if not restrictions:
        return [shift]
    first = shift.starts_at.astimezone(zone).date() - DAY  # yesterday's window may run over
    last = shift.ends_at.astimezone(zone).date()
    parts: list[tuple[datetime, datetime]] = []
    day = first
    while day <= last:
        for r in restrictions:
            if day.weekday() in r.days:
                begin, finish = _windows(r, day, zone)
                begin, finish = max(begin, shift.starts_at), min(finish, shift.ends_at)
                if begin < finish:
                    parts.append((begin, finish))
        day += DAY
    return [replace(shift, starts_at=b, ends_at=f) for b, f in _union(parts)]


def _union(spans: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for begin, finish in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    return merged


def layer_shifts(layer: Layer, start: datetime, end: datetime) -> list[Shift]:
    """Who this layer puts on call over [start, end), restrictions applied."""
    return [
        part
        for shift in rotation_shifts(layer, start, end)
        for part in restricted(shift, layer.restrictions, layer.zone)
    ]


def final_shifts(spec: ScheduleSpec, start: datetime, end: datetime) -> list[Shift]:
    """The schedule as it will page over [start, end): later layers over earlier ones,
    overrides over all, adjacent shifts of one person from one source merged."""
    candidates: list[tuple[int, Shift]] = []  # (precedence, shift)
    for rank, layer in enumerate(sorted(spec.layers, key=lambda item: item.position)):
        candidates += [(rank, s) for s in layer_shifts(layer, start, end)]
    top = len(spec.layers)
    for o in spec.overrides:
        begin, finish = max(o.starts_at, start), min(o.ends_at, end)
        if begin < finish:
            candidates.append((top, Shift(o.person_id, begin, finish, None)))
    return _resolve(candidates)


def _resolve(candidates: list[tuple[int, Shift]]) -> list[Shift]:
    """Sweep the cut points once, keeping the started candidates in a heap by precedence
    (earliest listed first among equals), so a long range of short shifts stays cheap."""
    cuts = sorted({t for _, s in candidates for t in (s.starts_at, s.ends_at)})
    order = sorted(range(len(candidates)), key=lambda i: candidates[i][1].starts_at)
    started: list[tuple[int, int]] = []  # (-precedence, index)
    result: list[Shift] = []
    upcoming = 0
    for begin, finish in pairwise(cuts):
        while upcoming < len(order) and candidates[order[upcoming]][1].starts_at <= begin:
            heapq.heappush(started, (-candidates[order[upcoming]][0], order[upcoming]))
            upcoming += 1
        while started and candidates[started[0][1]][1].ends_at <= begin:
            heapq.heappop(started)  # ended: every later segment starts after it too
        if started:
            winner = candidates[started[0][1]][1]
            _append(result, replace(winner, starts_at=begin, ends_at=finish))
    return result


def _append(result: list[Shift], shift: Shift) -> None:
    last = result[-1] if result else None
    if (
        last is not None
        and last.ends_at == shift.starts_at
        and (last.person_id, last.layer) == (shift.person_id, shift.layer)
    ):
        result[-1] = replace(last, ends_at=shift.ends_at)
    else:
        result.append(shift)


def on_call_at(spec: ScheduleSpec, at: datetime) -> int | None:
    """The person on call at ``at``, or None in a gap."""
    shifts = final_shifts(spec, at, at + timedelta(microseconds=1))
    return shifts[0].person_id if shifts else None


def gaps(spec: ScheduleSpec, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The spans of [start, end) when nobody is on call."""
    found: list[tuple[datetime, datetime]] = []
    cursor = start
    for shift in final_shifts(spec, start, end):
        if shift.starts_at > cursor:
            found.append((cursor, shift.starts_at))
        cursor = max(cursor, shift.ends_at)
    if cursor < end:
        found.append((cursor, end))
    return found


def overlapping(overrides: Sequence[Override], new: Override) -> Override | None:
    """An existing override that covers any of ``new``'s time, if one does."""
    for o in overrides:
        if o.starts_at < new.ends_at and new.starts_at < o.ends_at:
            return o
    return None


Span = tuple[datetime, datetime]


def common_gaps(gap_lists: Sequence[Sequence[Span]]) -> list[Span]:
    """The spans that are a gap in every list: when several schedules are paged together,
    nobody is reached only where all of them have a gap at once. No lists: no gaps."""
    if not gap_lists:
        return []
    common = list(gap_lists[0])
    for spans in gap_lists[1:]:
        common = [
            (max(a0, b0), min(a1, b1))
            for a0, a1 in common
            for b0, b1 in spans
            if max(a0, b0) < min(a1, b1)
        ]
    return common
