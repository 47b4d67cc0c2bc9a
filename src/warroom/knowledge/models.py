"""The knowledge base: documented solutions, and one searchable entry per past incident,
solution and runbook, with the keys (services, hosts, alert fingerprints) that tie entries to a
new incident, and responders' marks on the suggestions they were shown.

The full-text index itself lives beside ``kb_entries`` in each database's own engine (SQLite
FTS5 table ``kb_fts``; on PostgreSQL a generated ``kb_fts_vector`` column and its GIN index),
made by migration 0018 and
left out of the models on purpose: neither is expressible portably."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warroom.access.models import Person
from warroom.db import Base, UTCDateTime


class Solution(Base):
    """A documented fix: what it looks like, why it happens, what to do."""

    __tablename__ = "kb_solutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    symptoms: Mapped[str] = mapped_column(Text, default="")
    cause: Mapped[str] = mapped_column(Text, default="")
    fix: Mapped[str] = mapped_column(Text, default="")
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    author: Mapped[Person | None] = relationship(lazy="joined")


class KbEntry(Base):
    """One searchable document: a past incident, a solution or a service's runbook."""

    __tablename__ = "kb_entries"
    __table_args__ = (UniqueConstraint("source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # incident, solution, runbook
    source_id: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    fix: Mapped[str] = mapped_column(Text, default="")
    # Whose visibility applies: the incident itself, or the one a solution came from.
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="")
    digest: Mapped[str] = mapped_column(String(64), default="")
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Indexed: the semantic job asks for the latest each round to learn whether anything moved.
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class KbKey(Base):
    """``service:orders``, ``host:web-01``, ``fingerprint:…``: what ties an entry to another
    incident besides its words."""

    __tablename__ = "kb_keys"
    __table_args__ = (Index("ix_kb_keys_key", "key", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("kb_entries.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(300))


class KbFeedback(Base):
    """A responder's mark on a suggestion shown for an incident: helpful or not."""

    __tablename__ = "kb_feedback"
    __table_args__ = (UniqueConstraint("incident_id", "entry_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("kb_entries.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    helpful: Mapped[bool]
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class KbCursor(Base):
    """How far the index has read the timeline (one row)."""

    __tablename__ = "kb_cursor"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_event_id: Mapped[int] = mapped_column(default=0)


class KbVector(Base):
    """An entry's meaning as a unit vector (16-bit floats) by the optional semantic model, and
    the digest of the words it was read from. Re-embedding writes a new row, so a process that
    holds the vectors in memory needs to read only the ids above the last one it saw."""

    __tablename__ = "kb_vectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("kb_entries.id", ondelete="CASCADE"), unique=True
    )
    model: Mapped[str] = mapped_column(String(60))
    digest: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
