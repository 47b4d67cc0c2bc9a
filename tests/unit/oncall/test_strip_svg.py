"""The schedule strip: bars placed by time, one colour per person, days in the reader's zone,
names escaped, no inline styles."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from warroom.oncall.strip_svg import LABEL_W, WIDTH, Span, StripRow, strip_svg

START = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
SPAN = (START, START + timedelta(days=2))
SVG = "{http://www.w3.org/2000/svg}"


def bars(svg: str) -> list[tuple[str, float, float]]:
    """(class, x, width) of each bar, in drawing order."""
    root = ElementTree.fromstring(svg)
    found = []
    for group in root.iter(f"{SVG}g"):
        rect = group.find(f"{SVG}rect")
        assert rect is not None
        found.append((group.get("class", ""), float(rect.get("x", 0)), float(rect.get("width", 0))))
    return found


def test_bars_are_placed_and_sized_by_time() -> None:
    day = timedelta(days=1)
    row = StripRow(
        "main", [Span("Ann", START, START + day), Span("Bob", START + day, START + 2 * day)]
    )
    drawn = bars(strip_svg([row], SPAN, ZoneInfo("UTC"), "t"))
    half = (WIDTH - LABEL_W) / 2
    assert drawn == [("bar p0", LABEL_W, half), ("bar p1", LABEL_W + half, half)]


def test_a_person_keeps_one_colour_across_rows_and_spans_are_clipped() -> None:
    before = START - timedelta(hours=5)
    rows = [
        StripRow("layer", [Span("Ann", before, START + timedelta(hours=12))]),
        StripRow(
            "final",
            [
                Span("Bob", START, START + timedelta(hours=6)),
                Span("Ann", START + timedelta(hours=6), START + timedelta(days=9)),
            ],
            final=True,
        ),
    ]
    drawn = bars(strip_svg(rows, SPAN, ZoneInfo("UTC"), "t"))
    assert [d[0] for d in drawn] == ["bar p0", "bar p1", "bar p0"]
    assert drawn[0][1] == LABEL_W, "a shift that began earlier starts at the left edge"
    assert drawn[2][1] + drawn[2][2] == WIDTH, "one that ends later stops at the right edge"


def test_days_are_the_readers_days_and_names_are_escaped() -> None:
    row = StripRow("<main>", [Span("Zoë <script>", START, START + timedelta(hours=30))])
    svg = strip_svg([row], SPAN, ZoneInfo("America/New_York"), "Rota & co", now=START)
    ElementTree.fromstring(svg)  # well-formed: every text was escaped
    assert "<script>" not in svg
    assert "Zoë &lt;script&gt;" in svg
    # 23 Nov 00:00 UTC is 22 Nov 19:00 in New York: five hours of Sunday show, unnamed.
    assert re.findall(r'class="day-label"[^>]*>([^<]+)<', svg) == ["Mon 23", "Tue 24"]
    assert "style=" not in svg
    assert 'class="now"' in svg
