"""Public mentions (a post, a review, a comment) with their sentiment score, the incident they
were seen during, and their place in the outreach queue; and the feeds polled for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from warroom.db import Base, UTCDateTime


class Mention(Base):
    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_mentions_incident_posted", "incident_id", "posted_at"),
        Index("ix_mentions_outreach", "outreach"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(100))  # api, csv, a feed's name
    external_id: Mapped[str] = mapped_column(String(500))
    author: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(2000), default="")
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    score: Mapped[float] = mapped_column()  # -1 (most negative) … +1
    label: Mapped[str] = mapped_column(String(10))  # negative, neutral, positive
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))
    # Strongly negative mentions wait for someone to answer: queued, contacted, resolved,
    # ignored; "" for the rest.
    outreach: Mapped[str] = mapped_column(String(20), default="")
    outreach_note: Mapped[str] = mapped_column(Text, default="")
    outreach_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class MentionFeed(Base):
    """An RSS or Atom search feed polled by the worker for new mentions."""

    __tablename__ = "mention_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    url: Mapped[str] = mapped_column(String(2000))
    etag: Mapped[str | None] = mapped_column(String(500))
    modified: Mapped[str | None] = mapped_column(String(100))
    polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
