"""Use cases for the parties of the plan: vendors, support contracts, outside contacts and
customers with their SLAs. The caller owns the transaction; nothing here commits.

``do_save_*`` create a record, or replace every field of ``existing`` with ``data``, so the
JSON API and a declarative plan apply share one path. ``*_in`` turn a stored record back into
the body that would save it, for PATCH merges and plan export."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warroom.catalog.models import (
    Asset,
    Contact,
    Contract,
    Customer,
    CustomerSla,
    Service,
    Vendor,
)
from warroom.catalog.parties_schemas import (
    ContactIn,
    ContractIn,
    CustomerIn,
    PlanRole,
    SlaIn,
    SupportHours,
    VendorIn,
)
from warroom.errors import Conflict, InvalidInput, NotFound


def _flush(session: Session, what: str) -> None:
    # The checks before a save catch duplicates; this catches one written at the same moment.
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(f"{what} clashes with a record saved at the same time; try again") from exc


# Vendors


def find_vendor(*, session: Session, name: str) -> Vendor | None:
    return session.scalar(select(Vendor).where(Vendor.name == name))


def access_vendor(*, session: Session, name: str) -> Vendor:
    vendor = find_vendor(session=session, name=name)
    if vendor is None:
        raise NotFound(f"no vendor named {name!r}")
    return vendor


def check_vendor(*, session: Session, name: str, field: str = "vendor") -> Vendor:
    vendor = find_vendor(session=session, name=name)
    if vendor is None:
        raise InvalidInput(field, f"unknown vendor {name!r}")
    return vendor


def list_vendors(*, session: Session, q: str | None = None) -> list[Vendor]:
    query = select(Vendor).order_by(Vendor.name)
    if q:
        query = query.where(Vendor.name.icontains(q, autoescape=True))
    return list(session.scalars(query))


def contacts_by_vendor(
    *, session: Session, vendor_ids: Collection[int]
) -> dict[int, list[Contact]]:
    found: dict[int, list[Contact]] = defaultdict(list)
    query = select(Contact).where(Contact.vendor_id.in_(vendor_ids)).order_by(Contact.name)
    for contact in session.scalars(query):
        if contact.vendor_id is not None:
            found[contact.vendor_id].append(contact)
    return found


def contracts_by_vendor(
    *, session: Session, vendor_ids: Collection[int]
) -> dict[int, list[Contract]]:
    found: dict[int, list[Contract]] = defaultdict(list)
    query = select(Contract).where(Contract.vendor_id.in_(vendor_ids)).order_by(Contract.number)
    for contract in session.scalars(query):
        found[contract.vendor_id].append(contract)
    return found


def do_save_vendor(*, session: Session, data: VendorIn, existing: Vendor | None = None) -> Vendor:
    other = find_vendor(session=session, name=data.name)
    if other is not None and other is not existing:
        raise Conflict(f"a vendor named {data.name!r} already exists")
    vendor = existing or Vendor()
    vendor.name, vendor.portal_url = data.name, data.portal_url
    session.add(vendor)
    _flush(session, f"vendor {data.name!r}")
    return vendor


def do_delete_vendor(*, session: Session, vendor: Vendor) -> None:
    # Deleting the vendor would silently take its contracts with it (ON DELETE CASCADE).
    contracts = contracts_by_vendor(session=session, vendor_ids=[vendor.id]).get(vendor.id, [])
    if contracts:
        numbers = ", ".join(c.number for c in contracts)
        raise Conflict(f"{vendor.name} still has contracts ({numbers}); delete those first")
    session.delete(vendor)
    session.flush()


def vendor_in(vendor: Vendor) -> VendorIn:
    return VendorIn(name=vendor.name, portal_url=vendor.portal_url)


# Contracts


def find_contract(*, session: Session, number: str) -> Contract | None:
    return session.scalar(select(Contract).where(Contract.number == number))


def access_contract(*, session: Session, number: str) -> Contract:
    contract = find_contract(session=session, number=number)
    if contract is None:
        raise NotFound(f"no contract numbered {number!r}")
    return contract


def list_contracts(*, session: Session, q: str | None = None) -> list[Contract]:
    """Contracts by number; ``q`` matches the number or the vendor's name."""
    query = select(Contract).join(Contract.vendor).order_by(Contract.number)
    if q:
        query = query.where(
            Contract.number.icontains(q, autoescape=True)
            | Vendor.name.icontains(q, autoescape=True)
        )
    return list(session.scalars(query))


