"""Horizontal bar charts laid out on the server, for the page to draw as SVG: one bar per
group, its label on the left and its value at the bar's end. Pure."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH = 640  # the drawing area, in SVG units
LABEL = 180  # room for the group names left of the bars
VALUE = 110  # room for the value right of the longest bar
ROW = 26
BAR = 18


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str  # the value as people read it
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    height: float
    width: int = WIDTH
    label_width: int = LABEL
    bar_height: int = BAR


def bar_chart(
    title: str, rows: Sequence[tuple[str, float | None]], show: Callable[[float | None], str]
) -> BarChart:
    """Bars scaled to the largest value; a group without a value gets no bar and a dash."""
    largest = max((v for _, v in rows if v is not None), default=0.0) or 1.0
    room = WIDTH - LABEL - VALUE
    bars = [
        Bar(label, value, show(value), index * ROW,
            0.0 if value is None else max(value, 0.0) / largest * room)
        for index, (label, value) in enumerate(rows)
    ]  # fmt: skip
    return BarChart(title, bars, max(len(rows), 1) * ROW)
