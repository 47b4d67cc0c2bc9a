"""Asset (configuration item) use cases. The caller owns the transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from warroom.catalog.models import Asset, AssetService, InstalledSoftware, Service
from warroom.catalog.rules import product_key
from warroom.catalog.schemas import AssetIn, AssetPatch, SoftwareIn
from warroom.catalog.service import check_services, check_team
from warroom.errors import Conflict, InvalidInput, NotFound


def access_asset(*, session: Session, hostname: str) -> Asset:
    asset = session.scalar(select(Asset).where(Asset.hostname == hostname.strip().lower()))
    if asset is None:
        raise NotFound(f"no asset {hostname!r}")
    return asset


def list_assets(
    *,
    session: Session,
    q: str | None = None,
    service: str | None = None,
    exposure: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[Asset]:
    query = select(Asset).order_by(Asset.hostname)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(or_(Asset.hostname.ilike(like), Asset.location.ilike(like)))
    if service:
        query = (
            query.join(AssetService, AssetService.asset_id == Asset.id)
            .join(Service, Service.id == AssetService.service_id)
            .where(Service.name == service)
        )
    if exposure:
        query = query.where(Asset.exposure == exposure)
    return list(session.scalars(query.limit(limit).offset(offset)))


def _software(items: list[SoftwareIn]) -> list[InstalledSoftware]:
    seen: set[tuple[str, str]] = set()
    rows = []
    for index, item in enumerate(items):
        key = (product_key(item.product), item.version)
        if key in seen:
            raise InvalidInput(
                f"software.{index}", f"{item.product}@{item.version} is listed twice"
            )
        seen.add(key)
        rows.append(InstalledSoftware(product=key[0], version=item.version, purl=item.purl))
    return rows


def _replace_software(asset: Asset, items: list[SoftwareIn]) -> None:
    """Keep rows that did not change, so an unchanged plan writes nothing."""
    wanted = {(r.product, r.version): r for r in _software(items)}
    current = {(r.product, r.version): r for r in asset.software}
    for key, row in current.items():
        if key not in wanted:
            asset.software.remove(row)
        elif row.purl != wanted[key].purl:
            row.purl = wanted[key].purl
    asset.software.extend(row for key, row in wanted.items() if key not in current)


def do_save_asset(*, session: Session, data: AssetIn, existing: Asset | None = None) -> Asset:
    """Create an asset, or replace every field of ``existing`` (used by plan apply)."""
    clash = session.scalar(select(Asset).where(Asset.hostname == data.hostname))
    if clash is not None and clash is not existing:
        raise Conflict(f"an asset named {data.hostname} already exists")
    asset = existing or Asset(hostname=data.hostname)
    asset.hostname, asset.aliases, asset.ips = data.hostname, data.aliases, data.ips
    asset.kind, asset.exposure = data.kind.value, data.exposure.value
    asset.environment, asset.location, asset.tags = data.environment, data.location, data.tags
    asset.services = check_services(session=session, names=data.services)
    asset.owner_team = check_team(session=session, name=data.owner_team)
    _replace_software(asset, data.software)
    session.add(asset)
    session.flush()
    return asset


def asset_fields(asset: Asset) -> dict[str, Any]:
    """The stored asset as the fields of an ``AssetIn`` (for patches and plan export)."""
    return {
        "hostname": asset.hostname,
        "aliases": asset.aliases,
        "ips": asset.ips,
        "kind": asset.kind,
        "environment": asset.environment,
        "location": asset.location,
        "exposure": asset.exposure,
        "services": [s.name for s in asset.services],
        "owner_team": asset.owner_team.name if asset.owner_team else None,
        "tags": asset.tags,
        "software": [
            {"product": s.product, "version": s.version, "purl": s.purl} for s in asset.software
        ],
    }


def do_patch_asset(*, session: Session, asset: Asset, data: AssetPatch) -> Asset:
    given = data.model_dump(exclude_unset=True)
    changes = {k: v for k, v in given.items() if v is not None or k == "owner_team"}
    merged = AssetIn.model_validate(asset_fields(asset) | changes)
    return do_save_asset(session=session, data=merged, existing=asset)
