"""The change calendar's private iCalendar address: anyone signed in may ask for it, and the
address is the only credential the feed needs (calendar apps cannot send a token)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from warroom.access.deps import DbSession, Now, Viewer
from warroom.changes.ical import FEED_KIND, change_calendar, feed_address
from warroom.changes.schemas import ChangeFeedOut
from warroom.oncall.links import feed_of_token

router = APIRouter(tags=["changes"])
CALENDAR = "text/calendar; charset=utf-8"


def changes_feed_url(request: Request) -> str:
    return feed_address(request.app.state.settings.base_url, request.app.state.secret_key).url


@router.get("/api/v1/changes-feed", response_model=ChangeFeedOut)
def changes_feed(request: Request, actor: Viewer) -> ChangeFeedOut:
    """The change calendar's private subscription address (``webcal://`` for calendar apps)."""
    return feed_address(request.app.state.settings.base_url, request.app.state.secret_key)


@router.get(
    "/calendar/changes/{token}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def changes_subscription(request: Request, token: str, session: DbSession, at: Now) -> Response:
    """Changes of the last 30 and next 120 days, with freezes and maintenance windows."""
    feed_of_token(request.app.state.secret_key, token, kinds=(FEED_KIND,))
    base = request.app.state.settings.base_url
    body = change_calendar(session=session, now=at, base_url=base)
    return Response(body, media_type=CALENDAR, headers={"Cache-Control": "private, max-age=300"})
