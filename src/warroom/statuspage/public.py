"""The public status page's JSON documents, in the shape of Atlassian Statuspage's API v2 so its
widgets and clients read us unchanged: the same paths, the same field names, ``code`` as every
``id``. Only published incidents and published updates appear; internal ids, internal incident
references and drafts never do.

Everything here works on a ``Snapshot`` read once from the database and returns plain values;
the routes and the static export both serve the bytes ``json_document`` makes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from warroom.settings import Settings
from warroom.statuspage.components import list_components
from warroom.statuspage.models import PublicIncident, PublicUpdate, StatusComponent
from warroom.statuspage.rules import ENDED, MaintenanceStatus, page_indicator, worst

Doc = dict[str, Any]
# Statuspage lists the 50 most recent incidents and maintenances.
RECENT = 50
UPCOMING = {MaintenanceStatus.scheduled.value}
ACTIVE = {MaintenanceStatus.in_progress.value, MaintenanceStatus.verifying.value}


@dataclass(frozen=True)
class PageInfo:
    id: str
    name: str
    url: str
    base_url: str
    time_zone: str

    @classmethod
    def from_settings(cls, settings: Settings) -> PageInfo:
        # Stable for one address, so a client's stored page id keeps working.
        page_id = hashlib.sha256(settings.base_url.encode()).hexdigest()[:12]
        return cls(
            id=page_id,
            name=settings.statuspage_name,
            url=f"{settings.base_url}/status",
            base_url=settings.base_url,
            time_zone=settings.statuspage_time_zone,
        )


@dataclass(frozen=True)
class Snapshot:
    """What the public page shows at one moment, read in one transaction."""

    page: PageInfo
    components: list[StatusComponent]  # page order, groups included
    incidents: list[PublicIncident]  # the most recent published, newest first
    open_incidents: list[PublicIncident]
    maintenances: list[PublicIncident]  # the most recent published, latest window first
    open_maintenances: list[PublicIncident]  # soonest first
    now: datetime


def _published(kind: str) -> Select[PublicIncident]:
    return select(PublicIncident).where(
        PublicIncident.kind == kind, PublicIncident.published_at.is_not(None)
    )


def load(session: Session, settings: Settings, now: datetime) -> Snapshot:
    incidents, maintenances = _published("incident"), _published("maintenance")
    newest = (PublicIncident.published_at.desc(), PublicIncident.id.desc())
    latest_window = (PublicIncident.scheduled_for.desc(), PublicIncident.id.desc())
    soonest = (PublicIncident.scheduled_for, PublicIncident.id)
    still_open = PublicIncident.status.not_in(sorted(ENDED))

    def rows(query: Select[PublicIncident]) -> list[PublicIncident]:
        return list(session.scalars(query))

    return Snapshot(
        page=PageInfo.from_settings(settings),
        components=list_components(session),
        incidents=rows(incidents.order_by(*newest).limit(RECENT)),
        open_incidents=rows(incidents.where(still_open).order_by(*newest)),
        maintenances=rows(maintenances.order_by(*latest_window).limit(RECENT)),
        open_maintenances=rows(maintenances.where(still_open).order_by(*soonest)),
        now=now,
    )


# ---------------------------------------------------------------- what the public may see


def published_updates(public: PublicIncident) -> list[PublicUpdate]:
    """Approved updates, newest first; drafts stay inside."""
    shown = [u for u in public.updates if u.state == "published" and u.display_at is not None]
    return sorted(shown, key=lambda u: (u.display_at, u.id), reverse=True)


def public_components(public: PublicIncident) -> list[StatusComponent]:
    """The components a published update named: a draft's additions wait for its approval."""
    named = {a["code"] for u in published_updates(public) for a in u.affected_components or []}
    return [c for c in public.components if c.code in named]


def last_change(public: PublicIncident) -> datetime | None:
    updates = published_updates(public)
    return updates[0].display_at if updates else public.published_at


def visible_status(component: StatusComponent, members: dict[int, list[str]]) -> str:
    """A group shows the worst of its components."""
    return worst(members.get(component.id, [])).value if component.is_group else component.status


