"""Calendar subscriptions: a private address per schedule and per person that a calendar app
can poll without a token. Anyone signed in may ask for a feed's address (the shifts are what
the on-call pages show everyone); the address is the only credential the feed needs."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from warroom.access.deps import DbSession, Now, Viewer
from warroom.access.models import Person
from warroom.errors import NotFound
from warroom.oncall import schedule_ical, schedules
from warroom.oncall.links import feed_of_token, feed_token

router = APIRouter(tags=["schedules"])
WEEKS = 12  # what a subscription shows ahead; a calendar app refreshes it on its own
CALENDAR = "text/calendar; charset=utf-8"


class FeedOut(BaseModel):
    url: str
    webcal: str


def feed_url(request: Request, kind: str, ident: int) -> str:
    base = request.app.state.settings.base_url
    return f"{base}/calendar/{feed_token(request.app.state.secret_key, kind, ident)}.ics"


def _feed(request: Request, kind: str, ident: int) -> FeedOut:
    url = feed_url(request, kind, ident)
    return FeedOut(url=url, webcal="webcal://" + url.split("://", 1)[1])


@router.get("/api/v1/schedules/{schedule_id}/feed", response_model=FeedOut)
def schedule_feed(request: Request, schedule_id: int, session: DbSession, actor: Viewer) -> FeedOut:
    """The schedule's private subscription address (``webcal://`` for calendar apps)."""
    schedules.access_schedule(session=session, schedule_id=schedule_id)
    return _feed(request, "schedule", schedule_id)


@router.get("/api/v1/people/{person_id}/feed", response_model=FeedOut)
def person_feed(request: Request, person_id: int, session: DbSession, actor: Viewer) -> FeedOut:
    """A person's shifts on every schedule, as a private subscription address."""
    if session.get(Person, person_id) is None:
        raise NotFound(f"no person {person_id}")
    return _feed(request, "person", person_id)


@router.get(
    "/calendar/{token}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def subscription(request: Request, token: str, session: DbSession, at: Now) -> Response:
    """The feed behind a private address: no sign-in, no cookie."""
    kind, ident = feed_of_token(request.app.state.secret_key, token)
    until = at + timedelta(weeks=WEEKS)
    if kind == "schedule":
        schedule = schedules.access_schedule(session=session, schedule_id=ident)
        body = schedule_ical.schedule_calendar(
            session=session, schedule=schedule, now=at, until=until
        )
    else:
        person = session.get(Person, ident)
        if person is None:
            raise NotFound("no such calendar feed")
        body = schedule_ical.person_calendar(session=session, person=person, now=at, until=until)
    return Response(body, media_type=CALENDAR, headers={"Cache-Control": "private, max-age=300"})
