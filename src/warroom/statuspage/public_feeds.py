"""The status page's history feeds (Atom and RSS): one entry per published incident or
maintenance, its content every published update, newest first, as status page readers expect.
Every date comes from the data, never the clock, so an unchanged page gives the same bytes."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]  # ships no type hints
from markupsafe import Markup, escape

from warroom import __version__
from warroom.statuspage.models import PublicIncident
from warroom.statuspage.public import (
    RECENT,
    Snapshot,
    incident_url,
    last_change,
    page_updated,
    published_updates,
)
from warroom.web.render import label, markdown

# An empty page has never changed; the feed still needs a date.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def history(snap: Snapshot) -> list[PublicIncident]:
    """Published incidents and maintenances, newest first."""
    found = {p.id: p for p in [*snap.incidents, *snap.maintenances, *snap.open_maintenances]}
    ordered = sorted(found.values(), key=lambda p: (p.published_at or EPOCH, p.id), reverse=True)
    return ordered[:RECENT]


def entry_html(public: PublicIncident, zone: ZoneInfo) -> str:
    parts = []
    for update in published_updates(public):
        when = (
            update.display_at.astimezone(zone).strftime("%b %d, %H:%M %Z")
            if update.display_at
            else ""
        )
        head = Markup("<p><small>{}</small><br><strong>{}</strong></p>").format(
            when, label(update.status)
        )
        parts.append(head + markdown(update.body))
    return str(Markup("").join(parts) or escape(public.name))


def feed(snap: Snapshot, path: str) -> FeedGenerator:
    page = snap.page
    made = FeedGenerator()
    made.id(f"{page.url}/history")
    made.title(f"{page.name} - Incident history")
    made.description(f"Incidents and maintenances on {page.name}")
    made.link(href=f"{page.base_url}{path}", rel="self")
    # Last: RSS takes the channel's <link> from the last link given.
    made.link(href=page.url, rel="alternate")
    made.language("en")
    made.generator("warroom", version=__version__)
    made.updated(page_updated(snap) or EPOCH)
    zone = ZoneInfo(page.time_zone)
    for public in history(snap):
        entry = made.add_entry(order="append")
        entry.id(incident_url(page, public))
        entry.title(public.name)
        entry.link(href=incident_url(page, public))
        entry.published(public.published_at or EPOCH)
        entry.updated(last_change(public) or EPOCH)
        entry.content(entry_html(public, zone), type="html")
    return made


def atom(snap: Snapshot) -> bytes:
    data: bytes = feed(snap, "/history.atom").atom_str(pretty=True)
    return data


def rss(snap: Snapshot) -> bytes:
    data: bytes = feed(snap, "/history.rss").rss_str(pretty=True)
    return data
