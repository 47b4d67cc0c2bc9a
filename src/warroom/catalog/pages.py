"""Catalog pages: the overview with search, and the services with their dependency graph.

Assets are in ``pages_assets``; vendors, contracts, contacts and customers in
``pages_parties``. Every catalog page is read-only: changes go through the API, the CLI and
plan files, and managers are shown where."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response
from markupsafe import Markup

from warroom.access.deps import DbSession
from warroom.access.pages import PageViewer
from warroom.access.service import Actor
from warroom.catalog.browse import (
    SEARCH_LIMIT,
    assets_running,
    catalog_counts,
    search_catalog,
    slas_on,
)
from warroom.catalog.graph_svg import dependency_svg
from warroom.catalog.rules import reverse
from warroom.catalog.service import access_service, dependency_graph, list_services
from warroom.catalog.views import blast_radius_out, service_out
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, render

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
TIERS = (1, 2, 3, 4)
URL = re.compile(r"^https?://\S+$")
RUNS_ON_SHOWN = 25  # the rest are one click away, in the asset list filtered by service


def today_for(actor: Actor, at: datetime) -> date:
    """The viewer's own date: "days left" changes at their midnight, not UTC's."""
    try:
        zone = ZoneInfo(actor.timezone or "UTC")
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    return at.astimezone(zone).date()


def catalog_page(
    request: Request, template: str, actor: Actor, context: dict[str, Any], status: int = 200
) -> Response:
    return render(
        request, f"catalog/{template}", {"actor": actor, "nav": "catalog"} | context, status
    )


@router.get("/catalog")
def overview(request: Request, session: DbSession, actor: PageViewer, q: str = "") -> Response:
    query = q.strip()[:200]
    context = {
        "counts": catalog_counts(session=session),
        "q": query,
        "hits": search_catalog(session=session, q=query) if query else None,
        "limit": SEARCH_LIMIT,
        "tab": "overview",
    }
    return catalog_page(request, "overview.html", actor, context)


@router.get("/catalog/services")
def service_list(
    request: Request, session: DbSession, actor: PageViewer, q: str = "", tier: str = ""
) -> Response:
    wanted = int(tier) if tier in {str(t) for t in TIERS} else None
    rows = [
        s
        for s in list_services(session=session, q=q.strip() or None)
        if wanted is None or s.tier == wanted
    ]
    graph = dependency_graph(session=session)
    used_by = reverse(graph)
    context = {
        "rows": rows,
        "needs": {name: len(deps) for name, deps in graph.items()},
        "used_by": {name: len(users) for name, users in used_by.items()},
        "args": {"q": q, "tier": tier},
        "errors": {"tier": "choose a tier from 1 to 4"} if tier and wanted is None else {},
        "tiers": TIERS,
        "tab": "services",
    }
    return catalog_page(request, "services.html", actor, context)


@router.get("/catalog/services/{name:path}")
def service_detail(request: Request, session: DbSession, actor: PageViewer, name: str) -> Response:
    service = access_service(session=session, name=name)
    graph = dependency_graph(session=session)
    tiers = {s.name: s.tier for s in list_services(session=session)}
    runbook = service.runbook.strip()
    context = {
        "service": service_out(session, service),
        "runbook_url": runbook if URL.match(runbook) else None,
        "assets": assets_running(session=session, service_id=service.id),
        "assets_shown": RUNS_ON_SHOWN,
        "slas": slas_on(session=session, service_id=service.id),
        "blast": blast_radius_out(session=session, subject=service.name, services=[service.name]),
        "tiers": tiers,
        "graph": Markup(dependency_svg(service.name, graph, tiers)),  # noqa: S704 - every label is escaped in graph_svg
        "tab": "services",
    }
    return catalog_page(request, "service.html", actor, context)
