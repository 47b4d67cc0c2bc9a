"""One's own pages (open ones first, with an Acknowledge button), and the war room's paging
panel: the running escalation, who was paged, the delivery log, and "Escalate now" and
"Page someone" for responders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageResponder, PageViewer, safe_next
from warroom.errors import WarroomError
from warroom.incidents.models import Incident
from warroom.incidents.pages_room import PanelContext
from warroom.incidents.rules import Status, format_ref
from warroom.incidents.service import access_incident, check_person
from warroom.oncall.escalation_rules import Position, is_exhausted, policy_of_snapshot, step_label
from warroom.oncall.models import Delivery, Escalation, Page
from warroom.oncall.page_present import (
    PageFilter,
    access_page,
    check_may_acknowledge,
    delivery_log,
    list_pages,
)
from warroom.oncall.paging import do_acknowledge_page, do_escalate_now, do_page_by_hand
from warroom.oncall.paging_notify import PagingContext
from warroom.oncall.web_pages import oncall_page
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
RECENT_SHOWN = 50


@dataclass(frozen=True)
class PageRow:
    page: Page
    incident: Incident

    @property
    def ref(self) -> str:
        return format_ref(self.incident.id)


def page_rows(session: Session, pages: list[Page]) -> list[PageRow]:
    ids = {p.incident_id for p in pages}
    if not ids:
        return []
    incidents = {i.id: i for i in session.scalars(select(Incident).where(Incident.id.in_(ids)))}
    return [PageRow(p, incidents[p.incident_id]) for p in pages]


@router.get("/pages/mine")
def my_pages(request: Request, session: DbSession, actor: PageViewer) -> Response:
    mine = list_pages(
        session=session, wanted=PageFilter(person_id=actor.person_id, limit=RECENT_SHOWN)
    )
    rows = page_rows(session, mine)
    context = {
        "open_rows": [r for r in rows if r.page.status == "open"],
        "recent": [r for r in rows if r.page.status != "open"],
        "tab": "mine",
        "nav": "mypages",
        # Paging someone writes to the incident's timeline: any change may be a new page.
        "stream": "/live/stream",
    }
    return oncall_page(request, "my_pages.html", actor, context)


@router.post("/pages/{page_id}/acknowledge")
def acknowledge(
    page_id: int,
    request: Request,
    session: DbSession,
    actor: PageViewer,
    at: Now,
    next: Annotated[str, Form()] = "/pages/mine",
) -> Response:
    """One's own page at any role; a responder may acknowledge anyone's."""
    page = access_page(session=session, page_id=page_id, actor=actor)
    check_may_acknowledge(page, actor)
    ref = format_ref(page.incident_id)
    try:
        do_acknowledge_page(session, page, actor, "web", at)
    except WarroomError as exc:  # closed meanwhile: the incident was resolved
        session.rollback()
        flash(request, f"Page for {ref} not acknowledged: {exc.detail}.")
        return see_other(safe_next(next))
    flash(request, f"Page for {ref} acknowledged: the escalation has stopped.")
    return see_other(safe_next(next))


# --- the war room's panel -------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationRow:
    escalation: Escalation

    @property
    def progress(self) -> str:
        """``step 2 of 3`` for the step that runs next, or how it ended."""
        policy = policy_of_snapshot(self.escalation.snapshot)
        at = Position(self.escalation.step, self.escalation.round)
        if self.escalation.status == "active" and not is_exhausted(policy, at):
            return "next: " + step_label(policy, at)
        return self.escalation.status

    @property
    def next_at(self) -> datetime | None:
        return self.escalation.next_at if self.escalation.status == "active" else None


def _escalations(session: Session, incident_id: int) -> list[EscalationRow]:
    query = select(Escalation).where(Escalation.incident_id == incident_id)
    return [EscalationRow(e) for e in session.scalars(query.order_by(Escalation.id))]


def _has_deliveries(session: Session, incident_id: int) -> bool:
    query = select(Delivery.id).where(Delivery.incident_id == incident_id).limit(1)
    return session.scalar(query) is not None


def room_panel(
    session: Session,
    incident: Incident,
    view: PanelContext,  # noqa: ARG001 - the hook's signature; the same for every viewer
) -> dict[str, Any]:
    """For ``pages_room``'s panel hook: shown while the incident is active (so anyone can be
    paged by hand), and afterwards whenever it paged someone."""
    escalations = _escalations(session, incident.id)
    pages = list_pages(session=session, wanted=PageFilter(incident_id=incident.id, limit=200))
    active = Status(incident.status).is_active
    if not (active or escalations or pages or _has_deliveries(session, incident.id)):
        return {}
    return {
        "template": "oncall/_room_paging.html",
        "escalations": escalations,
        "running": any(e.escalation.status == "active" for e in escalations),
        "pages": list(reversed(pages)),
        "deliveries": delivery_log(session=session, incident=incident),
        "active": active,
    }


def paging_context(request: Request) -> PagingContext:
    state = request.app.state
    return PagingContext(state.settings.base_url, state.secret_key)


def _refused(request: Request, session: Session, incident: Incident, exc: WarroomError) -> Response:
    """A refusal (nothing running to move on, an unknown person) is told on the room."""
    session.rollback()
    detail = "; ".join(e.detail for e in exc.errors) or exc.detail
    flash(request, f"Nothing done: {detail}.")
    return see_other(f"/incidents/{format_ref(incident.id)}#paging")


@router.post("/incidents/{ref}/escalate")
def escalate_now(
    ref: str, request: Request, session: DbSession, actor: PageResponder, at: Now
) -> Response:
    """Run the next step of the running escalations without waiting out the delay."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    try:
        moved = do_escalate_now(
            session=session, incident=incident, actor=actor, now=at,
            context=paging_context(request),
        )  # fmt: skip
    except WarroomError as exc:
        return _refused(request, session, incident, exc)
    flash(request, f"Escalated now: {moved} escalation(s) moved on to their next step.")
    return see_other(f"/incidents/{format_ref(incident.id)}#paging")


@router.post("/incidents/{ref}/page")
def page_someone(
    ref: str,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    person: Annotated[str, Form()] = "",
) -> Response:
    """Page one person for this incident, whatever its severity."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    try:
        found = check_person(session=session, email=person, field="person")
        do_page_by_hand(
            session=session, incident=incident, actor=actor, now=at,
            context=paging_context(request), person=found,
        )  # fmt: skip
    except WarroomError as exc:
        return _refused(request, session, incident, exc)
    flash(request, f"Paged {found.name} for {format_ref(incident.id)}.")
    return see_other(f"/incidents/{format_ref(incident.id)}#paging")
