"""The public status page in HTML: the overall banner, open incidents and maintenances with their
updates, components by group with 90 days of uptime bars, and recent history; and one page per
incident. Server-rendered with no script and no inline style (the page runs under the same
strict Content-Security-Policy as the rest), so the bars are SVG coloured by class."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from warroom.statuspage.components import history
from warroom.statuspage.models import PublicIncident, PublicUpdate, StatusComponent
from warroom.statuspage.public import (
    ACTIVE,
    Shaper,
    Snapshot,
    group_members,
    incident_url,
    public_components,
    published_updates,
    visible_status,
)
from warroom.statuspage.rules import (
    Day,
    daily_uptime,
    hidden_now,
    is_open,
    overall_uptime,
)
from warroom.web.render import environment

DAYS = 90
BAR_STEP = 5  # SVG units per day: a 3-unit bar and a 2-unit gap
PAST_SHOWN = 10


@dataclass(frozen=True)
class Bar:
    x: int
    status: str  # a component status, or "nodata" before the component existed
    title: str


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    description: str
    status: str
    bars: list[Bar] = field(default_factory=list)
    uptime: str | None = None  # "99.95 %" over the days it existed; None: no bars shown


@dataclass(frozen=True)
class Section:
    head: Row | None  # the group; None for a component outside any group
    rows: list[Row]


@dataclass(frozen=True)
class IncidentView:
    code: str
    kind: str
    name: str
    status: str
    impact: str
    url: str
    updates: list[PublicUpdate]
    components: list[str]
    scheduled_for: datetime | None
    scheduled_until: datetime | None
    resolved_at: datetime | None


def incident_view(snap: Snapshot, public: PublicIncident) -> IncidentView:
    return IncidentView(
        code=public.code,
        kind=public.kind,
        name=public.name,
        status=public.status,
        impact=public.impact,
        url=incident_url(snap.page, public),
        updates=published_updates(public),
        components=[c.name for c in public_components(public)],
        scheduled_for=public.scheduled_for,
        scheduled_until=public.scheduled_until,
        resolved_at=public.resolved_at,
    )


# ---------------------------------------------------------------- uptime bars


def bars(days: Sequence[Day]) -> list[Bar]:
    found = []
    for n, day in enumerate(days):
        when = day.day.strftime("%d %b %Y")
        if day.uptime is None:
            found.append(Bar(n * BAR_STEP, "nodata", f"{when}: no data"))
            continue
        words = day.worst.value.replace("_", " ")
        title = f"{when}: {day.uptime * 100:.2f} % up, at worst {words}"
        found.append(Bar(n * BAR_STEP, day.worst.value, title))
    return found


def uptime(session: Session, snap: Snapshot, leaves: list[StatusComponent]) -> dict[int, Row]:
    """Each component's row with its bars over the last ``DAYS`` UTC days."""
    now = snap.now.astimezone(UTC)
    first = now.date() - timedelta(days=DAYS - 1)
    past = history(session, [c.id for c in leaves], datetime.combine(first, time(), tzinfo=UTC))
    rows = {}
    for c in leaves:
        days = daily_uptime(past[c.id], first, DAYS, now)
        total = overall_uptime(days)
        shown = c.showcase and total is not None
        rows[c.id] = Row(
            c.code,
            c.name,
            c.description,
            c.status,
            bars(days) if shown else [],
            f"{(total or 0) * 100:.2f} %" if shown else None,
        )
    return rows


def shown(c: StatusComponent) -> bool:
    return not hidden_now(c.only_show_if_degraded, c.status)


def sections(session: Session, snap: Snapshot) -> list[Section]:
    """Components in page order, each group with its visible members under it."""
    leaves = [c for c in snap.components if not c.is_group and shown(c)]
    rows = uptime(session, snap, leaves)
    members = group_members(snap.components)
    found = []
    for c in snap.components:
        if c.is_group:
            inside = [rows[m.id] for m in leaves if m.group_id == c.id]
            status = visible_status(c, members)
            head = Row(c.code, c.name, c.description, status)
            if inside:
                found.append(Section(head, inside))
        elif c.group_id is None and c.id in rows:
            found.append(Section(None, [rows[c.id]]))
    return found


# ---------------------------------------------------------------- pages


def _render(template: str, snap: Snapshot, **context: Any) -> bytes:
    base = {"page": snap.page, "tz": snap.page.time_zone, "status": Shaper(snap).status()}
    html = environment().get_template(template).render({**base, **context})
    return html.encode()


def page_html(session: Session, snap: Snapshot) -> bytes:
    past = [p for p in [*snap.incidents, *snap.maintenances] if not is_open(p.status)]
    past.sort(key=lambda p: (p.resolved_at or p.published_at or snap.now, p.id), reverse=True)
    return _render(
        "statuspage/public.html",
        snap,
        incidents=[incident_view(snap, p) for p in snap.open_incidents],
        active=[incident_view(snap, p) for p in snap.open_maintenances if p.status in ACTIVE],
        upcoming=[incident_view(snap, p) for p in snap.open_maintenances if p.status not in ACTIVE],
        sections=sections(session, snap),
        days=DAYS,
        width=DAYS * BAR_STEP - (BAR_STEP - 3),
        past=[incident_view(snap, p) for p in past[:PAST_SHOWN]],
    )


def incident_html(snap: Snapshot, public: PublicIncident | None) -> bytes:
    """One incident's timeline; a page saying so when the code names nothing published."""
    view = incident_view(snap, public) if public is not None else None
    return _render("statuspage/public_incident.html", snap, incident=view)
