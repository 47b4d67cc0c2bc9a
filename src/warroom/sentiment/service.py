"""Taking mentions in (from the API, a CSV file or a polled feed), scoring them, tying each to
the incident it was posted during, queueing the strongly negative ones for outreach, and the
per-incident picture the war room charts."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.errors import NotFound
from warroom.events import DomainEvent, emit
from warroom.incidents.models import Incident
from warroom.incidents.rules import Severity
from warroom.sentiment.models import Mention
from warroom.sentiment.rules import (
    Bucket,
    Outreach,
    Scorer,
    label,
    needs_outreach,
    series,
    step_for,
)
from warroom.sentiment.schemas import MentionIn

# A mention posted this long after an incident was resolved is still about it.
AFTERGLOW = timedelta(hours=6)


class VaderScorer:
    """VADER's compound score: made for short social-media text, needs no model download."""

    def score(self, text: str) -> float:
        return float(_vader().polarity_scores(text)["compound"])


@cache
def _vader() -> Any:
    # Loaded on first use: its lexicon takes a moment and most processes never score.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def external_id(item: MentionIn) -> str:
    """The sender's id, else one made from what the mention says (a resend is the same)."""
    if item.id:
        return item.id[:500]
    raw = f"{item.author}\n{item.posted_at.isoformat()}\n{item.text}".encode()
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def do_ingest(
    *,
    session: Session,
    items: Sequence[MentionIn],
    source: str,
    scorer: Scorer,
    now: datetime,
) -> list[Mention]:
    """Store the mentions not seen before; the new ones, scored and tied to an incident."""
    ids = {external_id(i): i for i in items}
    known = set(
        session.scalars(
            select(Mention.external_id).where(
                Mention.source == source, Mention.external_id.in_(list(ids))
            )
        )
    )
    made = [_mention(session, key, item, source, scorer, now) for key, item in ids.items()
            if key not in known]  # fmt: skip
    session.add_all(made)
    session.flush()
    if made:
        emit(session, DomainEvent("mention.received", source, {"count": len(made), "at": now}))
    return made


def _mention(
    session: Session, key: str, item: MentionIn, source: str, scorer: Scorer, now: datetime
) -> Mention:
    score = max(-1.0, min(1.0, scorer.score(item.text)))
    incident = incident_at(session, item.posted_at, item.text)
    return Mention(
        source=source,
        external_id=key,
        author=item.author,
        text=item.text,
        url=item.url,
        posted_at=item.posted_at,
        received_at=now,
        score=score,
        label=label(score).value,
        incident_id=incident.id if incident else None,
        outreach=Outreach.queued.value if needs_outreach(score) else "",
    )


def incident_at(session: Session, posted_at: datetime, text: str) -> Incident | None:
    """The incident a mention was posted during: open then (or resolved within hours); among
    several, one whose service the text names, else the most severe, else the latest."""
    started = Incident.started_at.is_(None) | (Incident.started_at <= posted_at)
    query = select(Incident).where(
        Incident.declared_at <= posted_at + timedelta(minutes=30),
        or_(Incident.resolved_at.is_(None), Incident.resolved_at >= posted_at - AFTERGLOW),
        started,
        Incident.kind == "service",
        # A restricted incident is never tied to public chatter that anyone can read.
        Incident.restricted.is_(False),
    )
    found = list(session.scalars(query))
    if not found:
        return None
    lowered = text.lower()
    named = [i for i in found if any(s.name.lower() in lowered for s in i.services)]
    order = [s.value for s in Severity]
    pool = named or found
    return min(pool, key=lambda i: (order.index(i.severity), -i.declared_at.timestamp()))


def access_mention(*, session: Session, mention_id: int) -> Mention:
    found = session.get(Mention, mention_id)
    if found is None:
        raise NotFound(f"no mention {mention_id}")
    return found


def do_set_outreach(*, mention: Mention, status: Outreach, note: str, actor: Actor | None) -> None:
    mention.outreach, mention.outreach_note = status.value, note
    mention.outreach_by_id = actor.person_id if actor else None


def outreach_queue(session: Session, statuses: Sequence[str], limit: int = 200) -> list[Mention]:
    query = select(Mention).where(Mention.outreach.in_(list(statuses)))
    return list(session.scalars(query.order_by(Mention.score, Mention.posted_at).limit(limit)))


@dataclass(frozen=True)
class Picture:
    """An incident's mentions: the chart's buckets and the totals."""

    buckets: list[Bucket]
    total: int
    negative: int
    queued: int
    worst: list[Mention]

    @property
    def negative_share(self) -> float:
        return self.negative / self.total if self.total else 0.0


def picture(session: Session, incident: Incident, now: datetime) -> Picture:
    rows = list(session.scalars(select(Mention).where(Mention.incident_id == incident.id)))
    start = min([incident.started_at or incident.declared_at, *(m.posted_at for m in rows)])
    end = max(now if incident.resolved_at is None else incident.resolved_at + AFTERGLOW, start)
    step = step_for(end - start)
    buckets = series([(m.posted_at, m.label) for m in rows], start, end, step)
    worst = sorted((m for m in rows if m.label == "negative"), key=lambda m: m.score)[:5]
    return Picture(
        buckets=buckets,
        total=len(rows),
        negative=sum(m.label == "negative" for m in rows),
        queued=sum(m.outreach == Outreach.queued.value for m in rows),
        worst=worst,
    )
