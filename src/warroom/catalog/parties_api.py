"""JSON routes for vendors, support contracts, outside contacts and customers.

Vendors and customers are addressed by name and contracts by number (URL-encoded; the
``:path`` converter lets a key hold an encoded ``/``), contacts by id. Viewers read; managers
write."""

from __future__ import annotations

from typing import Annotated, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Query, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from warroom.access.deps import DbSession, Manager, Viewer
from warroom.catalog import parties
from warroom.catalog.parties_present import contact_out, contract_out, customer_out, vendor_outs
from warroom.catalog.parties_schemas import (
    ContactIn,
    ContactOut,
    ContactPatch,
    ContractIn,
    ContractOut,
    ContractPatch,
    CustomerIn,
    CustomerOut,
    CustomerPatch,
    PlanRole,
    VendorIn,
    VendorOut,
    VendorPatch,
)

vendors = APIRouter(prefix="/api/v1/vendors", tags=["vendors"])
contracts = APIRouter(prefix="/api/v1/contracts", tags=["contracts"])
contacts = APIRouter(prefix="/api/v1/contacts", tags=["contacts"])
customers = APIRouter(prefix="/api/v1/customers", tags=["customers"])
routers = (vendors, contracts, contacts, customers)

Q = Annotated[str | None, Query(max_length=200, description="Part of the name, any case")]
In = TypeVar("In", bound=BaseModel)


def patched(model: type[In], current: BaseModel, patch: BaseModel) -> In:
    """The stored record with the patch's fields laid over it, validated as a whole, so rules
    that span fields (ends_on after starts_on) hold after a partial update too."""
    merged = current.model_dump() | patch.model_dump(exclude_unset=True)
    try:
        return model.model_validate(merged)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from exc


def _located(response: Response, collection: str, key: str | int) -> None:
    response.headers["Location"] = f"/api/v1/{collection}/{quote(str(key), safe='')}"


# Vendors


@vendors.get("", response_model=list[VendorOut])
def list_vendors(session: DbSession, actor: Viewer, q: Q = None) -> list[VendorOut]:
    return vendor_outs(session, parties.list_vendors(session=session, q=q))


@vendors.post("", status_code=201, response_model=VendorOut)
def create_vendor(
    body: VendorIn, session: DbSession, actor: Manager, response: Response
) -> VendorOut:
    vendor = parties.do_save_vendor(session=session, data=body)
    _located(response, "vendors", vendor.name)
    return vendor_outs(session, [vendor])[0]


@vendors.get("/{name:path}", response_model=VendorOut)
def show_vendor(name: str, session: DbSession, actor: Viewer) -> VendorOut:
    return vendor_outs(session, [parties.access_vendor(session=session, name=name)])[0]


@vendors.patch("/{name:path}", response_model=VendorOut)
def update_vendor(name: str, body: VendorPatch, session: DbSession, actor: Manager) -> VendorOut:
    vendor = parties.access_vendor(session=session, name=name)
    data = patched(VendorIn, parties.vendor_in(vendor), body)
    saved = parties.do_save_vendor(session=session, data=data, existing=vendor)
    return vendor_outs(session, [saved])[0]


@vendors.delete("/{name:path}", status_code=204)
def delete_vendor(name: str, session: DbSession, actor: Manager) -> Response:
    vendor = parties.access_vendor(session=session, name=name)
    parties.do_delete_vendor(session=session, vendor=vendor)
    return Response(status_code=204)


# Contracts


@contracts.get("", response_model=list[ContractOut])
def list_contracts(session: DbSession, actor: Viewer, q: Q = None) -> list[ContractOut]:
    return [contract_out(c) for c in parties.list_contracts(session=session, q=q)]


@contracts.post("", status_code=201, response_model=ContractOut)
def create_contract(
    body: ContractIn, session: DbSession, actor: Manager, response: Response
) -> ContractOut:
    contract = parties.do_save_contract(session=session, data=body)
    _located(response, "contracts", contract.number)
    return contract_out(contract)