def group_members(components: list[StatusComponent]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for c in components:
        if c.group_id is not None:
            found.setdefault(c.group_id, []).append(c.status)
    return found


# ---------------------------------------------------------------- shaping


class Shaper:
    """Rows into Statuspage's objects; times in the page's zone, as Statuspage writes them."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap, self.zone = snap, ZoneInfo(snap.page.time_zone)
        self.members = group_members(snap.components)
        self.codes = {c.id: c.code for c in snap.components}

    def time(self, value: datetime | None) -> str | None:
        return value.astimezone(self.zone).isoformat(timespec="milliseconds") if value else None

    def page(self) -> Doc:
        info = self.snap.page
        return {
            "id": info.id,
            "name": info.name,
            "url": info.url,
            "time_zone": info.time_zone,
            "updated_at": self.time(page_updated(self.snap)),
        }

    def component(self, c: StatusComponent) -> Doc:
        doc: Doc = {
            "id": c.code,
            "name": c.name,
            "status": visible_status(c, self.members),
            "created_at": self.time(c.created_at),
            "updated_at": self.time(c.updated_at),
            "position": c.position,
            "description": c.description or None,
            "showcase": c.showcase,
            "start_date": c.created_at.astimezone(self.zone).date().isoformat(),
            "group_id": self.codes.get(c.group_id) if c.group_id is not None else None,
            "page_id": self.snap.page.id,
            "group": c.is_group,
            "only_show_if_degraded": c.only_show_if_degraded,
        }
        if c.is_group:
            doc["components"] = [m.code for m in self.snap.components if m.group_id == c.id]
        return doc

    def update(self, public: PublicIncident, u: PublicUpdate) -> Doc:
        affected = [
            {k: a.get(k) for k in ("code", "name", "old_status", "new_status")}
            for a in u.affected_components or []
        ]
        return {
            "id": u.code,
            "status": u.status,
            "body": u.body,
            "incident_id": public.code,
            "created_at": self.time(u.display_at),
            "updated_at": self.time(u.display_at),
            "display_at": self.time(u.display_at),
            # Statuspage sends null, not an empty list, when an update names no component.
            "affected_components": affected or None,
            "deliver_notifications": True,
            "custom_tweet": None,
            "tweet_id": None,
        }

    def incident(self, public: PublicIncident) -> Doc:
        doc: Doc = {
            "id": public.code,
            "name": public.name,
            "status": public.status,
            "created_at": self.time(public.published_at),
            "updated_at": self.time(last_change(public)),
            "monitoring_at": self.time(public.monitoring_at),
            "resolved_at": self.time(public.resolved_at),
            "impact": public.impact,
            "shortlink": incident_url(self.snap.page, public),
            "started_at": self.time(public.started_at),
            "page_id": self.snap.page.id,
            "incident_updates": [self.update(public, u) for u in published_updates(public)],
            "components": [self.component(c) for c in public_components(public)],
        }
        if public.kind == "maintenance":
            doc["scheduled_for"] = self.time(public.scheduled_for)
            doc["scheduled_until"] = self.time(public.scheduled_until)
        return doc

    def status(self) -> Doc:
        statuses = [c.status for c in self.snap.components if not c.is_group]
        impacts = [p.impact for p in self.snap.open_incidents]
        found = page_indicator(statuses, impacts)
        return {"indicator": found.indicator, "description": found.description}


def incident_url(page: PageInfo, public: PublicIncident) -> str:
    return f"{page.url}/incidents/{public.code}"


def page_updated(snap: Snapshot) -> datetime | None:
    """The last time anything on the page changed (not ``now``: an unchanged page keeps its
    ETag)."""
    times: list[datetime | None] = [c.updated_at for c in snap.components]
    times += [last_change(p) for p in [*snap.incidents, *snap.open_incidents, *snap.maintenances]]
    return max((t for t in times if t is not None), default=None)


# ---------------------------------------------------------------- documents


def summary(snap: Snapshot) -> Doc:
    s = Shaper(snap)
    return {
        "page": s.page(),
        "components": [s.component(c) for c in snap.components],
        "incidents": [s.incident(p) for p in snap.open_incidents],
        "scheduled_maintenances": [s.incident(p) for p in snap.open_maintenances],
        "status": s.status(),
    }


def status(snap: Snapshot) -> Doc:
    s = Shaper(snap)
    return {"page": s.page(), "status": s.status()}


def components(snap: Snapshot) -> Doc:
    s = Shaper(snap)
    return {"page": s.page(), "components": [s.component(c) for c in snap.components]}


def incidents(snap: Snapshot) -> Doc:
    s = Shaper(snap)
    return {"page": s.page(), "incidents": [s.incident(p) for p in snap.incidents]}


def unresolved(snap: Snapshot) -> Doc:
    s = Shaper(snap)
    return {"page": s.page(), "incidents": [s.incident(p) for p in snap.open_incidents]}


def maintenances(snap: Snapshot, only: set[str] | None = None) -> Doc:
    s = Shaper(snap)
    rows = snap.maintenances if only is None else snap.open_maintenances
    chosen = [p for p in rows if only is None or p.status in only]
    return {"page": s.page(), "scheduled_maintenances": [s.incident(p) for p in chosen]}


def upcoming(snap: Snapshot) -> Doc:
    return maintenances(snap, UPCOMING)


def active(snap: Snapshot) -> Doc:
    return maintenances(snap, ACTIVE)


# Path served → its document.
JSON_DOCUMENTS: dict[str, Callable[[Snapshot], Doc]] = {
    "/api/v2/summary.json": summary,
    "/api/v2/status.json": status,
    "/api/v2/components.json": components,
    "/api/v2/incidents.json": incidents,
    "/api/v2/incidents/unresolved.json": unresolved,
    "/api/v2/scheduled-maintenances.json": maintenances,
    "/api/v2/scheduled-maintenances/upcoming.json": upcoming,
    "/api/v2/scheduled-maintenances/active.json": active,
}


def json_document(snap: Snapshot, path: str) -> bytes:
    """The exact bytes served at ``path``."""
    return json.dumps(JSON_DOCUMENTS[path](snap), ensure_ascii=False).encode()


def access_published(session: Session, code: str) -> PublicIncident | None:
    """One published incident or maintenance by its code, however old; None for a draft."""
    query = select(PublicIncident).where(
        PublicIncident.code == code, PublicIncident.published_at.is_not(None)
    )
    return session.scalars(query).first()