def check_assets(
    *, session: Session, hostnames: Sequence[str], field: str = "assets"
) -> list[Asset]:
    """Resolve hostnames, naming the first unknown one in the error."""
    wanted = list(dict.fromkeys(hostnames))
    if not wanted:
        return []
    found = {
        a.hostname: a for a in session.scalars(select(Asset).where(Asset.hostname.in_(wanted)))
    }
    for hostname in wanted:
        if hostname not in found:
            raise InvalidInput(field, f"unknown asset {hostname!r}")
    return [found[h] for h in wanted]


def check_contacts(
    *, session: Session, ids: Sequence[int], field: str = "escalation_contacts"
) -> list[Contact]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = {c.id: c for c in session.scalars(select(Contact).where(Contact.id.in_(wanted)))}
    for contact_id in wanted:
        if contact_id not in found:
            raise InvalidInput(field, f"no contact with id {contact_id}")
    return [found[i] for i in wanted]


def do_save_contract(
    *, session: Session, data: ContractIn, existing: Contract | None = None
) -> Contract:
    other = find_contract(session=session, number=data.number)
    if other is not None and other is not existing:
        raise Conflict(f"a contract numbered {data.number!r} already exists")
    # Resolve every reference before touching the record, so autoflush never writes half of it.
    vendor = check_vendor(session=session, name=data.vendor)
    assets = check_assets(session=session, hostnames=data.assets)
    escalation = check_contacts(session=session, ids=data.escalation_contacts)
    contract = existing or Contract()
    contract.number, contract.vendor, contract.level = data.number, vendor, data.level
    contract.hours, contract.products = data.hours.value, list(data.products)
    contract.starts_on, contract.ends_on = data.starts_on, data.ends_on
    contract.assets, contract.escalation = assets, escalation
    session.add(contract)
    _flush(session, f"contract {data.number!r}")
    return contract


def do_delete_contract(*, session: Session, contract: Contract) -> None:
    session.delete(contract)
    session.flush()


def contract_in(contract: Contract) -> ContractIn:
    return ContractIn(
        number=contract.number,
        vendor=contract.vendor.name,
        products=list(contract.products),
        assets=[a.hostname for a in contract.assets],
        level=contract.level,
        hours=SupportHours(contract.hours),
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        escalation_contacts=[c.id for c in contract.escalation],
    )


# Contacts


def find_contact(*, session: Session, name: str, organisation: str = "") -> Contact | None:
    query = select(Contact).where(Contact.name == name, Contact.organisation == organisation)
    return session.scalar(query)


def access_contact(*, session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"no contact with id {contact_id}")
    return contact


def list_contacts(
    *, session: Session, q: str | None = None, plan_role: PlanRole | None = None
) -> list[Contact]:
    query = select(Contact).order_by(Contact.name, Contact.organisation)
    if q:
        query = query.where(Contact.name.icontains(q, autoescape=True))
    if plan_role is not None:
        query = query.where(Contact.plan_role == plan_role.value)
    return list(session.scalars(query))


def do_save_contact(
    *, session: Session, data: ContactIn, existing: Contact | None = None
) -> Contact:
    other = find_contact(session=session, name=data.name, organisation=data.organisation)
    if other is not None and other is not existing:
        where = data.organisation or "no organisation"
        raise Conflict(f"{data.name} ({where}) is already a contact")
    vendor = check_vendor(session=session, name=data.vendor) if data.vendor else None
    customer = check_customer(session=session, name=data.customer) if data.customer else None
    contact = existing or Contact()
    contact.name, contact.organisation = data.name, data.organisation
    contact.plan_role, contact.notes = data.plan_role.value, data.notes
    contact.email, contact.phone = data.email, data.phone
    contact.vendor_id = vendor.id if vendor else None
    _attach_to_customer(session, contact, customer)
    session.add(contact)
    _flush(session, f"contact {data.name!r}")
    return contact


