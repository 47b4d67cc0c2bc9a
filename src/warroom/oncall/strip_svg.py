"""A schedule's next days as a self-contained SVG strip: one bar row per layer, one for the
overrides and the final row (who will actually be paged), with a column per day.

Pure: it takes rows of spans and returns markup, so it is drawn on the server (the pages' CSP
forbids inline styles and scripts) and tested without a browser. Positions are computed here
as user units of a fixed ``viewBox``, so the strip scales with the page. Colours come from
``p0``…``p7`` classes (one per person, stable within the picture) themed in app.css.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

WIDTH = 1000
LABEL_W = 150
ROW_H, ROW_GAP = 30, 8
HEAD = 34
PALETTE = 8
MIN_LABEL_W = 48  # narrower bars carry their name only in the tooltip
MIN_DAY_SHOWN = timedelta(hours=6)  # a day cut shorter by the range is left unnamed


@dataclass(frozen=True)
class Span:
    person: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class StripRow:
    label: str
    spans: Sequence[Span]
    final: bool = False


def _x(at: datetime, start: datetime, end: datetime) -> float:
    share = (at - start) / (end - start)
    return LABEL_W + max(0.0, min(1.0, share)) * (WIDTH - LABEL_W)


def _colours(rows: Sequence[StripRow]) -> dict[str, int]:
    names = dict.fromkeys(s.person for row in rows for s in row.spans)
    return {name: i % PALETTE for i, name in enumerate(names)}


def _day_lines(start: datetime, end: datetime, zone: ZoneInfo, height: int) -> list[str]:
    """A line at each local midnight, and the day's name where enough of it shows: days are
    the reader's days."""
    parts: list[str] = []
    day = start.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    while day < end:
        following = (day + timedelta(days=1, hours=3)).replace(hour=0)  # safe across DST
        at = max(day, start)
        x = _x(at, start, end)
        parts.append(f'<line class="day" x1="{x:.1f}" y1="{HEAD - 6}" x2="{x:.1f}" y2="{height}"/>')
        if min(following, end) - at >= MIN_DAY_SHOWN:
            text = escape(day.strftime("%a %d"))
            parts.append(f'<text class="day-label" x="{x + 3:.1f}" y="{HEAD - 12}">{text}</text>')
        day = following
    return parts


def _bar(span: Span, start: datetime, end: datetime, y: int, colour: int, zone: ZoneInfo) -> str:
    x1, x2 = _x(span.starts_at, start, end), _x(span.ends_at, start, end)
    name = escape(span.person)
    when = (
        f"{span.starts_at.astimezone(zone):%a %d %b %H:%M} to "
        f"{span.ends_at.astimezone(zone):%a %d %b %H:%M}"
    )
    bar = (
        f'<g class="bar p{colour}"><title>{name}: {escape(when)}</title>'
        f'<rect x="{x1:.1f}" y="{y}" width="{max(x2 - x1, 1):.1f}" height="{ROW_H}" rx="3"/>'
    )
    if x2 - x1 >= MIN_LABEL_W:
        bar += f'<text x="{x1 + 4:.1f}" y="{y + ROW_H / 2 + 4:.0f}">{name[:18]}</text>'
    return bar + "</g>"


def _now_line(now: datetime | None, start: datetime, end: datetime, height: int) -> str:
    if now is None or not start <= now < end:
        return ""
    x = _x(now, start, end)
    return (
        f'<line class="now" x1="{x:.1f}" y1="{HEAD - 4}" x2="{x:.1f}" y2="{height}">'
        "<title>now</title></line>"
    )


def strip_svg(
    rows: Sequence[StripRow],
    span: tuple[datetime, datetime],
    zone: ZoneInfo,
    title: str,
    now: datetime | None = None,
) -> str:
    """The strip over ``span`` [start, end), days drawn in ``zone``, ``now`` marked."""
    start, end = span
    height = HEAD + len(rows) * (ROW_H + ROW_GAP)
    colours = _colours(rows)
    parts = [
        f'<svg class="oncall-strip" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        *_day_lines(start, end, zone, height),
    ]
    for index, row in enumerate(rows):
        y = HEAD + index * (ROW_H + ROW_GAP)
        kind = "final" if row.final else "layer"
        parts.append(
            f'<rect class="lane {kind}" x="{LABEL_W}" y="{y}" '
            f'width="{WIDTH - LABEL_W}" height="{ROW_H}"/>'
        )
        parts.append(
            f'<text class="row-label {kind}" x="4" y="{y + ROW_H / 2 + 4:.0f}">'
            f"{escape(row.label[:22])}</text>"
        )
        parts += [_bar(s, start, end, y, colours[s.person], zone) for s in row.spans]
    parts += [_now_line(now, start, end, height), "</svg>"]
    return "".join(parts)
