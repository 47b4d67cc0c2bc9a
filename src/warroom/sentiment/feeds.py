"""Mentions from elsewhere: RSS and Atom search feeds polled by the worker (with the feed's
ETag and Last-Modified, so an unchanged feed costs one small request), and CSV files."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

import feedparser
import httpx
from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from warroom import __version__
from warroom.db import transaction
from warroom.errors import Conflict, InvalidInput
from warroom.sentiment.models import MentionFeed
from warroom.sentiment.rules import Scorer
from warroom.sentiment.schemas import FeedIn, MentionIn
from warroom.sentiment.service import do_ingest
from warroom.settings import Settings

TAGS = re.compile(r"<[^>]+>")
Fetch = Callable[[MentionFeed], httpx.Response]


def do_add_feed(*, session: Session, data: FeedIn, now: datetime) -> MentionFeed:
    if session.scalar(select(MentionFeed.id).where(MentionFeed.name == data.name)):
        raise Conflict(f"a feed named {data.name!r} exists")
    feed = MentionFeed(name=data.name, url=data.url, created_at=now)
    session.add(feed)
    session.flush()
    return feed


def fetch(feed: MentionFeed) -> httpx.Response:
    headers = {"User-Agent": f"warroom/{__version__}"}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.modified:
        headers["If-Modified-Since"] = feed.modified
    return httpx.get(feed.url, headers=headers, timeout=10, follow_redirects=True)


def entries_of(raw: bytes, now: datetime) -> list[MentionIn]:
    parsed: Any = feedparser.parse(raw)
    found = []
    for entry in parsed.entries:
        text = _plain(f"{entry.get('title', '')}. {entry.get('summary', '')}").strip(" .")
        if not text:
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        posted = datetime(*stamp[:6]).replace(tzinfo=UTC) if stamp else now
        found.append(
            MentionIn(
                text=text[:10_000],
                posted_at=posted,
                author=str(entry.get("author", ""))[:200],
                url=str(entry.get("link", ""))[:2000],
                id=str(entry.get("id") or entry.get("link") or "")[:500] or None,
            )
        )
    return found


def _plain(html: str) -> str:
    return " ".join(unescape(TAGS.sub(" ", html)).split())


def do_poll(
    *, session: Session, feed: MentionFeed, scorer: Scorer, now: datetime, get: Fetch = fetch
) -> int:
    """Read the feed once; how many new mentions it brought. A failure is kept on the feed
    (shown to staff) and tried again next round."""
    feed.polled_at = now
    try:
        answer = get(feed)
    except httpx.HTTPError as exc:
        feed.last_error = f"{type(exc).__name__}: {exc}"[:500]
        return 0
    if answer.status_code == 304:
        feed.last_error = None
        return 0
    if answer.status_code >= 400:
        feed.last_error = f"HTTP {answer.status_code}"
        return 0
    feed.etag = answer.headers.get("ETag")
    feed.modified = answer.headers.get("Last-Modified")
    feed.last_error = None
    items = entries_of(answer.content, now)
    return len(do_ingest(session=session, items=items, source=feed.name, scorer=scorer, now=now))


def do_poll_due(
    *, sessions: sessionmaker[Session], scorer: Scorer, now: datetime, every: timedelta
) -> int:
    """Poll each feed not polled within ``every``; each in its own transaction."""
    due = or_(MentionFeed.polled_at.is_(None), MentionFeed.polled_at <= now - every)
    with sessions() as session:
        ids = list(session.scalars(select(MentionFeed.id).where(due)))
    found = 0
    for feed_id in ids:
        with transaction(sessions) as session:
            feed = session.get(MentionFeed, feed_id)
            if feed is not None:
                found += do_poll(session=session, feed=feed, scorer=scorer, now=now)
    return found


def parse_csv(text: str) -> list[MentionIn]:
    """Rows with ``text`` and ``posted_at`` (ISO 8601 with an offset), and optionally
    ``author``, ``url`` and ``id``. A bad row names its line and column."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"text", "posted_at"} - set(reader.fieldnames or [])
    if missing:
        raise InvalidInput("file", f"the header needs {', '.join(sorted(missing))}")
    found = []
    for line, row in enumerate(reader, start=2):
        values = {k: v for k, v in row.items() if k in ("text", "posted_at", "author", "url", "id")}
        try:
            found.append(MentionIn.model_validate({k: v for k, v in values.items() if v}))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InvalidInput("file", f"line {line}, {where}: {first['msg']}") from None
    return found


def ingest_csv(
    *, session: Session, text: str, source: str, scorer: Scorer, now: datetime
) -> Sequence[object]:
    return do_ingest(session=session, items=parse_csv(text), source=source, scorer=scorer, now=now)


def worker_jobs(
    settings: Settings, scorer: Scorer
) -> list[tuple[str, Callable[[sessionmaker[Session], datetime], int]]]:
    """The worker polls each feed every ``mention_poll_minutes``."""
    every = timedelta(minutes=settings.mention_poll_minutes)

    def poll(sessions: sessionmaker[Session], now: datetime) -> int:
        return do_poll_due(sessions=sessions, scorer=scorer, now=now, every=every)

    return [("mention feeds", poll)]