def _attach_to_customer(session: Session, contact: Contact, customer: Customer | None) -> None:
    # Through the customer's collection, so a customer already loaded in this session lists
    # its contacts correctly without a reload.
    current = session.get(Customer, contact.customer_id) if contact.customer_id else None
    if current is customer:
        return
    if current is not None:
        current.contacts.remove(contact)
    if customer is not None:
        customer.contacts.append(contact)
    else:
        contact.customer_id = None


def do_delete_contact(*, session: Session, contact: Contact) -> None:
    session.delete(contact)
    session.flush()


def contact_in(*, session: Session, contact: Contact) -> ContactIn:
    vendor = session.get(Vendor, contact.vendor_id) if contact.vendor_id else None
    customer = session.get(Customer, contact.customer_id) if contact.customer_id else None
    return ContactIn(
        name=contact.name,
        organisation=contact.organisation,
        plan_role=PlanRole(contact.plan_role),
        email=contact.email,
        phone=contact.phone,
        notes=contact.notes,
        vendor=vendor.name if vendor else None,
        customer=customer.name if customer else None,
    )


# Customers


def find_customer(*, session: Session, name: str) -> Customer | None:
    return session.scalar(select(Customer).where(Customer.name == name))


def access_customer(*, session: Session, name: str) -> Customer:
    customer = find_customer(session=session, name=name)
    if customer is None:
        raise NotFound(f"no customer named {name!r}")
    return customer


def check_customer(*, session: Session, name: str, field: str = "customer") -> Customer:
    customer = find_customer(session=session, name=name)
    if customer is None:
        raise InvalidInput(field, f"unknown customer {name!r}")
    return customer


def list_customers(*, session: Session, q: str | None = None) -> list[Customer]:
    query = select(Customer).order_by(Customer.tier, Customer.name)
    if q:
        query = query.where(Customer.name.icontains(q, autoescape=True))
    return list(session.scalars(query))


def check_sla_services(*, session: Session, slas: Sequence[SlaIn]) -> list[Service]:
    """The service of each SLA, naming the SLA's position when one is unknown or repeated."""
    names = [sla.service for sla in slas]
    if not names:
        return []
    found = {s.name: s for s in session.scalars(select(Service).where(Service.name.in_(names)))}
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name not in found:
            raise InvalidInput(f"slas.{index}.service", f"unknown service {name!r}")
        if name in seen:
            raise InvalidInput(f"slas.{index}.service", f"{name!r} has an SLA already")
        seen.add(name)
    return [found[n] for n in names]


def do_save_customer(
    *, session: Session, data: CustomerIn, existing: Customer | None = None
) -> Customer:
    other = find_customer(session=session, name=data.name)
    if other is not None and other is not existing:
        raise Conflict(f"a customer named {data.name!r} already exists")
    services = check_sla_services(session=session, slas=data.slas)
    customer = existing or Customer()
    customer.name, customer.tier = data.name, data.tier
    _replace_slas(customer, data.slas, services)
    session.add(customer)
    _flush(session, f"customer {data.name!r}")
    return customer


def _replace_slas(customer: Customer, slas: Sequence[SlaIn], services: Sequence[Service]) -> None:
    # Update rows in place: a new row for the same (customer, service) key would collide with
    # the old one before the old one is deleted.
    current = {row.service_id: row for row in customer.slas}
    rows = []
    for sla, service in zip(slas, services, strict=True):
        row = current.get(service.id) or CustomerSla(service=service)
        row.availability_target, row.response_minutes = (
            sla.availability_target,
            sla.response_minutes,
        )
        row.penalty_terms = sla.penalty_terms
        rows.append(row)
    customer.slas = rows


def do_delete_customer(*, session: Session, customer: Customer) -> None:
    session.delete(customer)
    session.flush()


def customer_in(customer: Customer) -> CustomerIn:
    slas = [
        SlaIn(
            service=row.service.name,
            availability_target=row.availability_target,
            response_minutes=row.response_minutes,
            penalty_terms=row.penalty_terms,
        )
        for row in customer.slas
    ]
    return CustomerIn(name=customer.name, tier=customer.tier, slas=slas)
