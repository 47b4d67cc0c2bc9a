"""The signed acknowledge link of a page's message: no sign-in, because the person paged may
be on a phone at 3 a.m. The GET shows a button and changes nothing (mail scanners and link
previews fetch every link in a message); only the POST acknowledges. Anyone holding a valid
link may acknowledge that one page, so the page shows nothing beyond the incident's reference."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.errors import NotFound
from warroom.incidents.models import Incident
from warroom.incidents.rules import format_ref
from warroom.oncall.links import page_of_token
from warroom.oncall.models import Page
from warroom.oncall.paging import do_acknowledge_page
from warroom.web.render import PageRoute, render

router = APIRouter(route_class=PageRoute, tags=["pages"], include_in_schema=False)


def _page(request: Request, session: Session, token: str) -> Page:
    page = session.get(Page, page_of_token(request.app.state.secret_key, token))
    if page is None:
        raise NotFound("this acknowledge link is not valid (or has expired)")
    return page


def _show(request: Request, session: Session, page: Page, token: str, done: bool) -> HTMLResponse:
    incident = session.get(Incident, page.incident_id)
    assert incident is not None  # a page is deleted with its incident
    context = {
        "actor": None,
        "page": page,
        "ref": format_ref(incident.id),
        "severity": incident.severity,
        "action": f"/ack/{token}",
        "done": done,
    }
    response = render(request, "paging/ack.html", context)
    response.headers["Referrer-Policy"] = "no-referrer"  # the URL is the credential
    return response


@router.get("/ack/{token}")
def confirm(token: str, request: Request, session: DbSession) -> HTMLResponse:
    return _show(request, session, _page(request, session, token), token, done=False)


@router.post("/ack/{token}")
def acknowledge(token: str, request: Request, session: DbSession, at: Now) -> HTMLResponse:
    page = _page(request, session, token)
    if page.status == "open":
        do_acknowledge_page(session, page, None, "link", at)
    return _show(request, session, page, token, done=True)
