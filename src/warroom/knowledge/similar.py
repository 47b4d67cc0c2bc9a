"""Similar past incidents (and solutions and runbooks) for an incident, and knowledge base
search: candidates from the full-text index and from shared keys, judged by ``rules.judge``,
never one the viewer may not see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.incidents.models import Incident
from warroom.incidents.visibility import hidden_ids
from warroom.knowledge import fts
from warroom.knowledge.documents import Document, incident_document
from warroom.knowledge.models import KbEntry, KbFeedback, KbKey
from warroom.knowledge.rules import Candidate, Judged, judge, matched, terms

TEXT_POOL = 200
KEY_POOL = 300
PAST = ("resolved", "closed")


@dataclass(frozen=True)
class Suggestion:
    entry: KbEntry
    score: float
    reasons: tuple[str, ...]


def similar(
    session: Session, incident: Incident, actor: Actor | None, limit: int = 5
) -> list[Suggestion]:
    """The entries most like this incident, best first, each with why it was chosen."""
    return similar_to(session, incident_document(session, incident), actor, limit)


def similar_to(
    session: Session, doc: Document, actor: Actor | None, limit: int = 5
) -> list[Suggestion]:
    """The same for an incident's document (the benchmark builds them without incidents)."""
    words = terms(doc.title, doc.title, doc.body)
    return _rank(session, words, doc.keys, actor, limit, doc.incident_id)


def search(session: Session, q: str, actor: Actor | None, limit: int = 20) -> list[Suggestion]:
    """Knowledge base search by words alone (open incidents included)."""
    return _rank(session, terms(q), (), actor, limit, None)


def text_only(session: Session, doc: Document, limit: int = 5) -> list[int]:
    """The baseline the benchmark compares with: the engine's text rank alone (BM25 on
    SQLite), the incident's own entry left out."""
    hits = fts.search(session, terms(doc.title, doc.title, doc.body), limit + 1)
    own = _own_entry_ids(session, doc.incident_id)
    return [entry_id for entry_id, _ in hits if entry_id not in own][:limit]


def _rank(
    session: Session,
    words: list[str],
    keys: tuple[str, ...],
    actor: Actor | None,
    limit: int,
    incident_id: int | None,
) -> list[Suggestion]:
    text_hits = dict(fts.search(session, words, TEXT_POOL))
    shared = _shared_keys(session, keys)
    ids = set(text_hits) | set(shared)
    ids -= _own_entry_ids(session, incident_id)
    entries = _viewable(session, ids, actor, past_only=incident_id is not None)
    marks = _marks(session, list(entries), incident_id)
    candidates = [
        Candidate(entry_id, text_hits.get(entry_id, 0.0), tuple(shared.get(entry_id, ())),
                  *marks.get(entry_id, (0, 0, False)),
                  matched(words, f"{e.title} {e.body} {e.fix}") if entry_id in text_hits else ())
        for entry_id, e in entries.items()
    ]  # fmt: skip
    return [_suggest(entries, j) for j in judge(candidates)[:limit]]


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
) -> dict[int, KbEntry]:
    if not ids:
        return {}
    entries = {e.id: e for e in session.scalars(select(KbEntry).where(KbEntry.id.in_(ids)))}
    hidden = hidden_ids(session, actor, [e.incident_id for e in entries.values()
                                         if e.incident_id is not None])  # fmt: skip
    return {
        entry_id: e
        for entry_id, e in entries.items()
        if e.incident_id not in hidden
        and not (past_only and e.source == "incident" and e.status not in PAST)
    }


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
