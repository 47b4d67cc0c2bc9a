"""The knowledge base's documents as the API shows them."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy.orm import Session

from warroom.catalog.models import Service
from warroom.incidents.rules import format_ref
from warroom.knowledge.models import KbEntry, Solution
from warroom.knowledge.schemas import EntryOut, SolutionOut, SuggestionOut
from warroom.knowledge.similar import Suggestion


def solution_ref(solution_id: int) -> str:
    return f"SOL-{solution_id}"


def entry_out(session: Session, entry: KbEntry) -> EntryOut:
    if entry.source == "incident":
        ref = format_ref(entry.source_id)
        url = f"/incidents/{ref}"
    elif entry.source == "postmortem":
        ref = f"{format_ref(entry.incident_id or 0)} postmortem"
        url = f"/incidents/{format_ref(entry.incident_id or 0)}/postmortem"
    elif entry.source == "solution":
        ref, url = solution_ref(entry.source_id), f"/knowledge/solutions/{entry.source_id}"
    else:
        service = session.get(Service, entry.source_id)
        ref = service.name if service else str(entry.source_id)
        url = f"/catalog/services/{quote(ref)}"
    return EntryOut(id=entry.id, source=entry.source, ref=ref, title=entry.title,
                    status=entry.status, fix=entry.fix, url=url,
                    occurred_at=entry.occurred_at)  # fmt: skip


def suggestion_out(session: Session, found: Suggestion) -> SuggestionOut:
    return SuggestionOut(entry=entry_out(session, found.entry), score=found.score,
                         reasons=list(found.reasons))  # fmt: skip


def solution_out(solution: Solution) -> SolutionOut:
    return SolutionOut(
        id=solution.id, title=solution.title, symptoms=solution.symptoms, cause=solution.cause,
        fix=solution.fix, services=list(solution.services),
        incident=format_ref(solution.incident_id) if solution.incident_id else None,
        author=solution.author.name if solution.author else None,
        created_at=solution.created_at, updated_at=solution.updated_at,
    )  # fmt: skip
