"""JSON routes for assets (configuration items), their software support and blast radius."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from warroom.access.deps import DbSession, Manager, Now, Viewer
from warroom.catalog.assets import access_asset, do_patch_asset, do_save_asset, list_assets
from warroom.catalog.rules import Exposure
from warroom.catalog.schemas import AssetIn, AssetOut, AssetPatch, BlastRadiusOut
from warroom.catalog.views import asset_outs, blast_radius_out

router = APIRouter(prefix="/api/v1/assets", tags=["catalog"])


@router.get("", response_model=list[AssetOut])
def list_(
    session: DbSession,
    actor: Viewer,
    at: Now,
    q: str | None = None,
    service: str | None = None,
    exposure: Exposure | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[AssetOut]:
    rows = list_assets(
        session=session,
        q=q,
        service=service,
        exposure=exposure.value if exposure else None,
        limit=limit,
        offset=offset,
    )
    return asset_outs(session=session, assets=rows, today=at.date())


@router.post("", status_code=201, response_model=AssetOut)
def create(body: AssetIn, session: DbSession, actor: Manager, at: Now) -> AssetOut:
    asset = do_save_asset(session=session, data=body)
    return asset_outs(session=session, assets=[asset], today=at.date())[0]


@router.get("/{hostname}", response_model=AssetOut)
def show(hostname: str, session: DbSession, actor: Viewer, at: Now) -> AssetOut:
    asset = access_asset(session=session, hostname=hostname)
    return asset_outs(session=session, assets=[asset], today=at.date())[0]


@router.patch("/{hostname}", response_model=AssetOut)
def patch(hostname: str, body: AssetPatch, session: DbSession, actor: Manager, at: Now) -> AssetOut:
    asset = do_patch_asset(
        session=session, asset=access_asset(session=session, hostname=hostname), data=body
    )
    return asset_outs(session=session, assets=[asset], today=at.date())[0]


@router.delete("/{hostname}", status_code=204)
def delete(hostname: str, session: DbSession, actor: Manager) -> Response:
    session.delete(access_asset(session=session, hostname=hostname))
    return Response(status_code=204)


@router.get("/{hostname}/blast-radius", response_model=BlastRadiusOut)
def asset_blast_radius(hostname: str, session: DbSession, actor: Viewer) -> BlastRadiusOut:
    asset = access_asset(session=session, hostname=hostname)
    return blast_radius_out(session=session, subject=asset.hostname, assets=[asset.hostname])
