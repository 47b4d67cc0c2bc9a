"""Knowledge base pages: search, solutions (read by everyone, written by responders), and the
war room's "Similar past incidents" panel with its helpful / not helpful marks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageResponder, PageViewer
from warroom.access.rules import Role
from warroom.catalog.service import list_services
from warroom.errors import WarroomError
from warroom.incidents.models import Incident
from warroom.incidents.pages_room import PanelContext
from warroom.incidents.rules import format_ref
from warroom.incidents.service import access_incident
from warroom.knowledge import service
from warroom.knowledge.present import solution_out, suggestion_out
from warroom.knowledge.schemas import FeedbackIn, SolutionIn
from warroom.knowledge.semantic import meaning_of
from warroom.knowledge.similar import search, similar
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, form_errors, render, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
FormText = Annotated[str, Form()]
ANCHOR = "similar"


def similar_panel(session: Session, incident: Incident, view: PanelContext) -> dict[str, Any]:
    """Every incident's room: the five most similar entries, why, and their fix."""
    meaning = meaning_of(view.state)
    found = [suggestion_out(session, s) for s in similar(session, incident, view.actor, 5, meaning)]
    return {"template": "knowledge/_room.html", "suggestions": found,
            "can_mark": view.actor.allows(Role.responder)}  # fmt: skip


@router.post("/incidents/{ref}/similar/feedback")
def mark(
    ref: str, request: Request, session: DbSession, actor: PageResponder, at: Now,
    entry_id: Annotated[int, Form()], helpful: FormText = "",
) -> Response:  # fmt: skip
    incident = access_incident(session=session, ref=ref, actor=actor)
    data = FeedbackIn(entry_id=entry_id, helpful=helpful == "yes")
    service.do_mark(session, incident, actor, data, at)
    flash(request, "Thanks: the ranking takes your mark into account.")
    return see_other(f"/incidents/{format_ref(incident.id)}#{ANCHOR}")


@router.get("/knowledge")
def knowledge(request: Request, session: DbSession, actor: PageViewer, q: str = "") -> Response:
    words = q.strip()[:500]
    found = search(session, words, actor, 20, meaning_of(request.app.state)) if words else []
    hits = [suggestion_out(session, s) for s in found]
    context = {
        "actor": actor,
        "q": words,
        "hits": hits,
        "nav": "knowledge",
        "solutions": [solution_out(s) for s in service.list_solutions(session, actor)],
    }
    return render(request, "knowledge/index.html", context)  # fmt: skip


def _form(
    request: Request, session: Session, actor: Any, values: dict[str, Any],
    solution_id: int | None = None, errors: dict[str, str] | None = None, status: int = 200,
) -> Response:  # fmt: skip
    context = {"actor": actor, "values": values, "errors": errors or {}, "nav": "knowledge",
               "solution_id": solution_id, "services": list_services(session=session),
               "can_edit": actor.allows(Role.responder)}  # fmt: skip
    return render(request, "knowledge/solution.html", context, status)


@router.get("/knowledge/solutions/new")
def new_solution(
    request: Request, session: DbSession, actor: PageResponder, incident: str = ""
) -> Response:
    values: dict[str, Any] = {"title": "", "symptoms": "", "cause": "", "fix": "",
                              "services": [], "incident": incident}  # fmt: skip
    if incident:
        found = access_incident(session=session, ref=incident, actor=actor)
        values |= {"title": found.title, "symptoms": found.description,
                   "services": [s.name for s in found.services]}  # fmt: skip
    return _form(request, session, actor, values)


@router.get("/knowledge/solutions/{solution_id}")
def show_solution(
    solution_id: int, request: Request, session: DbSession, actor: PageViewer
) -> Response:
    found = solution_out(service.access_solution(session, solution_id, actor))
    return _form(request, session, actor, found.model_dump(), solution_id)


@router.post("/knowledge/solutions")
def create_solution(
    request: Request, session: DbSession, actor: PageResponder, at: Now,
    title: FormText = "", symptoms: FormText = "", cause: FormText = "", fix: FormText = "",
    services: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies form defaults
    incident: FormText = "",
) -> Response:  # fmt: skip
    values = {"title": title, "symptoms": symptoms, "cause": cause, "fix": fix,
              "services": services, "incident": incident or None}  # fmt: skip
    return _save(request, session, actor, at, values, None)


@router.post("/knowledge/solutions/{solution_id}")
def update_solution(
    solution_id: int, request: Request, session: DbSession, actor: PageResponder, at: Now,
    title: FormText = "", symptoms: FormText = "", cause: FormText = "", fix: FormText = "",
    services: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies form defaults
    incident: FormText = "",
) -> Response:  # fmt: skip
    values = {"title": title, "symptoms": symptoms, "cause": cause, "fix": fix,
              "services": services, "incident": incident or None}  # fmt: skip
    return _save(request, session, actor, at, values, solution_id)


def _save(
    request: Request, session: Session, actor: Any, at: Any, values: dict[str, Any],
    solution_id: int | None,
) -> Response:  # fmt: skip
    try:
        found = service.access_solution(session, solution_id, actor) if solution_id else None
        saved = service.do_save_solution(session, actor, SolutionIn.model_validate(values), at,
                                         found)  # fmt: skip
    except (ValidationError, WarroomError) as exc:
        session.rollback()
        status = exc.status if isinstance(exc, WarroomError) else 422
        return _form(request, session, actor, values, solution_id, form_errors(exc), status)
    flash(request, f"Solution “{saved.title}” saved; it is searchable now.")
    return see_other(f"/knowledge/solutions/{saved.id}")
