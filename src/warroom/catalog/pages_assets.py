"""Catalog pages for assets: the paged, filtered list and one asset with its software's support
status, contract coverage and blast radius."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageViewer
from warroom.catalog.assets import access_asset
from warroom.catalog.browse import asset_ids, assets_by_ids, support_by_asset, worst_support
from warroom.catalog.pages import catalog_page, today_for
from warroom.catalog.rules import Exposure, Support
from warroom.catalog.service import list_services
from warroom.catalog.views import asset_outs, blast_radius_out
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
PAGE_SIZE = 50


def _filters(args: dict[str, str], errors: dict[str, str]) -> dict[str, str]:
    """Unknown filter words become messages beside their field, not a 422 page."""
    good = dict(args)
    if args["exposure"] and args["exposure"] not in {e.value for e in Exposure}:
        errors["exposure"] = "choose internet-facing, internal or internal-tool"
        good["exposure"] = ""
    if args["support"] and args["support"] not in {s.value for s in Support}:
        errors["support"] = "choose eol, unknown or supported"
        good["support"] = ""
    return good


def _page_number(text: str) -> int:
    return int(text) if text.isdigit() and 0 < int(text) < 1_000_000 else 1


def _page_url(args: dict[str, str], page: int) -> str:
    pairs = [(k, v) for k, v in args.items() if v] + ([("page", str(page))] if page > 1 else [])
    return "/catalog/assets" + (f"?{urlencode(pairs)}" if pairs else "")


@router.get("/catalog/assets")
def asset_list(
    request: Request,
    session: DbSession,
    actor: PageViewer,
    at: Now,
    q: str = "",
    exposure: str = "",
    service: str = "",
    support: str = "",
    page: str = "1",
) -> Response:
    args = {"q": q.strip()[:200], "exposure": exposure, "service": service, "support": support}
    errors: dict[str, str] = {}
    wanted = _filters(args, errors)
    today = today_for(actor, at)
    ids = asset_ids(
        session=session, q=wanted["q"], service=wanted["service"], exposure=wanted["exposure"]
    )
    if wanted["support"]:
        worst = support_by_asset(session=session, today=today)
        ids = [i for i in ids if worst.get(i) == wanted["support"]]
    number = min(_page_number(page), max(1, -(-len(ids) // PAGE_SIZE)))
    shown = assets_by_ids(session=session, ids=ids[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    rows = asset_outs(session=session, assets=shown, today=today)
    context: dict[str, Any] = {
        "rows": [(a, worst_support(s.support for s in a.software)) for a in rows],
        "total": len(ids),
        "first": (number - 1) * PAGE_SIZE + 1,
        "args": args,
        "errors": errors,
        "exposures": [e.value for e in Exposure],
        "supports": [s.value for s in Support],
        "services": list_services(session=session),
        "prev_url": _page_url(args, number - 1) if number > 1 else None,
        "next_url": _page_url(args, number + 1) if number * PAGE_SIZE < len(ids) else None,
        "tab": "assets",
    }
    return catalog_page(request, "assets.html", actor, context)


@router.get("/catalog/assets/{hostname}")
def asset_detail(
    request: Request, session: DbSession, actor: PageViewer, at: Now, hostname: str
) -> Response:
    asset = access_asset(session=session, hostname=hostname)
    today = today_for(actor, at)
    out = asset_outs(session=session, assets=[asset], today=today)[0]
    context = {
        "asset": out,
        "today": today.isoformat(),
        "badge": worst_support(s.support for s in out.software),
        "blast": blast_radius_out(session=session, subject=asset.hostname, assets=[asset.hostname]),
        "tab": "assets",
    }
    return catalog_page(request, "asset.html", actor, context)
