"""JSON routes for pages: one's own pages (or everyone's), acknowledging, paging by hand,
escalating at once, and an incident's delivery log."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now, Responder, Viewer
from warroom.access.models import Person
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.errors import NotFound, PermissionDenied
from warroom.incidents.models import Incident
from warroom.incidents.rules import format_ref
from warroom.incidents.schemas import PersonRef
from warroom.incidents.service import access_incident, check_person
from warroom.oncall.models import Delivery, Page
from warroom.oncall.page_schemas import DeliveryOut, PageOut, PageRequest, PagingResult
from warroom.oncall.paging import (
    do_acknowledge_page,
    do_escalate_now,
    do_page_by_hand,
    pages_of,
)
from warroom.oncall.paging_notify import PagingContext
from warroom.oncall.policies import check_policy

router = APIRouter(prefix="/api/v1", tags=["pages"])
PageStatus = Literal["open", "acknowledged", "closed"]


def _context(request: Request) -> PagingContext:
    state = request.app.state
    return PagingContext(state.settings.base_url, state.secret_key)


Paging = Annotated[PagingContext, Depends(_context)]


def person_ref(person: Person) -> PersonRef:
    return PersonRef(id=person.id, name=person.name, email=person.email)


def page_out(session: Session, page: Page) -> PageOut:
    incident = session.get(Incident, page.incident_id)
    assert incident is not None  # a page is deleted with its incident
    return PageOut(
        id=page.id,
        incident=format_ref(incident.id),
        incident_title=incident.title,
        severity=incident.severity,
        person=person_ref(page.person),
        reason=page.reason,
        status=page.status,
        created_at=page.created_at,
        acknowledged_at=page.acknowledged_at,
        acknowledged_via=page.acknowledged_via,
        closed_at=page.closed_at,
    )


def access_page(*, session: Session, page_id: int) -> Page:
    page = session.get(Page, page_id)
    if page is None:
        raise NotFound(f"no page {page_id}")
    return page


@router.get("/pages", response_model=list[PageOut])
def list_(
    session: DbSession,
    actor: Viewer,
    everyone: Annotated[bool, Query(alias="all", description="Everyone's, not just mine")] = False,
    status: PageStatus | None = None,
    incident: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[PageOut]:
    query = select(Page)
    if not everyone:
        query = query.where(Page.person_id == actor.person_id)
    if status:
        query = query.where(Page.status == status)
    if incident:
        found = access_incident(session=session, ref=incident, actor=actor)
        query = query.where(Page.incident_id == found.id)
    rows = session.scalars(query.order_by(Page.id.desc()).limit(limit))
    return [page_out(session, p) for p in rows]


@router.get("/pages/{page_id}", response_model=PageOut)
def show(page_id: int, session: DbSession, actor: Viewer) -> PageOut:
    return page_out(session, access_page(session=session, page_id=page_id))


@router.post("/pages/{page_id}/acknowledge", response_model=PageOut)
def acknowledge(page_id: int, session: DbSession, actor: Viewer, at: Now) -> PageOut:
    """Acknowledge one's own page; responders may acknowledge anyone's."""
    page = access_page(session=session, page_id=page_id)
    check_may_acknowledge(page, actor)
    do_acknowledge_page(session, page, actor, "api", at)
    return page_out(session, page)


def check_may_acknowledge(page: Page, actor: Actor) -> None:
    if page.person_id != actor.person_id and not actor.allows(Role.responder):
        raise PermissionDenied("only the person paged (or a responder) acknowledges a page")


@router.post("/incidents/{ref}/page", response_model=PagingResult)
def page_by_hand(
    ref: str, body: PageRequest, session: DbSession, actor: Responder, at: Now, paging: Paging
) -> PagingResult:
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
    return _result(session, incident, paged)


@router.post("/incidents/{ref}/escalate", response_model=PagingResult)
def escalate(
    ref: str, session: DbSession, actor: Responder, at: Now, paging: Paging
) -> PagingResult:
    incident = access_incident(session=session, ref=ref, actor=actor)
    moved = do_escalate_now(session=session, incident=incident, actor=actor, now=at, context=paging)
    return _result(session, incident, moved)


def _result(session: Session, incident: Incident, paged: int) -> PagingResult:
    session.flush()
    pages = [page_out(session, p) for p in pages_of(session, incident.id)]
    return PagingResult(incident=format_ref(incident.id), paged=paged, pages=pages)


@router.get("/incidents/{ref}/deliveries", response_model=list[DeliveryOut])
def deliveries(ref: str, session: DbSession, actor: Viewer) -> list[DeliveryOut]:
    """Who was sent what, when, and whether it arrived."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    query = (
        select(Delivery, Page)
        .outerjoin(Page, Page.id == Delivery.page_id)
        .where(Delivery.incident_id == incident.id)
        .order_by(Delivery.created_at, Delivery.id)
    )
    return [_delivery_out(d, p) for d, p in session.execute(query)]


def _delivery_out(row: Delivery, page: Page | None) -> DeliveryOut:
    return DeliveryOut(
        id=row.id,
        page_id=row.page_id,
        person=person_ref(page.person) if page else None,
        channel=row.channel,
        address=shown_address(row.channel, row.address),
        purpose=row.purpose,
        subject=row.subject,
        status=row.status,
        due_at=row.due_at,
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


def shown_address(channel: str, address: str) -> str:
    """Webhook and Apprise URLs often carry a secret token in their path: the log shows
    only where they point."""
    if channel == "email":
        return address
    parts = urlsplit(address)
    if channel == "webhook":
        return f"{parts.scheme}://{parts.hostname or ''}/…"
    return f"{parts.scheme}://…"  # an Apprise URL's "host" is often its token
