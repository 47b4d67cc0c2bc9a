"""Writing thousands of assets at once: the CSV import's write path.

Building one ORM object per asset and per installed package costs about a millisecond each,
too slow for a 10,000-host inventory. Instead the current rows are read with a few queries,
compared in Python, and only the differences are written with executemany statements
on the same models' tables. The semantics match ``do_save_asset`` for the
columns an import carries: an unchanged package keeps its row (and its purl)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from warroom.catalog.models import Asset, AssetService, InstalledSoftware
from warroom.catalog.rules import product_key
from warroom.catalog.schemas import AssetIn

CHUNK = 500  # values per IN (…) look-up, well under every database's parameter limit
COLUMNS = ("ips", "kind", "environment", "exposure", "owner_team_id")


@dataclass
class Stored:
    """What the database holds for the hostnames being imported."""

    assets: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: dict[int, set[int]] = field(default_factory=dict)
    software: dict[int, dict[tuple[str, str], int]] = field(default_factory=dict)


@dataclass
class Writes:
    new_assets: list[dict[str, Any]] = field(default_factory=list)
    new_links: dict[str, set[int]] = field(default_factory=dict)  # new hostname → service ids
    new_software: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, int]] = field(default_factory=list)
    unlinks: list[dict[str, int]] = field(default_factory=list)
    software: list[dict[str, Any]] = field(default_factory=list)
    drop_software: list[int] = field(default_factory=list)


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def read_stored(session: Session, hostnames: Sequence[str]) -> Stored:
    stored = Stored()
    columns = [Asset.id, Asset.hostname, *(getattr(Asset, c) for c in COLUMNS)]
    for chunk in _chunks(hostnames):
        for row in session.execute(select(*columns).where(Asset.hostname.in_(chunk))):
            stored.assets[row.hostname] = dict(row._mapping)
    ids = [a["id"] for a in stored.assets.values()]
    for chunk in _chunks(ids):
        links = select(AssetService.asset_id, AssetService.service_id)
        for asset_id, service_id in session.execute(links.where(AssetService.asset_id.in_(chunk))):
            stored.services.setdefault(asset_id, set()).add(service_id)
        sw = InstalledSoftware
        packages = select(sw.id, sw.asset_id, sw.product, sw.version).where(sw.asset_id.in_(chunk))
        for row_id, asset_id, product, version in session.execute(packages):
            stored.software.setdefault(asset_id, {})[(product, version)] = row_id
    return stored


def _columns(data: AssetIn, teams: Mapping[str, int]) -> dict[str, Any]:
    team = teams[data.owner_team] if data.owner_team else None
    return {
        "ips": data.ips,
        "kind": data.kind.value,
        "environment": data.environment,
        "exposure": data.exposure.value,
        "owner_team_id": team,
    }


def _packages(data: AssetIn) -> list[tuple[str, str]]:
    return list(dict.fromkeys((product_key(s.product), s.version) for s in data.software))


def _changed(writes: Writes, current: dict[str, Any], wanted: dict[str, Any]) -> None:
    if any(current[c] != wanted[c] for c in COLUMNS):
        writes.updates.append({"id": current["id"], **wanted})


def plan_writes(
    rows: Sequence[AssetIn], stored: Stored, services: Mapping[str, int], teams: Mapping[str, int]
) -> Writes:
    """The inserts, updates and deletes that make each asset what its row says."""
    writes = Writes()
    for data in rows:
        wanted = _columns(data, teams)
        links = {services[name] for name in data.services}
        current = stored.assets.get(data.hostname)
        if current is None:
            writes.new_assets.append({"hostname": data.hostname, **wanted})
            writes.new_links[data.hostname] = links
            writes.new_software[data.hostname] = _packages(data)
            continue
        asset_id = current["id"]
        _changed(writes, current, wanted)
        had = stored.services.get(asset_id, set())
        writes.links += [{"asset_id": asset_id, "service_id": s} for s in links - had]
        writes.unlinks += [{"a": asset_id, "s": s} for s in had - links]
        packages, installed = _packages(data), stored.software.get(asset_id, {})
        writes.software += [_package(asset_id, p) for p in packages if p not in installed]
        writes.drop_software += [i for p, i in installed.items() if p not in set(packages)]
    return writes


def _package(asset_id: int, package: tuple[str, str]) -> dict[str, Any]:
    return {"asset_id": asset_id, "product": package[0], "version": package[1], "purl": None}


def _insert_new(session: Session, writes: Writes) -> None:
    if not writes.new_assets:
        return
    blank = {"aliases": [], "location": "", "tags": []}
    rows = [blank | row for row in writes.new_assets]
    query = insert(Asset).returning(Asset.hostname, Asset.id)
    ids = dict(session.connection().execute(query, rows).all())
    for hostname, links in writes.new_links.items():
        writes.links += [{"asset_id": ids[hostname], "service_id": s} for s in links]
    for hostname, packages in writes.new_software.items():
        writes.software += [_package(ids[hostname], p) for p in packages]


def execute(session: Session, writes: Writes) -> None:
    _insert_new(session, writes)
    if writes.updates:
        session.execute(update(Asset), writes.updates)
    if writes.unlinks:
        gone = delete(AssetService).where(
            AssetService.asset_id == bindparam("a"), AssetService.service_id == bindparam("s")
        )
        session.connection().execute(gone, writes.unlinks)
    for chunk in _chunks(writes.drop_software):
        session.execute(delete(InstalledSoftware).where(InstalledSoftware.id.in_(chunk)))
    # On the connection: plain executemany, without the ORM's per-row bookkeeping.
    if writes.links:
        session.connection().execute(insert(AssetService), writes.links)
    if writes.software:
        session.connection().execute(insert(InstalledSoftware), writes.software)
