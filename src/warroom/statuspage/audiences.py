"""Who hears an update, from the catalog: internal stakeholders (executives and
communications contacts, the owners of the impacted services, the service desk) and the
affected customers (those with an SLA on an impacted service, through their contacts)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Person, Team
from warroom.catalog.models import Contact, Customer, CustomerSla
from warroom.incidents.models import Incident
from warroom.incidents.visibility import may_see_people

# Contacts whose plan role makes them internal stakeholders of every major incident.
STAKEHOLDER_ROLES = ("executive", "comms")
SUPPORT_TEAM = "Service Desk"  # support hears what customers will ask about


class Audience(StrEnum):
    public = "public"
    stakeholders = "stakeholders"
    customers = "customers"


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    why: str  # executive, owner of sales-ordering, customer Acme (tier 1)
    customer: str = ""


def stakeholders(session: Session, incident: Incident) -> list[Recipient]:
    found = [
        Recipient(c.name, c.email, c.plan_role)
        for c in session.scalars(select(Contact).where(Contact.plan_role.in_(STAKEHOLDER_ROLES)))
        if c.email and not c.customer_id
    ]
    if incident.restricted:
        # Need to know: executives and communications contacts are told of a restricted
        # incident (a breach is theirs to handle); owners and the service desk only if they
        # are its members or on the security team.
        return _once(found + _insiders(session, incident))
    for service in incident.services:
        team = service.owner_team
        if team is not None and team.lead is not None:
            found.append(Recipient(team.lead.name, team.lead.email, f"owner of {service.name}"))
    support = session.scalar(select(Team).where(Team.name == SUPPORT_TEAM))
    if support is not None and support.lead is not None:
        found.append(Recipient(support.lead.name, support.lead.email, "support"))
    return _once(found)


def _insiders(session: Session, incident: Incident) -> list[Recipient]:
    owners = {
        team.lead.id: service.name
        for service in incident.services
        if (team := service.owner_team) is not None and team.lead is not None
    }
    allowed = may_see_people(session, incident, owners)
    people = list(session.scalars(select(Person).where(Person.id.in_(allowed))))
    return [Recipient(p.name, p.email, f"owner of {owners[p.id]}") for p in people]


def customers(session: Session, incident: Incident) -> list[Recipient]:
    """Contacts of customers with an SLA on an impacted service, the most important first."""
    service_ids = [s.id for s in incident.services]
    if not service_ids:
        return []
    query = (
        select(Customer)
        .join(CustomerSla, CustomerSla.customer_id == Customer.id)
        .where(CustomerSla.service_id.in_(service_ids))
        .order_by(Customer.tier, Customer.name)
        .distinct()
    )
    found = [
        Recipient(
            c.name, c.email, f"customer {customer.name} (tier {customer.tier})", customer.name
        )
        for customer in session.scalars(query)
        for c in customer.contacts
        if c.email
    ]
    return _once(found)


def recipients(session: Session, incident: Incident, audience: Audience) -> list[Recipient]:
    if audience is Audience.stakeholders:
        return stakeholders(session, incident)
    if audience is Audience.customers:
        return customers(session, incident)
    return []


def _once(found: list[Recipient]) -> list[Recipient]:
    seen: set[str] = set()
    kept = []
    for item in found:
        key = item.email.strip().lower()
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept
