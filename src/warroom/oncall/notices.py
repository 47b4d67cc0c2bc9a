"""Notices through the paging channels, for domains above on-call (a change conflict, a hold, a
failed go/no-go, an overdue update): each person's first notification rules (those without
delay), else each of their contact methods, else their account's email. Written to the outbox;
the worker sends them. A notice is not a page: nothing escalates if nobody answers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.oncall.escalation_rules import Contact, RuleSpec, planned_deliveries
from warroom.oncall.models import ContactMethod, Delivery, NotificationRule


def do_notify(
    *,
    session: Session,
    people: Iterable[Person | None],
    subject: str,
    body: str,
    now: datetime,
    incident_id: int | None = None,
) -> list[Delivery]:
    """One notice per contact of each distinct person; returns the deliveries written."""
    written: list[Delivery] = []
    seen: set[int] = set()
    for person in people:
        if person is None or person.id in seen or not person.active:
            continue
        seen.add(person.id)
        for contact in _contacts(session, person, now):
            row = Delivery(
                incident_id=incident_id,
                contact_method_id=contact.method_id,
                channel=contact.channel,
                address=contact.address,
                purpose="notice",
                subject=subject[:300],
                body=body,
                status="pending",
                due_at=now,
                attempts=0,
                created_at=now,
            )
            session.add(row)
            written.append(row)
    return written


def _contacts(session: Session, person: Person, now: datetime) -> list[Contact]:
    methods = session.scalars(
        select(ContactMethod).where(ContactMethod.person_id == person.id).order_by(ContactMethod.id)
    )
    rules = session.scalars(select(NotificationRule).where(NotificationRule.person_id == person.id))
    planned = planned_deliveries(
        rules=[RuleSpec(_contact(r.contact_method), r.delay_minutes) for r in rules],
        methods=[_contact(m) for m in methods],
        email=person.email,
        now=now,
    )
    # A notice is not a page: only what a page would send at once, never the escalations.
    return [p.contact for p in planned if p.due_at <= now]


def _contact(method: ContactMethod) -> Contact:
    return Contact(method.kind, method.address, method.id)
