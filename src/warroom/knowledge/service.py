"""Use cases of the knowledge base: solutions written and edited, marks on suggestions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.catalog.service import check_services
from warroom.errors import InvalidInput, NotFound
from warroom.incidents.models import Incident
from warroom.incidents.service import access_incident
from warroom.incidents.visibility import can_see, hidden_ids
from warroom.knowledge.indexer import drop, index_solution
from warroom.knowledge.models import KbEntry, KbFeedback, Solution
from warroom.knowledge.schemas import FeedbackIn, SolutionIn


def list_solutions(session: Session, actor: Actor | None) -> list[Solution]:
    rows = list(session.scalars(select(Solution).order_by(Solution.updated_at.desc())))
    hidden = hidden_ids(session, actor, [s.incident_id for s in rows if s.incident_id])
    return [s for s in rows if s.incident_id not in hidden]


def _may_see(session: Session, actor: Actor | None, solution: Solution) -> bool:
    """A solution learnt from a restricted incident is as restricted as the incident."""
    if solution.incident_id is None:
        return True
    incident = session.get(Incident, solution.incident_id)
    return incident is None or can_see(session, actor, incident)


def access_solution(session: Session, solution_id: int, actor: Actor | None) -> Solution:
    solution = session.get(Solution, solution_id)
    if solution is None or not _may_see(session, actor, solution):
        raise NotFound(f"no solution {solution_id}")
    return solution


def do_save_solution(
    session: Session,
    actor: Actor,
    data: SolutionIn,
    now: datetime,
    solution: Solution | None = None,
) -> Solution:
    services = check_services(session=session, names=data.services)
    incident = None
    if data.incident:
        try:
            incident = access_incident(session=session, ref=data.incident, actor=actor)
        except NotFound as exc:
            raise InvalidInput("incident", f"unknown incident {data.incident!r}") from exc
    target = solution or Solution(created_at=now, author_id=actor.person_id)
    target.title, target.symptoms, target.cause = data.title, data.symptoms, data.cause
    target.fix, target.services = data.fix, [s.name for s in services]
    target.incident_id, target.updated_at = incident.id if incident else None, now
    session.add(target)
    session.flush()
    index_solution(session, target, now)
    return target


def do_delete_solution(session: Session, solution: Solution) -> None:
    drop(session, "solution", solution.id)
    session.delete(solution)


def do_mark(
    session: Session, incident: Incident, actor: Actor, data: FeedbackIn, now: datetime
) -> tuple[int, int]:
    """Mark a suggestion shown for the incident helpful or not (again: the new mark counts);
    the entry's helpful and not-helpful totals."""
    if session.get(KbEntry, data.entry_id) is None:
        raise InvalidInput("entry_id", f"no knowledge base entry {data.entry_id}")
    mark = session.scalar(select(KbFeedback).where(
        KbFeedback.incident_id == incident.id, KbFeedback.entry_id == data.entry_id,
        KbFeedback.person_id == actor.person_id,
    ))  # fmt: skip
    if mark is None:
        mark = KbFeedback(incident_id=incident.id, entry_id=data.entry_id,
                          person_id=actor.person_id, helpful=data.helpful, at=now)  # fmt: skip
        session.add(mark)
    mark.helpful, mark.at = data.helpful, now
    session.flush()
    rows = session.execute(
        select(KbFeedback.helpful, func.count()).where(KbFeedback.entry_id == data.entry_id)
        .group_by(KbFeedback.helpful)
    )  # fmt: skip
    totals = {bool(helpful): int(n) for helpful, n in rows}
    return totals.get(True, 0), totals.get(False, 0)
