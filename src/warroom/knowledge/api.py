"""JSON routes of the knowledge base: search, solutions, similar incidents and marks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from warroom.access.deps import DbSession, Manager, Now, Responder, Viewer
from warroom.incidents.service import access_incident
from warroom.knowledge import service
from warroom.knowledge.present import solution_out, suggestion_out
from warroom.knowledge.schemas import (
    FeedbackIn,
    FeedbackOut,
    SolutionIn,
    SolutionOut,
    SuggestionOut,
)
from warroom.knowledge.semantic import meaning_of
from warroom.knowledge.similar import search, similar

router = APIRouter(prefix="/api/v1", tags=["knowledge base"])
Q = Annotated[str, Query(min_length=1, max_length=500, description="Words to look for")]


@router.get("/knowledge", response_model=list[SuggestionOut])
def search_(
    q: Q, request: Request, session: DbSession, actor: Viewer,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[SuggestionOut]:  # fmt: skip
    """Past incidents, solutions and runbooks ranked by the database's full-text engine
    (and by meaning, when the optional semantic model is on)."""
    found = search(session, q, actor, limit, meaning_of(request.app.state))
    return [suggestion_out(session, s) for s in found]


@router.get("/incidents/{ref}/similar", response_model=list[SuggestionOut])
def similar_(
    ref: str, request: Request, session: DbSession, actor: Viewer,
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> list[SuggestionOut]:  # fmt: skip
    """The past incidents, solutions and runbooks most like this incident, each with why
    (shared services, hosts or alerts, matching words, responders' marks) and its fix."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    found = similar(session, incident, actor, limit, meaning_of(request.app.state))
    return [suggestion_out(session, s) for s in found]


@router.post("/incidents/{ref}/similar/feedback", response_model=FeedbackOut)
def mark(ref: str, body: FeedbackIn, session: DbSession, actor: Responder, at: Now) -> FeedbackOut:
    """Mark a suggestion helpful or not; later rankings use the marks."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    good, bad = service.do_mark(session, incident, actor, body, at)
    return FeedbackOut(entry_id=body.entry_id, helpful=body.helpful, helpful_marks=good,
                       unhelpful_marks=bad)  # fmt: skip


@router.get("/solutions", response_model=list[SolutionOut])
def list_solutions(session: DbSession, actor: Viewer) -> list[SolutionOut]:
    return [solution_out(s) for s in service.list_solutions(session, actor)]


@router.post("/solutions", status_code=201, response_model=SolutionOut)
def create(body: SolutionIn, session: DbSession, actor: Responder, at: Now) -> SolutionOut:
    """Document a fix: symptoms, cause and the steps; it is searchable at once."""
    return solution_out(service.do_save_solution(session, actor, body, at))


@router.get("/solutions/{solution_id}", response_model=SolutionOut)
def show(solution_id: int, session: DbSession, actor: Viewer) -> SolutionOut:
    return solution_out(service.access_solution(session, solution_id, actor))


@router.put("/solutions/{solution_id}", response_model=SolutionOut)
def replace(
    solution_id: int, body: SolutionIn, session: DbSession, actor: Responder, at: Now
) -> SolutionOut:
    found = service.access_solution(session, solution_id, actor)
    return solution_out(service.do_save_solution(session, actor, body, at, found))


@router.delete("/solutions/{solution_id}", status_code=204)
def delete(solution_id: int, session: DbSession, actor: Manager) -> Response:
    service.do_delete_solution(session, service.access_solution(session, solution_id, actor))
    return Response(status_code=204)
