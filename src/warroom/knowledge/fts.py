"""The full-text index in each database's own engine: SQLite FTS5 (an external-content table
kept in step here, in the entry's own transaction) and PostgreSQL's tsvector (an expression
GIN index over a vector column that PostgreSQL generates itself)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from warroom.knowledge.models import KbEntry
from warroom.knowledge.rules import fts5_query, tsquery

_SQLITE_SEARCH = text(
    "SELECT rowid, -bm25(kb_fts, 4.0, 1.0, 2.0) FROM kb_fts WHERE kb_fts MATCH :q "
    "ORDER BY bm25(kb_fts, 4.0, 1.0, 2.0) LIMIT :n"
)
# kb_fts_vector: the weighted vector migration 0018 generates and indexes (GIN).
_PG_SEARCH = text(
    "SELECT id, ts_rank(kb_fts_vector, q, 1) AS r "
    "FROM kb_entries, to_tsquery('english', :q) AS q WHERE kb_fts_vector @@ q "
    "ORDER BY r DESC LIMIT :n"
)


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def forget(session: Session, entry: KbEntry) -> None:
    """Take the entry's current words out of the index (before they change or it goes)."""
    if _sqlite(session) and entry.id is not None:
        session.execute(
            text("INSERT INTO kb_fts(kb_fts, rowid, title, body, fix) "
                 "VALUES ('delete', :id, :title, :body, :fix)"),
            {"id": entry.id, "title": entry.title, "body": entry.body, "fix": entry.fix},
        )  # fmt: skip


def remember(session: Session, entry: KbEntry) -> None:
    """Index the entry's words (after it was flushed, so it has its id)."""
    if _sqlite(session):
        session.execute(
            text("INSERT INTO kb_fts(rowid, title, body, fix) VALUES (:id, :title, :body, :fix)"),
            {"id": entry.id, "title": entry.title, "body": entry.body, "fix": entry.fix},
        )


def search(session: Session, words: list[str], limit: int) -> list[tuple[int, float]]:
    """(entry id, rank) of the entries with any of the words, best first; rank > 0."""
    if not words:
        return []
    if _sqlite(session):
        rows = session.execute(_SQLITE_SEARCH, {"q": fts5_query(words), "n": limit})
    else:
        rows = session.execute(_PG_SEARCH, {"q": tsquery(words), "n": limit})
    return [(int(row[0]), float(row[1])) for row in rows if float(row[1]) > 0]
