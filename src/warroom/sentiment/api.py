"""JSON routes of the sentiment watch: mentions in (a batch from any tool that can post JSON,
or a CSV file), the outreach queue, an incident's picture, and the feeds polled."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from warroom.access.deps import DbSession, Manager, Now, Responder, Viewer
from warroom.errors import NotFound
from warroom.incidents.rules import format_ref
from warroom.incidents.service import access_incident
from warroom.sentiment import feeds, service
from warroom.sentiment.models import Mention, MentionFeed
from warroom.sentiment.rules import Outreach, Scorer
from warroom.sentiment.schemas import (
    BucketOut,
    FeedIn,
    FeedOut,
    MentionOut,
    MentionsIn,
    OutreachIn,
    PictureOut,
    ReceivedOut,
)

router = APIRouter(prefix="/api/v1", tags=["sentiment"])
MAX_CSV_BYTES = 5_000_000


def mention_out(m: Mention) -> MentionOut:
    return MentionOut(
        id=m.id,
        source=m.source,
        author=m.author,
        text=m.text,
        url=m.url,
        posted_at=m.posted_at,
        score=round(m.score, 4),
        label=m.label,
        incident=format_ref(m.incident_id) if m.incident_id else None,
        outreach=m.outreach,
        outreach_note=m.outreach_note,
    )


def _scorer(request: Request) -> Scorer:
    scorer: Scorer = request.app.state.scorer
    return scorer


def _received(total: int, made: list[Mention]) -> ReceivedOut:
    queued = sum(m.outreach == Outreach.queued.value for m in made)
    return ReceivedOut(received=total, new=len(made), queued=queued)


@router.post("/mentions", status_code=201, response_model=ReceivedOut)
def receive(
    request: Request, body: MentionsIn, session: DbSession, actor: Responder, at: Now
) -> ReceivedOut:
    """Public mentions from a listening tool; a resend of the same mention is stored once."""
    made = service.do_ingest(
        session=session, items=body.mentions, source=body.source, scorer=_scorer(request), now=at
    )
    return _received(len(body.mentions), made)


@router.post("/mentions/csv", status_code=201, response_model=ReceivedOut)
async def receive_csv(
    request: Request,
    session: DbSession,
    actor: Responder,
    at: Now,
    source: Annotated[str, Query(min_length=1, max_length=100)] = "csv",
) -> ReceivedOut:
    """A CSV file (``text/csv``) with ``text``, ``posted_at`` and optionally ``author``,
    ``url``, ``id`` columns."""
    raw = (await request.body())[:MAX_CSV_BYTES].decode("utf-8-sig", errors="replace")
    items = feeds.parse_csv(raw)
    made = service.do_ingest(
        session=session, items=items, source=source, scorer=_scorer(request), now=at
    )
    return _received(len(items), made)


@router.get("/mentions", response_model=list[MentionOut])
def list_mentions(
    session: DbSession,
    actor: Viewer,
    outreach: Annotated[list[Outreach], Query()] = [],  # noqa: B006 - FastAPI reads it only
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[MentionOut]:
    """The outreach queue (``?outreach=queued``), most negative first."""
    wanted = [o.value for o in outreach] or [o.value for o in Outreach]
    return [mention_out(m) for m in service.outreach_queue(session, wanted, limit)]


@router.patch("/mentions/{mention_id}", response_model=MentionOut)
def set_outreach(
    mention_id: int, body: OutreachIn, session: DbSession, actor: Responder
) -> MentionOut:
    found = service.access_mention(session=session, mention_id=mention_id)
    service.do_set_outreach(mention=found, status=body.status, note=body.note, actor=actor)
    return mention_out(found)


@router.get("/incidents/{ref}/sentiment", response_model=PictureOut)
def incident_sentiment(ref: str, session: DbSession, actor: Viewer, at: Now) -> PictureOut:
    """Mentions over the incident's time: volume and share of negative ones per bucket."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    found = service.picture(session, incident, at)
    return PictureOut(
        total=found.total,
        negative=found.negative,
        negative_share=round(found.negative_share, 4),
        queued=found.queued,
        buckets=[
            BucketOut(
                start=b.start,
                count=b.count,
                negative=b.negative,
                negative_share=round(b.negative_share, 4),
            )
            for b in found.buckets
        ],
        worst=[mention_out(m) for m in found.worst],
    )


@router.get("/mention-feeds", response_model=list[FeedOut])
def list_feeds(session: DbSession, actor: Viewer) -> list[FeedOut]:
    rows = session.scalars(select(MentionFeed).order_by(MentionFeed.name))
    return [FeedOut.model_validate(f, from_attributes=True) for f in rows]


@router.post("/mention-feeds", status_code=201, response_model=FeedOut)
def add_feed(body: FeedIn, session: DbSession, actor: Manager, at: Now) -> FeedOut:
    """An RSS or Atom search feed (a news or social search) the worker polls."""
    made = feeds.do_add_feed(session=session, data=body, now=at)
    return FeedOut.model_validate(made, from_attributes=True)


@router.delete("/mention-feeds/{feed_id}", status_code=204, response_class=Response)
def remove_feed(feed_id: int, session: DbSession, actor: Manager) -> Response:
    found = session.get(MentionFeed, feed_id)
    if found is None:
        raise NotFound(f"no feed {feed_id}")
    session.delete(found)
    return Response(status_code=204)
