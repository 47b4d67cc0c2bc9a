"""Paging one person for one incident: their one open page, and the deliveries (outbox rows)
their notification rules make, with the text of the message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.access.service import ensure_secret
from warroom.incidents.models import Incident
from warroom.incidents.rules import format_ref
from warroom.oncall.escalation_rules import (
    RENOTIFY_QUIET,
    Contact,
    PlannedDelivery,
    RuleSpec,
    SentState,
    notify_again,
    planned_deliveries,
)
from warroom.oncall.links import ack_url
from warroom.oncall.models import ContactMethod, Delivery, NotificationRule, Page


@dataclass(frozen=True)
class PagingContext:
    """What messages need beyond the database: the public base URL and the link-signing
    secret (read from the database when not given, as the server settles it)."""

    base_url: str
    secret: str | None = None

    def secret_for(self, session: Session) -> str:
        return self.secret or ensure_secret(session=session)


def incident_url(base_url: str, incident: Incident) -> str:
    return f"{base_url.rstrip('/')}/incidents/{format_ref(incident.id)}"


def open_page(session: Session, incident_id: int, person_id: int) -> Page | None:
    query = select(Page).where(
        Page.incident_id == incident_id, Page.person_id == person_id, Page.status == "open"
    )
    return session.scalars(query).first()


def do_page_person(
    *,
    session: Session,
    incident: Incident,
    person: Person,
    reason: str,
    now: datetime,
    context: PagingContext,
    escalation_id: int | None = None,
    quiet: timedelta = RENOTIFY_QUIET,
) -> tuple[Page, bool]:
    """Page ``person``, bundled into their open page for the incident if there is one; the
    flag says whether messages were written (a bundled trigger may add none)."""
    page = open_page(session, incident.id, person.id) or _new_page(
        session, incident, person, reason, now, escalation_id
    )
    earlier = _earlier(session, page)
    if earlier and not notify_again(earlier, now, quiet):
        return page, False
    for planned in _plan(session, person, now):
        session.add(_delivery(session, page, incident, planned, reason, now, context))
    return page, True


def _new_page(
    session: Session,
    incident: Incident,
    person: Person,
    reason: str,
    now: datetime,
    escalation_id: int | None,
) -> Page:
    """A new open page; when a concurrent transaction opened one first (the partial unique
    index refuses a second), theirs is the page, and this transaction carries on."""
    page = Page(incident_id=incident.id, person_id=person.id, reason=reason[:500])
    page.escalation_id, page.created_at, page.person = escalation_id, now, person
    if session.get_bind().dialect.name != "postgresql":
        # SQLite has one writer at a time, so nobody opens it meanwhile; and a SAVEPOINT that
        # opened pysqlite's transaction would commit it on release.
        session.add(page)
        session.flush()
        return page
    try:
        with session.begin_nested():
            session.add(page)
            session.flush()  # the acknowledge link carries the page's id
    except IntegrityError:
        theirs = open_page(session, incident.id, person.id)
        if theirs is None:
            raise
        return theirs
    return page


def _earlier(session: Session, page: Page) -> list[SentState]:
    rows = session.scalars(select(Delivery).where(Delivery.page_id == page.id))
    return [SentState(d.status, d.sent_at or d.created_at) for d in rows]


def _plan(session: Session, person: Person, now: datetime) -> list[PlannedDelivery]:
    methods = list(
        session.scalars(
            select(ContactMethod)
            .where(ContactMethod.person_id == person.id)
            .order_by(ContactMethod.id)
        )
    )
    rules = session.scalars(select(NotificationRule).where(NotificationRule.person_id == person.id))
    return planned_deliveries(
        rules=[RuleSpec(_contact(r.contact_method), r.delay_minutes) for r in rules],
        methods=[_contact(m) for m in methods],
        email=person.email,
        now=now,
    )


def _contact(method: ContactMethod) -> Contact:
    return Contact(method.kind, method.address, method.id)


def _delivery(
    session: Session,
    page: Page,
    incident: Incident,
    planned: PlannedDelivery,
    reason: str,
    now: datetime,
    context: PagingContext,
) -> Delivery:
    link = ack_url(context.base_url, context.secret_for(session), page.id)
    return Delivery(
        page_id=page.id,
        incident_id=incident.id,
        contact_method_id=planned.contact.method_id,
        channel=planned.contact.channel,
        address=planned.contact.address,
        purpose="page",
        subject=page_subject(incident)[:300],
        body=page_body(incident, reason, incident_url(context.base_url, incident), link),
        status="pending",
        due_at=planned.due_at,
        created_at=now,
    )


def page_subject(incident: Incident) -> str:
    return f"[{incident.severity}] {format_ref(incident.id)}: {incident.title}"


def page_body(incident: Incident, reason: str, url: str, ack_link: str) -> str:
    services = ", ".join(s.name for s in incident.services) or "none named"
    return (
        f"You are paged for {format_ref(incident.id)}, a {incident.severity} "
        f"{incident.kind} incident: {incident.title}\n"
        f"Services: {services}\n"
        f"Why you: {reason}\n\n"
        f"Open the incident: {url}\n"
        f"Acknowledge (stops the escalation): {ack_link}\n"
    )


def do_cancel_waiting(*, session: Session, incident_id: int, now: datetime) -> int:
    """Cancel the incident's page messages not yet due: once someone is on it, the delayed
    reminders and the later steps' messages are noise. Ones already due still go out."""
    rows = session.scalars(
        select(Delivery).where(
            Delivery.incident_id == incident_id,
            Delivery.purpose == "page",
            Delivery.status == "pending",
            Delivery.due_at > now,
        )
    )
    return _cancel(list(rows), "acknowledged")


def do_cancel_all(*, session: Session, incident_id: int) -> int:
    """Cancel every page message of the incident not yet sent (it is over)."""
    rows = session.scalars(
        select(Delivery).where(
            Delivery.incident_id == incident_id,
            Delivery.purpose == "page",
            Delivery.status == "pending",
        )
    )
    return _cancel(list(rows), "the incident is resolved")


def _cancel(rows: list[Delivery], why: str) -> int:
    for row in rows:
        row.status, row.last_error = "cancelled", f"cancelled: {why}"
    return len(rows)
