"""Reading the audit log: entries by filter for reviewers, and the whole chain, streamed in
order, for verification against an anchor kept outside the database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, select, text
from sqlalchemy.orm import Session

from warroom.audit.models import AuditEntry, AuditHead
from warroom.audit.rules import Entry, Head, Verdict, verify

BATCH = 5_000  # rows per fetch: verification holds one batch, never the whole log


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _filtered(query: Select[AuditEntry], wanted: AuditFilter) -> Select[AuditEntry]:
    for column, value in (
        (AuditEntry.actor, wanted.actor),
        (AuditEntry.action, wanted.action),
        (AuditEntry.object_type, wanted.object_type),
        (AuditEntry.object_id, wanted.object_id),
    ):
        if value:
            query = query.where(column == value)
    if wanted.since is not None:
        query = query.where(AuditEntry.at >= wanted.since)
    if wanted.until is not None:
        query = query.where(AuditEntry.at < wanted.until)
    return query


def list_entries(
    *, session: Session, wanted: AuditFilter, before: int | None = None, limit: int = 100
) -> tuple[list[AuditEntry], int | None]:
    """Newest first; ``before`` continues after the last entry of the previous page (its seq),
    which is also what is answered when there is more."""
    query = _filtered(select(AuditEntry), wanted)
    if before is not None:
        query = query.where(AuditEntry.seq < before)
    rows = list(session.scalars(query.order_by(AuditEntry.seq.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, rows[-1].seq if more and rows else None


def current_head(session: Session) -> Head | None:
    row = session.get(AuditHead, 1)
    return Head(row.seq, row.hash) if row is not None and row.seq else None


def chain_entries(session: Session) -> Iterator[Entry]:
    """Every entry in ``seq`` order, fetched in batches straight from the driver: with
    hundreds of thousands of rows, the per-row type processing would cost more than the
    hashing."""
    query = text(
        "SELECT seq, at, actor, action, object_type, object_id, before_digest, after_digest,"
        " prev_hash, hash FROM audit_entries ORDER BY seq"
    )
    connection = session.connection().execution_options(stream_results=True, yield_per=BATCH)
    for row in connection.execute(query):
        yield Entry(row[0], _utc(row[1]), *row[2:])


def _utc(value: datetime | str) -> datetime:
    """SQLite hands the stored text back; PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def check_chain(session: Session, anchor: Head | None = None) -> Verdict:
    """The chain as the database holds it now, checked from entry 1; with ``anchor`` (a head
    shipped outside earlier), also checked against truncation and wholesale rewriting."""
    return verify(chain_entries(session), anchor=anchor)


def entry_json(row: AuditEntry) -> dict[str, object]:
    """An entry as the API and the command line show it."""
    return {
        "seq": row.seq, "at": row.at.isoformat(), "actor": row.actor, "action": row.action,
        "object_type": row.object_type, "object_id": row.object_id,
        "before_digest": row.before_digest, "after_digest": row.after_digest,
        "prev_hash": row.prev_hash, "hash": row.hash,
    }  # fmt: skip