@contracts.get("/{number:path}", response_model=ContractOut)
def show_contract(number: str, session: DbSession, actor: Viewer) -> ContractOut:
    return contract_out(parties.access_contract(session=session, number=number))


@contracts.patch("/{number:path}", response_model=ContractOut)
def update_contract(
    number: str, body: ContractPatch, session: DbSession, actor: Manager
) -> ContractOut:
    contract = parties.access_contract(session=session, number=number)
    data = patched(ContractIn, parties.contract_in(contract), body)
    return contract_out(parties.do_save_contract(session=session, data=data, existing=contract))


@contracts.delete("/{number:path}", status_code=204)
def delete_contract(number: str, session: DbSession, actor: Manager) -> Response:
    contract = parties.access_contract(session=session, number=number)
    parties.do_delete_contract(session=session, contract=contract)
    return Response(status_code=204)


# Contacts


@contacts.get("", response_model=list[ContactOut])
def list_contacts(
    session: DbSession, actor: Viewer, q: Q = None, plan_role: PlanRole | None = None
) -> list[ContactOut]:
    rows = parties.list_contacts(session=session, q=q, plan_role=plan_role)
    return [contact_out(session, c) for c in rows]


@contacts.post("", status_code=201, response_model=ContactOut)
def create_contact(
    body: ContactIn, session: DbSession, actor: Manager, response: Response
) -> ContactOut:
    contact = parties.do_save_contact(session=session, data=body)
    _located(response, "contacts", contact.id)
    return contact_out(session, contact)


@contacts.get("/{contact_id}", response_model=ContactOut)
def show_contact(contact_id: int, session: DbSession, actor: Viewer) -> ContactOut:
    return contact_out(session, parties.access_contact(session=session, contact_id=contact_id))


@contacts.patch("/{contact_id}", response_model=ContactOut)
def update_contact(
    contact_id: int, body: ContactPatch, session: DbSession, actor: Manager
) -> ContactOut:
    contact = parties.access_contact(session=session, contact_id=contact_id)
    data = patched(ContactIn, parties.contact_in(session=session, contact=contact), body)
    saved = parties.do_save_contact(session=session, data=data, existing=contact)
    return contact_out(session, saved)


@contacts.delete("/{contact_id}", status_code=204)
def delete_contact(contact_id: int, session: DbSession, actor: Manager) -> Response:
    contact = parties.access_contact(session=session, contact_id=contact_id)
    parties.do_delete_contact(session=session, contact=contact)
    return Response(status_code=204)


# Customers


@customers.get("", response_model=list[CustomerOut])
def list_customers(session: DbSession, actor: Viewer, q: Q = None) -> list[CustomerOut]:
    return [customer_out(c) for c in parties.list_customers(session=session, q=q)]


@customers.post("", status_code=201, response_model=CustomerOut)
def create_customer(
    body: CustomerIn, session: DbSession, actor: Manager, response: Response
) -> CustomerOut:
    customer = parties.do_save_customer(session=session, data=body)
    _located(response, "customers", customer.name)
    return customer_out(customer)


@customers.get("/{name:path}", response_model=CustomerOut)
def show_customer(name: str, session: DbSession, actor: Viewer) -> CustomerOut:
    return customer_out(parties.access_customer(session=session, name=name))


@customers.patch("/{name:path}", response_model=CustomerOut)
def update_customer(
    name: str, body: CustomerPatch, session: DbSession, actor: Manager
) -> CustomerOut:
    customer = parties.access_customer(session=session, name=name)
    data = patched(CustomerIn, parties.customer_in(customer), body)
    return customer_out(parties.do_save_customer(session=session, data=data, existing=customer))


@customers.delete("/{name:path}", status_code=204)
def delete_customer(name: str, session: DbSession, actor: Manager) -> Response:
    customer = parties.access_customer(session=session, name=name)
    parties.do_delete_customer(session=session, customer=customer)
    return Response(status_code=204)
