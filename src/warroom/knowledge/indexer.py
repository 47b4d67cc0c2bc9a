"""Keeping the knowledge base's entries in step with what they are read from.

Incidents are re-read when their timeline moves: the worker's sync job follows the timeline
by a cursor (one row), so every declared, updated, noted or resolved incident is indexed
within a worker interval, whoever wrote it (the web, the API, the CLI, another replica).
Solutions are indexed as they are saved, runbooks when their text's digest changes. An entry
whose digest did not change is left alone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from warroom.catalog.models import Service
from warroom.db import transaction
from warroom.incidents.models import Incident, TimelineEvent
from warroom.knowledge import fts
from warroom.knowledge.documents import (
    Document,
    incident_document,
    postmortem_document,
    runbook_document,
    solution_document,
)
from warroom.knowledge.models import KbCursor, KbEntry, KbKey, Solution
from warroom.reviews.models import Postmortem

BATCH = 500
RUNBOOK_EVERY = timedelta(minutes=1)


def store(session: Session, doc: Document, now: datetime) -> KbEntry:
    """Create or refresh the entry of ``doc``; unchanged ones cost one lookup."""
    entry = session.scalar(
        select(KbEntry).where(KbEntry.source == doc.source, KbEntry.source_id == doc.source_id)
    )
    if entry is not None and entry.digest == doc.digest:
        return entry
    if entry is None:
        entry = KbEntry(source=doc.source, source_id=doc.source_id)
        session.add(entry)
    else:
        fts.forget(session, entry)
        session.execute(delete(KbKey).where(KbKey.entry_id == entry.id))
    entry.title, entry.body, entry.fix = doc.title[:300], doc.body, doc.fix
    entry.incident_id, entry.status, entry.digest = doc.incident_id, doc.status, doc.digest
    entry.occurred_at, entry.indexed_at = doc.occurred_at, now
    session.flush()
    session.add_all(KbKey(entry_id=entry.id, key=key[:300]) for key in doc.keys)
    fts.remember(session, entry)
    return entry


def drop(session: Session, source: str, source_id: int) -> None:
    entry = session.scalar(
        select(KbEntry).where(KbEntry.source == source, KbEntry.source_id == source_id)
    )
    if entry is not None:
        fts.forget(session, entry)
        session.delete(entry)
        session.flush()


def index_incident(session: Session, incident: Incident, now: datetime) -> KbEntry:
    """The incident's entry, and its postmortem's once published (a draft teaches nothing
    yet; a reopened one leaves the knowledge base until published again)."""
    doc = incident_document(session, incident)
    postmortem = session.scalar(select(Postmortem).where(Postmortem.incident_id == incident.id))
    if postmortem is not None and postmortem.state == "published":
        store(session, postmortem_document(postmortem, doc), now)
    elif postmortem is not None:
        drop(session, "postmortem", postmortem.id)
    return store(session, doc, now)


def index_solution(session: Session, solution: Solution, now: datetime) -> KbEntry:
    return store(session, solution_document(solution), now)


def _cursor(session: Session) -> KbCursor:
    row = session.scalar(select(KbCursor).with_for_update())
    if row is None:
        row = KbCursor(id=1, last_event_id=0)
        session.add(row)
        session.flush()
    return row


def sync(session: Session, now: datetime, batch: int = BATCH) -> int:
    """Index the incidents whose timeline moved since the last sync, and changed runbooks;
    the number of entries read. Callers run it until it returns less than ``batch``."""
    return _incidents(session, now, batch) + sync_runbooks(session, now)


def _incidents(session: Session, now: datetime, batch: int) -> int:
    cursor = _cursor(session)
    upto = session.scalar(
        select(func.max(TimelineEvent.id)).where(TimelineEvent.id > cursor.last_event_id)
    )
    count = 0
    if upto is not None:
        ids = session.scalars(
            select(TimelineEvent.incident_id)
            .where(TimelineEvent.id > cursor.last_event_id)
            .group_by(TimelineEvent.incident_id)
            .order_by(func.max(TimelineEvent.id))
            .limit(batch)
        )
        wanted = list(ids)
        for incident in session.scalars(select(Incident).where(Incident.id.in_(wanted))):
            index_incident(session, incident, now)
            count += 1
        if len(wanted) < batch:
            cursor.last_event_id = upto
        else:
            last = select(func.max(TimelineEvent.id)).where(TimelineEvent.incident_id.in_(wanted))
            cursor.last_event_id = session.scalar(last) or cursor.last_event_id
    return count


def sync_runbooks(session: Session, now: datetime) -> int:
    """Runbooks whose text changed; a service without one has no entry."""
    query = select(KbEntry.source_id, KbEntry.digest).where(KbEntry.source == "runbook")
    known: dict[int, str] = {int(r[0]): str(r[1]) for r in session.execute(query)}
    changed = 0
    for service in session.scalars(select(Service)):
        doc = runbook_document(service)
        if not service.runbook.strip():
            if service.id in known:
                drop(session, "runbook", service.id)
                changed += 1
        elif known.get(service.id) != doc.digest:
            store(session, doc, now)
            changed += 1
    return changed


def worker_jobs() -> list[tuple[str, Callable[[sessionmaker[Session], datetime], int]]]:
    """The worker's knowledge base sync: incidents each interval, runbooks once a minute."""
    last_runbooks: list[datetime] = []

    def run(sessions: sessionmaker[Session], now: datetime) -> int:
        with transaction(sessions) as session:
            count = _incidents(session, now, BATCH)
            if not last_runbooks or now - last_runbooks[0] >= RUNBOOK_EVERY:
                last_runbooks[:] = [now]
                count += sync_runbooks(session, now)
            return count

    return [("knowledge base", run)]
