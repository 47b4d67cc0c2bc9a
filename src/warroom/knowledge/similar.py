"""Similar past incidents (and solutions and runbooks) for an incident, and knowledge base
search: candidates from the full-text index, from shared keys and (when the optional semantic
model is on) from the nearest vectors, judged by ``rules.judge``, never one the viewer may not
see."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.incidents.models import Incident
from warroom.incidents.visibility import hidden_ids
from warroom.knowledge import fts
from warroom.knowledge.documents import Document, incident_document
from warroom.knowledge.models import KbEntry, KbFeedback, KbKey
from warroom.knowledge.rules import MEANING_FLOOR, Candidate, Judged, judge, matched, terms
from warroom.knowledge.semantic import Meaning, document_text

TEXT_POOL = 200
KEY_POOL = 300
MEANING_POOL = 100
PAST = ("resolved", "closed")


@dataclass(frozen=True)
class Suggestion:
    entry: KbEntry
    score: float
    reasons: tuple[str, ...]


def similar(
    session: Session,
    incident: Incident,
    actor: Actor | None,
    limit: int = 5,
    meaning: Meaning | None = None,
) -> list[Suggestion]:
    """The entries most like this incident, best first, each with why it was chosen."""
    return similar_to(session, incident_document(session, incident), actor, limit, meaning)


def similar_to(
    session: Session,
    doc: Document,
    actor: Actor | None,
    limit: int = 5,
    meaning: Meaning | None = None,
) -> list[Suggestion]:
    """The same for an incident's document (the benchmark builds them without incidents)."""
    words = terms(doc.title, doc.title, doc.body)
    query = Query(words, doc.keys, document_text(doc), doc.incident_id)
    return _rank(session, query, actor, limit, meaning)


def search(
    session: Session,
    q: str,
    actor: Actor | None,
    limit: int = 20,
    meaning: Meaning | None = None,
) -> list[Suggestion]:
    """Knowledge base search by what was typed (open incidents included)."""
    return _rank(session, Query(terms(q), (), q, None), actor, limit, meaning)


def text_only(session: Session, doc: Document, limit: int = 5) -> list[int]:
    """The baseline the benchmark compares with: the engine's text rank alone (BM25 on
    SQLite), the incident's own entry left out."""
    hits = fts.search(session, terms(doc.title, doc.title, doc.body), limit + 1)
    own = _own_entry_ids(session, doc.incident_id)
    return [entry_id for entry_id, _ in hits if entry_id not in own][:limit]


@dataclass(frozen=True)
class Query:
    words: list[str]
    keys: tuple[str, ...]
    text: str  # what the semantic model reads
    incident_id: int | None  # the incident asking, whose own entries are left out


def _rank(
    session: Session, query: Query, actor: Actor | None, limit: int, meaning: Meaning | None
) -> list[Suggestion]:
    words, incident_id = query.words, query.incident_id
    text_hits = dict(fts.search(session, words, TEXT_POOL))
    shared = _shared_keys(session, query.keys)
    near: dict[int, float] = {}
    if meaning is not None and query.text.strip():
        near = meaning.nearest(session, query.text, set(text_hits) | set(shared), MEANING_POOL)
    # The nearest are always some: only those close enough to count are candidates.
    close = {entry_id for entry_id, cosine in near.items() if cosine > MEANING_FLOOR}
    ids = (set(text_hits) | set(shared) | close) - _own_entry_ids(session, incident_id)
    kept = _viewable(session, ids, actor, past_only=incident_id is not None)
    marks = _marks(session, kept, incident_id)
    candidates = {
        entry_id: Candidate(entry_id, text_hits.get(entry_id, 0.0),
                            tuple(shared.get(entry_id, ())), *marks.get(entry_id, (0, 0, False)),
                            meaning=near.get(entry_id))
        for entry_id in kept
    }  # fmt: skip
    best = max((c.text_rank for c in candidates.values()), default=0.0)
    top = [j.entry_id for j in judge(candidates.values(), best)[:limit]]
    # Only the few shown are read whole, for their fix and the words they matched.
    entries = {e.id: e for e in session.scalars(select(KbEntry).where(KbEntry.id.in_(top)))}
    shown = [
        replace(candidates[i], matched_words=matched(words, _text(entries[i])))
        if i in text_hits else candidates[i]
        for i in top
    ]  # fmt: skip
    return [_suggest(entries, j) for j in judge(shown, best)]


def _text(entry: KbEntry) -> str:
    return f"{entry.title} {entry.body} {entry.fix}"


def _suggest(entries: dict[int, KbEntry], judged: Judged) -> Suggestion:
    return Suggestion(entries[judged.entry_id], judged.score, judged.reasons)


def _own_entry_ids(session: Session, incident_id: int | None) -> set[int]:
    """The incident's own entry, and solutions written from it, are not suggestions."""
    if incident_id is None:
        return set()
    return set(session.scalars(select(KbEntry.id).where(KbEntry.incident_id == incident_id)))


def _shared_keys(session: Session, keys: tuple[str, ...]) -> dict[int, list[str]]:
    """Entries sharing the most keys with the incident (at most KEY_POOL), with those keys."""
    if not keys:
        return {}
    top = (
        select(KbKey.entry_id)
        .where(KbKey.key.in_(keys))
        .group_by(KbKey.entry_id)
        .order_by(func.count().desc(), KbKey.entry_id.desc())
        .limit(KEY_POOL)
    )
    found: dict[int, list[str]] = {}
    rows = session.execute(
        select(KbKey.entry_id, KbKey.key).where(KbKey.key.in_(keys), KbKey.entry_id.in_(top))
    )
    for entry_id, key in rows:
        found.setdefault(entry_id, []).append(key)
    return found


def _viewable(
    session: Session, ids: set[int], actor: Actor | None, *, past_only: bool
) -> list[int]:
    """The candidates this viewer may see (and, for an incident, only past incidents), read
    as four columns: a common service brings hundreds."""
    if not ids:
        return []
    query = select(KbEntry.id, KbEntry.incident_id, KbEntry.source, KbEntry.status)
    rows = session.execute(query.where(KbEntry.id.in_(ids))).all()
    hidden = hidden_ids(session, actor, [r[1] for r in rows if r[1] is not None])
    return [
        entry_id
        for entry_id, incident_id, source, status in rows
        if incident_id not in hidden
        and not (past_only and source == "incident" and status not in PAST)
    ]


def _marks(
    session: Session, ids: list[int], incident_id: int | None
) -> dict[int, tuple[int, int, bool]]:
    """Per entry: helpful marks, not-helpful marks, and whether marked not helpful here."""
    if not ids:
        return {}
    here = KbFeedback.incident_id == (incident_id if incident_id is not None else -1)
    query = (
        select(
            KbFeedback.entry_id,
            func.sum(case((KbFeedback.helpful, 1), else_=0)),
            func.sum(case((KbFeedback.helpful, 0), else_=1)),
            func.max(case((here & ~KbFeedback.helpful, 1), else_=0)),
        )
        .where(KbFeedback.entry_id.in_(ids))
        .group_by(KbFeedback.entry_id)
    )
    return {
        int(row[0]): (int(row[1] or 0), int(row[2] or 0), bool(row[3]))
        for row in session.execute(query)
    }
