"""What ``warroom mention`` needs, on the local database (acting as ``--as`` or the first admin,
with the role the API route demands: a responder to take mentions in and work the outreach
queue, a manager for feeds, a viewer to read) or over HTTP. Both answer with the API's
documents and raise ``Problem``. Locally, mentions are scored with VADER, as a server does.

The answer models repeat those of ``sentiment/api.py``: importing them would load the web
framework on every command. The tests compare the two documents, so they cannot drift apart
unnoticed."""

from __future__ import annotations

from typing import Protocol
from urllib.parse import quote

from pydantic import Field
from sqlalchemy import select

from warroom.access.rules import Role
from warroom.cli.local import LocalBackend
from warroom.cli.remote import RemoteBackend
from warroom.db import make_engine, make_session_factory
from warroom.errors import NotFound
from warroom.incidents.rules import format_ref
from warroom.incidents.schemas import Strict
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

MENTIONS = "/mentions"
FEEDS = "/mention-feeds"


class MentionQuery(Strict):
    """The filters of ``GET /api/v1/mentions``, under the API's own parameter names."""

    outreach: list[Outreach] = Field(default_factory=list)
    limit: int = Field(default=200, ge=1, le=1000)


class MentionsBackend(Protocol):
    def timezone(self) -> str: ...
    def receive(self, data: MentionsIn) -> ReceivedOut: ...
    def receive_csv(self, raw: bytes, source: str) -> ReceivedOut: ...
    def mentions(self, query: MentionQuery) -> list[MentionOut]: ...
    def set_outreach(self, mention_id: int, data: OutreachIn) -> MentionOut: ...
    def picture(self, ref: str) -> PictureOut: ...
    def feeds(self) -> list[FeedOut]: ...
    def add_feed(self, data: FeedIn) -> FeedOut: ...
    def remove_feed(self, feed_id: int) -> FeedOut | None: ...
    def close(self) -> None: ...


def mention_out(m: Mention) -> MentionOut:
    return MentionOut(
        id=m.id, source=m.source, author=m.author, text=m.text, url=m.url, posted_at=m.posted_at,
        score=round(m.score, 4), label=m.label,
        incident=format_ref(m.incident_id) if m.incident_id else None, outreach=m.outreach,
        outreach_note=m.outreach_note,
    )  # fmt: skip


def _received(total: int, made: list[Mention]) -> ReceivedOut:
    queued = sum(m.outreach == Outreach.queued.value for m in made)
    return ReceivedOut(received=total, new=len(made), queued=queued)


def _picture_out(found: service.Picture) -> PictureOut:
    buckets = [
        BucketOut(start=b.start, count=b.count, negative=b.negative,
                  negative_share=round(b.negative_share, 4))
        for b in found.buckets
    ]  # fmt: skip
    return PictureOut(
        total=found.total, negative=found.negative,
        negative_share=round(found.negative_share, 4), queued=found.queued, buckets=buckets,
        worst=[mention_out(m) for m in found.worst],
    )  # fmt: skip


def _feed_out(feed: MentionFeed) -> FeedOut:
    return FeedOut.model_validate(feed, from_attributes=True)


