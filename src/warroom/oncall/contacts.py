"""A person's contact methods and notification rules: where and when a page reaches them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.errors import InvalidInput, NotFound
from warroom.oncall.models import ContactMethod, NotificationRule
from warroom.oncall.page_schemas import (
    ContactMethodIn,
    ContactMethodOut,
    NotificationRuleIn,
    NotificationRuleOut,
)


def access_person(*, session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id}")
    return person


def contact_methods(*, session: Session, person: Person) -> list[ContactMethod]:
    query = select(ContactMethod).where(ContactMethod.person_id == person.id)
    return list(session.scalars(query.order_by(ContactMethod.id)))


def access_contact_method(*, session: Session, person: Person, method_id: int) -> ContactMethod:
    method = session.get(ContactMethod, method_id)
    if method is None or method.person_id != person.id:
        raise NotFound(f"no contact method {method_id} of {person.name}")
    return method


def do_add_contact_method(
    *, session: Session, person: Person, data: ContactMethodIn, now: datetime
) -> ContactMethod:
    method = ContactMethod(person_id=person.id, created_at=now)
    _fill(method, data)
    session.add(method)
    session.flush()
    return method


def do_replace_contact_method(
    *, session: Session, method: ContactMethod, data: ContactMethodIn
) -> ContactMethod:
    _fill(method, data)
    session.flush()
    return method


def _fill(method: ContactMethod, data: ContactMethodIn) -> None:
    method.kind, method.address, method.label = data.kind, data.address, data.label
    method.max_per_hour = data.max_per_hour


def do_delete_contact_method(*, session: Session, method: ContactMethod) -> None:
    """Its notification rules go with it; pages already written keep their address."""
    session.delete(method)
    session.flush()


def notification_rules(*, session: Session, person: Person) -> list[NotificationRule]:
    query = select(NotificationRule).where(NotificationRule.person_id == person.id)
    return list(
        session.scalars(query.order_by(NotificationRule.delay_minutes, NotificationRule.id))
    )


def do_add_notification_rule(
    *, session: Session, person: Person, data: NotificationRuleIn
) -> NotificationRule:
    method = session.get(ContactMethod, data.contact_method)
    if method is None or method.person_id != person.id:
        raise InvalidInput("contact_method", f"no contact method {data.contact_method} of yours")
    rule = NotificationRule(
        person_id=person.id, contact_method_id=method.id, delay_minutes=data.delay_minutes
    )
    rule.contact_method = method
    session.add(rule)
    session.flush()
    return rule


def do_delete_notification_rule(*, session: Session, person: Person, rule_id: int) -> None:
    rule = session.get(NotificationRule, rule_id)
    if rule is None or rule.person_id != person.id:
        raise NotFound(f"no notification rule {rule_id} of {person.name}")
    session.delete(rule)
    session.flush()


def method_out(method: ContactMethod) -> ContactMethodOut:
    return ContactMethodOut(
        id=method.id,
        kind=method.kind,
        label=method.label,
        address=method.address,
        max_per_hour=method.max_per_hour,
        created_at=method.created_at,
    )


def rule_out(rule: NotificationRule) -> NotificationRuleOut:
    return NotificationRuleOut(
        id=rule.id, contact_method=method_out(rule.contact_method), delay_minutes=rule.delay_minutes
    )
