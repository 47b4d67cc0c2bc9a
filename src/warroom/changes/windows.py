"""Freeze and maintenance windows on the change calendar, each possibly repeating (RRULE)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.alerts.models import MaintenanceWindow
from warroom.catalog.parties import check_assets
from warroom.catalog.service import check_services
from warroom.changes.schemas import WindowIn, WindowOut
from warroom.errors import InvalidInput, NotFound, PermissionDenied
from warroom.events import DomainEvent, emit
from warroom.recurrence import BadRule, last_end, occurrences


def check_may_edit(actor: Actor, kind: str) -> None:
    """A freeze stops every change in its scope, and a maintenance window silences alerts from
    its scope: only managers set or lift either (as ``/maintenance-windows`` demands)."""
    if not actor.allows(Role.manager):
        raise PermissionDenied(f"{kind} windows need the manager role; you are {actor.role}")


def access_window(*, session: Session, window_id: int) -> MaintenanceWindow:
    window = session.get(MaintenanceWindow, window_id)
    if window is None:
        raise NotFound(f"no window {window_id}")
    return window


def do_create_window(
    *, session: Session, actor: Actor | None, data: WindowIn, now: datetime | None = None
) -> MaintenanceWindow:
    if data.ends_at <= data.starts_at:
        raise InvalidInput("ends_at", "must be after starts_at")
    if data.kind == "maintenance" and not data.assets and not data.services:
        raise InvalidInput("assets", "a maintenance window names at least one asset or service")
    check_services(session=session, names=data.services)
    check_assets(session=session, hostnames=data.assets)
    until = None
    if data.rrule:
        try:
            until = last_end(data.rrule, data.starts_at, data.ends_at)
        except BadRule as exc:
            raise InvalidInput("rrule", str(exc)) from exc
    window = MaintenanceWindow(
        name=data.name,
        kind=data.kind,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        assets=list(dict.fromkeys(data.assets)),
        services=list(dict.fromkeys(data.services)),
        rrule=data.rrule.strip().removeprefix("RRULE:") if data.rrule else None,
        repeat_until=until,
        reason=data.reason,
        created_by_id=actor.person_id if actor else None,
    )
    session.add(window)
    session.flush()
    _announce(session, window, "created", now)
    return window


def do_delete_window(
    *, session: Session, window: MaintenanceWindow, now: datetime | None = None
) -> None:
    session.delete(window)
    session.flush()
    _announce(session, window, "deleted", now)  # after: the watch runs as it is emitted


def _announce(session: Session, window: MaintenanceWindow, kind: str, now: datetime | None) -> None:
    """A freeze set or lifted changes which planned changes conflict: the change watch checks
    them again in this transaction."""
    if window.kind == "freeze":
        data: dict[str, object] = {"kind": kind, "at": now} if now else {"kind": kind}
        emit(session, DomainEvent("window.changed", str(window.id), data))


def last_moment(window: MaintenanceWindow) -> datetime | None:
    """When the window's last occurrence ends (None: it repeats forever)."""
    return window.repeat_until if window.rrule else window.ends_at


def list_windows(
    *, session: Session, now: datetime, kind: str | None = None, include_past: bool = False
) -> list[MaintenanceWindow]:
    query = select(MaintenanceWindow)
    if kind:
        query = query.where(MaintenanceWindow.kind == kind)
    if not include_past:
        query = query.where(
            or_(
                MaintenanceWindow.ends_at > now,
                (MaintenanceWindow.rrule.is_not(None))
                & or_(
                    MaintenanceWindow.repeat_until.is_(None), MaintenanceWindow.repeat_until > now
                ),
            )
        )
    return list(session.scalars(query.order_by(MaintenanceWindow.starts_at, MaintenanceWindow.id)))


def spans(
    windows: list[MaintenanceWindow], since: datetime, until: datetime
) -> list[tuple[MaintenanceWindow, datetime, datetime]]:
    """Every occurrence of the windows overlapping ``[since, until)``, by start."""
    found = [
        (w, a, b)
        for w in windows
        for a, b in occurrences(w.starts_at, w.ends_at, w.rrule, since=since, until=until)
    ]
    return sorted(found, key=lambda x: (x[1], x[0].id))


def window_out(window: MaintenanceWindow, now: datetime) -> WindowOut:
    upcoming = occurrences(
        window.starts_at, window.ends_at, window.rrule, since=now, until=now + timedelta(days=366)
    )[:5]
    return WindowOut(
        id=window.id,
        name=window.name,
        kind=window.kind,
        starts_at=window.starts_at,
        ends_at=window.ends_at,
        services=window.services or [],
        assets=window.assets or [],
        rrule=window.rrule,
        repeat_until=window.repeat_until,
        reason=window.reason,
        active=bool(upcoming) and upcoming[0][0] <= now,
        next=upcoming,
    )
