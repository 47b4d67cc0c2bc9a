"""The public status page over HTTP: Statuspage-compatible JSON under /api/v2, the history feeds,
and the HTML page. Nobody signs in: these routes never touch the web session, so no response
sets a cookie, even to a browser that carries a staff session. Every answer has an ETag (a hash
of its body) and a short public cache lifetime, and a matching If-None-Match gets 304; the JSON
may be fetched from any origin, as status widgets on other sites do."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from warroom.access.deps import DbSession, Now
from warroom.statuspage.public import (
    JSON_DOCUMENTS,
    Snapshot,
    access_published,
    json_document,
    load,
)
from warroom.statuspage.public_feeds import atom, rss
from warroom.statuspage.public_page import incident_html, page_html
from warroom.statuspage.public_site import media_type

# Short enough that a change shows within the minute; long enough to absorb a crowd reloading.
PAGE_MAX_AGE = 30
FEED_MAX_AGE = 60
SUMMARIES = {
    "/api/v2/summary.json": "Page status, components, unresolved incidents, open maintenances",
    "/api/v2/status.json": "The page's overall indicator and description",
    "/api/v2/components.json": "Every component and group, in page order",
    "/api/v2/incidents.json": "The 50 most recent published incidents",
    "/api/v2/incidents/unresolved.json": "Incidents not yet resolved",
    "/api/v2/scheduled-maintenances.json": "The 50 most recent maintenances",
    "/api/v2/scheduled-maintenances/upcoming.json": "Maintenances still scheduled",
    "/api/v2/scheduled-maintenances/active.json": "Maintenances in progress or verifying",
}


def _snapshot(request: Request, session: DbSession, at: Now) -> Snapshot:
    return load(session, request.app.state.settings, at)


Snap = Annotated[Snapshot, Depends(_snapshot)]


def etag(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def matches(header: str | None, tag: str) -> bool:
    """If-None-Match holds ``tag`` (weak or strong: the body is what counts here) or ``*``."""
    if not header:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or tag in tags


def cached(
    request: Request,
    body: bytes,
    path: str,
    max_age: int,
    *,
    status: int = 200,
    cors: bool = False,
) -> Response:
    tag = etag(body)
    headers = {"ETag": tag, "Cache-Control": f"public, max-age={max_age}"}
    if cors:
        headers["Access-Control-Allow-Origin"] = "*"
    if status == 200 and matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status, media_type=media_type(path), headers=headers)


def _json_route(path: str) -> Callable[[Request, Snapshot], Response]:
    def serve(request: Request, snap: Snap) -> Response:
        return cached(request, json_document(snap, path), path, PAGE_MAX_AGE, cors=True)

    serve.__name__ = "public_" + path.removeprefix("/api/v2/").replace("/", "_").replace(
        "-", "_"
    ).removesuffix(".json")
    return serve


def json_router() -> APIRouter:
    router = APIRouter(tags=["public status page"])
    for path in JSON_DOCUMENTS:
        serve = _json_route(path)
        router.add_api_route(path, serve, methods=["GET"], summary=SUMMARIES[path])
        router.add_api_route(path, serve, methods=["HEAD"], include_in_schema=False)
    return router


def page_router() -> APIRouter:
    router = APIRouter(tags=["public status page"])

    @router.get("/status", response_class=Response, summary="The public status page")
    def status_page(request: Request, session: DbSession, snap: Snap) -> Response:
        return cached(request, page_html(session, snap), "/status", PAGE_MAX_AGE)

    @router.get("/status/incidents/{code}", response_class=Response, summary="One incident")
    def incident_page(request: Request, code: str, session: DbSession, snap: Snap) -> Response:
        public = access_published(session, code)
        body = incident_html(snap, public)
        found = 200 if public is not None else 404
        return cached(request, body, request.url.path, PAGE_MAX_AGE, status=found)

    @router.get("/history.atom", response_class=Response, summary="Incident history (Atom)")
    def history_atom(request: Request, snap: Snap) -> Response:
        return cached(request, atom(snap), "/history.atom", FEED_MAX_AGE)

    @router.get("/history.rss", response_class=Response, summary="Incident history (RSS)")
    def history_rss(request: Request, snap: Snap) -> Response:
        return cached(request, rss(snap), "/history.rss", FEED_MAX_AGE)

    return router


# The documents every reader gets alike, answered from memory between changes.
KEPT_PATHS = frozenset({"/status", "/history.atom", "/history.rss", *JSON_DOCUMENTS})


def routers() -> list[APIRouter]:
    return [json_router(), page_router()]
