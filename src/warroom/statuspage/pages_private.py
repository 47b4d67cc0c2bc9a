"""The private status page, for staff: the public page's state with what is behind it."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageViewer
from warroom.statuspage.overview import overview
from warroom.statuspage.pages_admin import PRIVATE, page
from warroom.web.render import PageRoute

router = APIRouter(route_class=PageRoute, tags=["pages"])


@router.get(PRIVATE)
def private_page(request: Request, session: DbSession, actor: PageViewer, at: Now) -> Response:
    found = overview(session, request.app.state.settings, at, actor)
    return page(request, "private.html", actor, {"tab": "private", "view": found})