class LocalMentions(LocalBackend):
    @classmethod
    def on(cls, database_url: str, as_email: str | None = None) -> LocalMentions:
        engine = make_engine(database_url)
        return cls(make_session_factory(engine), as_email, engine=engine)

    # The server's default scorer; it loads its lexicon on first use, not here.
    _scorer: Scorer = service.VaderScorer()

    def receive(self, data: MentionsIn) -> ReceivedOut:
        now = self._clock()
        with self._unit(Role.responder) as (session, _actor):
            made = service.do_ingest(
                session=session, items=data.mentions, source=data.source, scorer=self._scorer,
                now=now,
            )  # fmt: skip
            return _received(len(data.mentions), made)

    def receive_csv(self, raw: bytes, source: str) -> ReceivedOut:
        now = self._clock()
        # Read as the API reads the body it is sent, so a file imports alike either way.
        items = feeds.parse_csv(raw.decode("utf-8-sig", errors="replace"))
        with self._unit(Role.responder) as (session, _actor):
            made = service.do_ingest(
                session=session, items=items, source=source, scorer=self._scorer, now=now
            )
            return _received(len(items), made)

    def mentions(self, query: MentionQuery) -> list[MentionOut]:
        wanted = [o.value for o in query.outreach] or [o.value for o in Outreach]
        with self._unit() as (session, _actor):
            return [mention_out(m) for m in service.outreach_queue(session, wanted, query.limit)]

    def set_outreach(self, mention_id: int, data: OutreachIn) -> MentionOut:
        with self._unit(Role.responder) as (session, actor):
            found = service.access_mention(session=session, mention_id=mention_id)
            service.do_set_outreach(mention=found, status=data.status, note=data.note, actor=actor)
            return mention_out(found)

    def picture(self, ref: str) -> PictureOut:
        now = self._clock()
        with self._unit() as (session, actor):
            incident = access_incident(session=session, ref=ref, actor=actor)
            return _picture_out(service.picture(session, incident, now))

    def feeds(self) -> list[FeedOut]:
        with self._unit() as (session, _actor):
            rows = session.scalars(select(MentionFeed).order_by(MentionFeed.name))
            return [_feed_out(f) for f in rows]

    def add_feed(self, data: FeedIn) -> FeedOut:
        now = self._clock()
        with self._unit(Role.manager) as (session, _actor):
            return _feed_out(feeds.do_add_feed(session=session, data=data, now=now))

    def remove_feed(self, feed_id: int) -> FeedOut | None:
        with self._unit(Role.manager) as (session, _actor):
            found = session.get(MentionFeed, feed_id)
            if found is None:
                raise NotFound(f"no feed {feed_id}")
            gone = _feed_out(found)
            session.delete(found)
            return gone


class RemoteMentions(RemoteBackend):
    def receive(self, data: MentionsIn) -> ReceivedOut:
        body = data.model_dump(mode="json", exclude_none=True)
        return ReceivedOut.model_validate(self._call("POST", MENTIONS, json=body))

    def receive_csv(self, raw: bytes, source: str) -> ReceivedOut:
        found = self._call(
            "POST", f"{MENTIONS}/csv", params={"source": source}, content=raw,
            headers={"Content-Type": "text/csv"},
        )  # fmt: skip
        return ReceivedOut.model_validate(found)

    def mentions(self, query: MentionQuery) -> list[MentionOut]:
        params = query.model_dump(mode="json")
        return [MentionOut.model_validate(r) for r in self._call("GET", MENTIONS, params=params)]

    def set_outreach(self, mention_id: int, data: OutreachIn) -> MentionOut:
        body = data.model_dump(mode="json")
        path = f"{MENTIONS}/{mention_id}"
        return MentionOut.model_validate(self._call("PATCH", path, json=body))

    def picture(self, ref: str) -> PictureOut:
        path = f"/incidents/{quote(ref.strip(), safe='')}/sentiment"
        return PictureOut.model_validate(self._call("GET", path))

    def feeds(self) -> list[FeedOut]:
        return [FeedOut.model_validate(r) for r in self._call("GET", FEEDS)]

    def add_feed(self, data: FeedIn) -> FeedOut:
        return FeedOut.model_validate(self._call("POST", FEEDS, json=data.model_dump(mode="json")))

    def remove_feed(self, feed_id: int) -> FeedOut | None:
        # The API answers 204 and reads no single feed: the list names the one removed. One
        # it does not hold is deleted all the same, so the server's 404 is what is shown.
        gone = next((f for f in self.feeds() if f.id == feed_id), None)
        self._send("DELETE", f"{FEEDS}/{feed_id}")
        return gone
