"""The audit log's tables: the append-only chain of entries, and its head (one row), which
every append locks so that two transactions never chain onto the same entry."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from warroom.db import Base, UTCDateTime


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_object", "object_type", "object_id"),
        Index("ix_audit_entries_actor", "actor"),
        Index("ix_audit_entries_at", "at"),
    )

    # Taken from the head, never from a sequence: a sequence leaves gaps on rollback, and a
    # gap is exactly what verification reports as a deleted entry.
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(100))
    object_id: Mapped[str] = mapped_column(String(200))
    before_digest: Mapped[str] = mapped_column(String(64), default="")
    after_digest: Mapped[str] = mapped_column(String(64), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's last entry (seq 0 and the genesis hash while empty), and the last head
    shipped to the outside sink."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    shipped_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
