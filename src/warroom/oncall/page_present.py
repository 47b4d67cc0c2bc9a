"""Looking up pages and deliveries, and presenting them as the API's documents (shared by the
routes and the CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.errors import NotFound, PermissionDenied
from warroom.incidents.models import Incident
from warroom.incidents.rules import format_ref
from warroom.incidents.schemas import PersonRef
from warroom.incidents.visibility import Sight, can_see, visible
from warroom.oncall.models import Delivery, Page
from warroom.oncall.page_schemas import DeliveryOut, PageOut, PagingResult


@dataclass(frozen=True)
class PageFilter:
    person_id: int | None = None  # None: everyone's
    status: str | None = None
    incident_id: int | None = None
    limit: int = 100
    seen: Sight | None = None  # whose eyes: a restricted incident's pages only for its members


def list_pages(*, session: Session, wanted: PageFilter) -> list[Page]:
    """Newest first."""
    query = select(Page)
    if wanted.person_id is not None:
        query = query.where(Page.person_id == wanted.person_id)
    if wanted.status:
        query = query.where(Page.status == wanted.status)
    if wanted.incident_id is not None:
        query = query.where(Page.incident_id == wanted.incident_id)
    if wanted.seen is not None:
        query = query.where(visible(wanted.seen, Page.incident_id))
    return list(session.scalars(query.order_by(Page.id.desc()).limit(wanted.limit)))


def access_page(*, session: Session, page_id: int, actor: Actor | None) -> Page:
    """404 also for a page of a restricted incident the actor may not see."""
    page = session.get(Page, page_id)
    incident = session.get(Incident, page.incident_id) if page is not None else None
    if page is None or incident is None or not can_see(session, actor, incident):
        raise NotFound(f"no page {page_id}")
    return page


def check_may_acknowledge(page: Page, actor: Actor) -> None:
    """One's own page, at any role; someone else's needs a responder."""
    if page.person_id != actor.person_id and not actor.allows(Role.responder):
        raise PermissionDenied("only the person paged (or a responder) acknowledges a page")


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


def paging_result(session: Session, incident: Incident, paged: int) -> PagingResult:
    session.flush()
    wanted = PageFilter(status="open", incident_id=incident.id, limit=500)
    pages = [page_out(session, p) for p in reversed(list_pages(session=session, wanted=wanted))]
    return PagingResult(incident=format_ref(incident.id), paged=paged, pages=pages)


def delivery_log(*, session: Session, incident: Incident) -> list[DeliveryOut]:
    """Who was sent what, when, and whether it arrived."""
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
