"""Vendors, contracts, contacts and customers in their API shapes (shared by the API and CLI)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from warroom.catalog import parties
from warroom.catalog.models import Contact, Contract, Customer, Vendor
from warroom.catalog.parties_schemas import (
    ContactBrief,
    ContactOut,
    ContractOut,
    CustomerOut,
    PlanRole,
    SlaOut,
    SupportHours,
    VendorOut,
)


def contact_brief(c: Contact) -> ContactBrief:
    return ContactBrief(
        id=c.id,
        name=c.name,
        organisation=c.organisation,
        plan_role=PlanRole(c.plan_role),
        email=c.email,
        phone=c.phone,
    )


def contact_out(session: Session, c: Contact) -> ContactOut:
    return ContactOut(id=c.id, **parties.contact_in(session=session, contact=c).model_dump())


def vendor_outs(session: Session, rows: Sequence[Vendor]) -> list[VendorOut]:
    ids = [v.id for v in rows]
    people = parties.contacts_by_vendor(session=session, vendor_ids=ids)
    deals = parties.contracts_by_vendor(session=session, vendor_ids=ids)
    return [
        VendorOut(
            id=v.id,
            name=v.name,
            portal_url=v.portal_url,
            contacts=[contact_brief(c) for c in people.get(v.id, [])],
            contracts=[c.number for c in deals.get(v.id, [])],
        )
        for v in rows
    ]


def contract_out(c: Contract) -> ContractOut:
    return ContractOut(
        id=c.id,
        number=c.number,
        vendor=c.vendor.name,
        products=list(c.products),
        assets=[a.hostname for a in c.assets],
        level=c.level,
        hours=SupportHours(c.hours),
        starts_on=c.starts_on,
        ends_on=c.ends_on,
        escalation_contacts=[contact_brief(p) for p in c.escalation],
    )


def customer_out(c: Customer) -> CustomerOut:
    slas = [
        SlaOut(
            service=row.service.name,
            availability_target=row.availability_target,
            response_minutes=row.response_minutes,
            penalty_terms=row.penalty_terms,
        )
        for row in c.slas
    ]
    people = [contact_brief(p) for p in c.contacts]
    return CustomerOut(id=c.id, name=c.name, tier=c.tier, slas=slas, contacts=people)
