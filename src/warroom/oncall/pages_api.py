"""JSON routes for pages: one's own pages (or everyone's), acknowledging, paging by hand,
escalating at once, and an incident's delivery log."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from warroom.access.deps import DbSession, Now, Responder, Viewer
from warroom.incidents.service import access_incident, check_person
from warroom.incidents.visibility import sight
from warroom.oncall.page_present import (
    PageFilter,
    access_page,
    check_may_acknowledge,
    delivery_log,
    list_pages,
    page_out,
    paging_result,
)
from warroom.oncall.page_schemas import DeliveryOut, PageOut, PageRequest, PagingResult
from warroom.oncall.paging import do_acknowledge_page, do_escalate_now, do_page_by_hand
from warroom.oncall.paging_notify import PagingContext
from warroom.oncall.policies import check_policy

router = APIRouter(prefix="/api/v1", tags=["pages"])
PageStatus = Literal["open", "acknowledged", "closed"]


def _context(request: Request) -> PagingContext:
    state = request.app.state
    return PagingContext(state.settings.base_url, state.secret_key)


Paging = Annotated[PagingContext, Depends(_context)]


@router.get("/pages", response_model=list[PageOut])
def list_(
    session: DbSession,
    actor: Viewer,
    everyone: Annotated[bool, Query(alias="all", description="Everyone's, not just mine")] = False,
    status: PageStatus | None = None,
    incident: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[PageOut]:
    found = access_incident(session=session, ref=incident, actor=actor) if incident else None
    wanted = PageFilter(
        person_id=None if everyone else actor.person_id,
        status=status,
        incident_id=found.id if found else None,
        limit=limit,
        seen=sight(session, actor),
    )
    return [page_out(session, p) for p in list_pages(session=session, wanted=wanted)]


@router.get("/pages/{page_id}", response_model=PageOut)
def show(page_id: int, session: DbSession, actor: Viewer) -> PageOut:
    return page_out(session, access_page(session=session, page_id=page_id, actor=actor))


@router.post("/pages/{page_id}/acknowledge", response_model=PageOut)
def acknowledge(page_id: int, session: DbSession, actor: Viewer, at: Now) -> PageOut:
    """Acknowledge one's own page; responders may acknowledge anyone's."""
    page = access_page(session=session, page_id=page_id, actor=actor)
    check_may_acknowledge(page, actor)
    do_acknowledge_page(session, page, actor, "api", at)
    return page_out(session, page)


@router.post("/incidents/{ref}/page", response_model=PagingResult)
def page_by_hand(
    ref: str, body: PageRequest, session: DbSession, actor: Responder, at: Now, paging: Paging
) -> PagingResult:
    """Page a person, or start a policy's escalation, whatever the incident's severity."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    person = (
        check_person(session=session, email=body.person, field="person") if body.person else None
    )
    policy = (
        check_policy(session=session, name=body.policy, field="policy") if body.policy else None
    )
    paged = do_page_by_hand(
        session=session, incident=incident, actor=actor, now=at, context=paging,
        person=person, policy=policy,
    )  # fmt: skip
    return paging_result(session, incident, paged)


@router.post("/incidents/{ref}/escalate", response_model=PagingResult)
def escalate(
    ref: str, session: DbSession, actor: Responder, at: Now, paging: Paging
) -> PagingResult:
    """Run the next step of the incident's escalations now, without waiting out the delay."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    moved = do_escalate_now(session=session, incident=incident, actor=actor, now=at, context=paging)
    return paging_result(session, incident, moved)


@router.get("/incidents/{ref}/deliveries", response_model=list[DeliveryOut])
def deliveries(ref: str, session: DbSession, actor: Viewer) -> list[DeliveryOut]:
    """The incident's delivery log: who was sent what, when, and whether it arrived."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    return delivery_log(session=session, incident=incident)
