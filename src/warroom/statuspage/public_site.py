"""Every public document of the status page, rendered to the exact bytes served, keyed by the
path it is served at: what the routes answer and what a static export writes out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from warroom.settings import Settings
from warroom.statuspage.public import JSON_DOCUMENTS, json_document, load
from warroom.statuspage.public_feeds import atom, history, rss
from warroom.statuspage.public_page import incident_html, page_html

MEDIA_TYPES = {
    ".json": "application/json",
    ".atom": "application/atom+xml",
    ".rss": "application/rss+xml",
}
HTML = "text/html; charset=utf-8"


def media_type(path: str) -> str:
    """The content type served at ``path`` (pages have no suffix)."""
    return next((t for s, t in MEDIA_TYPES.items() if path.endswith(s)), HTML)


def documents(session: Session, settings: Settings, now: datetime) -> dict[str, bytes]:
    snap = load(session, settings, now)
    found = {path: json_document(snap, path) for path in JSON_DOCUMENTS}
    found["/history.atom"], found["/history.rss"] = atom(snap), rss(snap)
    found["/status"] = page_html(session, snap)
    for public in history(snap):
        found[f"/status/incidents/{public.code}"] = incident_html(snap, public)
    return found
