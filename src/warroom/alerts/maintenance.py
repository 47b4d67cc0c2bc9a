"""Maintenance windows: while one covers an asset or a service, its alerts are *expected*:
stored, shown and counted, but never escalated into an incident.

Ingestion reads the windows once per batch (``lookups``, cached by the server) and then asks
``is_expected(windows, hosts=…, services=…, now=…)`` per alert (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.alerts.correlation_schemas import MaintenanceWindowIn, MaintenanceWindowOut
from warroom.alerts.lookups import Window, covering
from warroom.alerts.models import Alert, MaintenanceWindow
from warroom.catalog.models import Asset, AssetService, Service
from warroom.catalog.service import check_services
from warroom.errors import InvalidInput, NotFound


def is_expected(
    windows: Sequence[MaintenanceWindow | Window],
    *,
    hosts: Iterable[str],
    services: Iterable[str],
    now: datetime,
) -> bool:
    """Whether any window open at ``now`` names one of the hosts or services (pure)."""
    wanted_hosts = {h.lower() for h in hosts if h}
    wanted_services = {s for s in services if s}
    for window in windows:
        if not window.starts_at <= now < window.ends_at:
            continue
        if wanted_hosts & {a.lower() for a in window.assets}:
            return True
        if wanted_services & set(window.services):
            return True
    return False


def alert_hosts(alert: Alert) -> list[str]:
    """The names a maintenance window may use for the alert's host."""
    names = [alert.source]
    if alert.asset is not None:
        names += [alert.asset.hostname, *alert.asset.aliases]
    return names


def alert_services(alert: Alert) -> list[str]:
    names = [alert.service.name] if alert.service is not None else []
    if alert.asset is not None:
        names += [s.name for s in alert.asset.services]
    return names


def is_alert_expected(windows: Sequence[MaintenanceWindow], alert: Alert, now: datetime) -> bool:
    return is_expected(windows, hosts=alert_hosts(alert), services=alert_services(alert), now=now)


def do_mark_expected(
    *, session: Session, alerts: Sequence[Alert], windows: Sequence[Window], now: datetime
) -> None:
    """Set ``expected`` on new alerts that a window open at ``now`` covers (by the alert's host
    names, its service, or its asset's services). Costs nothing when no window is open."""
    windows = covering(windows, now)
    if not windows or not alerts:
        return
    assets = _asset_names(session, {a.asset_id for a in alerts if a.asset_id is not None})
    services = _service_names(session, alerts)
    for alert in alerts:
        hosts, via_asset = assets.get(alert.asset_id or 0, ([], []))
        own = [services[alert.service_id]] if alert.service_id in services else []
        alert.expected = alert.expected or is_expected(
            windows, hosts=[alert.source, *hosts], services=[*own, *via_asset], now=now
        )


def _asset_names(session: Session, ids: set[int]) -> dict[int, tuple[list[str], list[str]]]:
    """Each asset's host names (hostname and aliases) and its services' names."""
    if not ids:
        return {}
    found: dict[int, tuple[list[str], list[str]]] = {}
    for asset_id, hostname, aliases in session.execute(
        select(Asset.id, Asset.hostname, Asset.aliases).where(Asset.id.in_(ids))
    ):
        found[asset_id] = ([hostname, *(aliases or [])], [])
    links = select(AssetService.asset_id, Service.name).join(
        Service, Service.id == AssetService.service_id
    )
    for asset_id, name in session.execute(links.where(AssetService.asset_id.in_(ids))):
        found[asset_id][1].append(name)
    return found


def _service_names(session: Session, alerts: Sequence[Alert]) -> dict[int | None, str]:
    ids = {a.service_id for a in alerts if a.service_id is not None}
    if not ids:
        return {}
    rows = session.execute(select(Service.id, Service.name).where(Service.id.in_(ids)))
    return {row[0]: row[1] for row in rows}


def list_windows(
    *, session: Session, now: datetime, include_past: bool = False
) -> list[MaintenanceWindow]:
    """Open and upcoming windows, soonest first (and finished ones with ``include_past``)."""
    query = select(MaintenanceWindow).where(MaintenanceWindow.kind == "maintenance")
    query = query.order_by(MaintenanceWindow.starts_at, MaintenanceWindow.id)
    if not include_past:
        query = query.where(MaintenanceWindow.ends_at > now)
    return list(session.scalars(query))


def access_window(*, session: Session, window_id: int) -> MaintenanceWindow:
    window = session.get(MaintenanceWindow, window_id)
    if window is None or window.kind != "maintenance":
        raise NotFound(f"no maintenance window {window_id}")
    return window


def do_create_window(
    *, session: Session, actor: Actor | None, data: MaintenanceWindowIn
) -> MaintenanceWindow:
    if data.ends_at <= data.starts_at:
        raise InvalidInput("ends_at", "must be after starts_at")
    if not data.assets and not data.services:
        raise InvalidInput("assets", "name at least one asset or service")
    check_services(session=session, names=data.services)
    window = MaintenanceWindow(
        name=data.name,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        assets=list(dict.fromkeys(data.assets)),
        services=list(dict.fromkeys(data.services)),
        created_by_id=actor.person_id if actor else None,
    )
    session.add(window)
    session.flush()
    return window


def do_delete_window(*, session: Session, window: MaintenanceWindow) -> None:
    session.delete(window)
    session.flush()


def window_out(window: MaintenanceWindow, now: datetime) -> MaintenanceWindowOut:
    return MaintenanceWindowOut(
        id=window.id,
        name=window.name,
        starts_at=window.starts_at,
        ends_at=window.ends_at,
        assets=window.assets,
        services=window.services,
        active=window.starts_at <= now < window.ends_at,
    )
