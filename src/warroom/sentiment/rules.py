"""Sentiment rules over values: labels from a score, the outreach threshold, and the chart's
series (volume and share of negative mentions per time bucket)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

# VADER's own recommended cut-offs on the compound score.
NEGATIVE_BELOW = -0.05
POSITIVE_ABOVE = 0.05
# Strong enough that someone should answer: the outreach queue takes these.
OUTREACH_BELOW = -0.6


class Label(StrEnum):
    negative = "negative"
    neutral = "neutral"
    positive = "positive"


class Outreach(StrEnum):
    queued = "queued"
    contacted = "contacted"
    resolved = "resolved"
    ignored = "ignored"


class Scorer(Protocol):
    """Anything that scores a text from -1 (most negative) to +1: VADER by default, and
    replaceable (a model of your own, a service) without touching the rest."""

    def score(self, text: str) -> float: ...


def label(score: float) -> Label:
    if score <= NEGATIVE_BELOW:
        return Label.negative
    if score >= POSITIVE_ABOVE:
        return Label.positive
    return Label.neutral


def needs_outreach(score: float) -> bool:
    return score <= OUTREACH_BELOW


@dataclass(frozen=True)
class Bucket:
    start: datetime
    count: int
    negative: int

    @property
    def negative_share(self) -> float:
        return self.negative / self.count if self.count else 0.0


def series(
    mentions: Sequence[tuple[datetime, str]], start: datetime, end: datetime, step: timedelta
) -> list[Bucket]:
    """Mentions (when, label) counted per ``step`` from ``start`` up to ``end``."""
    slots = max(1, int((end - start) / step) + (1 if (end - start) % step else 0))
    counts, negatives = [0] * slots, [0] * slots
    for at, kind in mentions:
        if start <= at < start + step * slots:
            n = int((at - start) / step)
            counts[n] += 1
            negatives[n] += kind == Label.negative.value
    return [Bucket(start + step * n, counts[n], negatives[n]) for n in range(slots)]


def step_for(span: timedelta) -> timedelta:
    """A bucket size giving a readable chart: about 12 to 48 bars."""
    for minutes in (5, 10, 15, 30, 60, 120, 240, 720, 1440):
        if span / timedelta(minutes=minutes) <= 48:
            return timedelta(minutes=minutes)
    return timedelta(days=1)
