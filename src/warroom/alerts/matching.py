"""Which catalog asset an alert is about: its host names matched against the assets'
hostnames, aliases and IPs, for a whole batch at once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Exists, exists, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from warroom.alerts.payloads import host_of
from warroom.alerts.rules import IncomingEvent
from warroom.catalog.models import Asset, AssetService, Service

# Labels that name the host an alert is about, in the order they are trusted.
HOST_LABELS = ("host", "hostname", "instance")


@dataclass(frozen=True)
class HostMatch:
    asset_id: int
    hostname: str
    service_id: int | None  # the asset's first service by name


def event_names(event: IncomingEvent) -> Iterator[str]:
    """The names an event gives its host, most trusted first (lower-cased, as the catalog
    keeps host names; IPs are unaffected)."""
    for value in (event.source, *(event.labels.get(n) for n in HOST_LABELS)):
        if value:
            yield host_of(value).strip().lower()


def candidates(events: Iterable[IncomingEvent]) -> list[str]:
    return list(dict.fromkeys(name for event in events for name in event_names(event)))


def match_hosts(*, session: Session, names: list[str]) -> dict[str, HostMatch]:
    """Each name that is an asset's hostname, alias or IP → that asset. Hostnames are asked
    first (indexed); aliases and IPs, which need a scan, only for names still unknown."""
    if not names:
        return {}
    found = _rows(session, Asset.hostname.in_(names), names)
    rest = [n for n in names if n not in found]
    if rest:
        json_match = or_(_in_list(session, Asset.aliases, rest), _in_list(session, Asset.ips, rest))
        found.update(_rows(session, json_match, rest))
    return found


def _first_service() -> ColumnElement[int | None]:
    return (
        select(AssetService.service_id)
        .join(Service, Service.id == AssetService.service_id)
        .where(AssetService.asset_id == Asset.id)
        .order_by(Service.name)
        .limit(1)
        .scalar_subquery()
    )


def _rows(session: Session, where: ColumnElement[bool], names: list[str]) -> dict[str, HostMatch]:
    query = select(Asset.id, Asset.hostname, Asset.aliases, Asset.ips, _first_service())
    result: dict[str, HostMatch] = {}
    wanted = set(names)
    for asset_id, hostname, aliases, ips, service_id in session.execute(query.where(where)):
        match = HostMatch(asset_id, hostname, service_id)
        for name in (hostname, *(a.lower() for a in aliases or []), *(ips or [])):
            if name in wanted:
                result.setdefault(name, match)
    return result


def _in_list(
    session: Session, column: InstrumentedAttribute[list[str]], names: list[str]
) -> Exists:
    """Whether the JSON list in ``column`` holds any of ``names``, in the session's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        items = func.json_array_elements_text(column).table_valued("value")
    else:
        items = func.json_each(column).table_valued("value")
    return exists(select(1).select_from(items).where(items.c.value.in_(names)))
