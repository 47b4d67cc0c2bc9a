"""The war room's "Public sentiment" panel: mentions over the incident's time as bars, the
share of negative ones as a line, and the angriest posts with their outreach status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from warroom.incidents.models import Incident
from warroom.incidents.pages_room import PanelContext
from warroom.sentiment.rules import Bucket
from warroom.sentiment.service import picture

WIDTH, HEIGHT = 600, 120


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    line: str  # polyline points for the negative share
    peak: int


def chart(buckets: list[Bucket]) -> Chart:
    """Bars scaled to the busiest bucket; the line runs from 0% (bottom) to 100% (top)."""
    peak = max((b.count for b in buckets), default=0) or 1
    width = WIDTH / max(len(buckets), 1)
    bars, points = [], []
    for n, b in enumerate(buckets):
        height = HEIGHT * b.count / peak
        label = f"{b.start:%H:%M} UTC: {b.count} mentions, {b.negative} negative"
        bars.append(Bar(n * width + 1, HEIGHT - height, max(width - 2, 1), height, label))
        if b.count:
            points.append(f"{n * width + width / 2:.1f},{HEIGHT * (1 - b.negative_share):.1f}")
    return Chart(bars, " ".join(points), peak)


def sentiment_panel(session: Session, incident: Incident, view: PanelContext) -> dict[str, Any]:
    """Shown once there is a mention tied to the incident."""
    found = picture(session, incident, view.now)
    if not found.total:
        return {}
    return {
        "template": "sentiment/_room_sentiment.html",
        "picture": found,
        "chart": chart(found.buckets),
        "width": WIDTH,
        "height": HEIGHT,
    }
