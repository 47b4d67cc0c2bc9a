"""Catalog pages for the parties of the plan: vendors, support contracts (with their status
today), outside contacts grouped by their role in the plan, and customers with their SLAs."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from fastapi import APIRouter, Depends, Request, Response

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageViewer
from warroom.catalog import parties
from warroom.catalog.browse import ContractStatus, contract_status, names_by_id
from warroom.catalog.models import Contact, Contract, Customer, Vendor
from warroom.catalog.pages import catalog_page, today_for
from warroom.catalog.parties_schemas import PlanRole
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
STATUS_WORDS = [s.value for s in ContractStatus]


def _q(text: str) -> str | None:
    return text.strip()[:200] or None


def _with_status(rows: list[Contract], today: date) -> list[tuple[Contract, str]]:
    return [(c, contract_status(c.starts_on, c.ends_on, today).value) for c in rows]


@router.get("/catalog/vendors")
def vendor_list(request: Request, session: DbSession, actor: PageViewer, q: str = "") -> Response:
    rows = parties.list_vendors(session=session, q=_q(q))
    ids = [v.id for v in rows]
    context = {
        "rows": rows,
        "contacts": parties.contacts_by_vendor(session=session, vendor_ids=ids),
        "contracts": parties.contracts_by_vendor(session=session, vendor_ids=ids),
        "args": {"q": q},
        "tab": "vendors",
    }
    return catalog_page(request, "vendors.html", actor, context)


@router.get("/catalog/vendors/{name:path}")
def vendor_detail(
    request: Request, session: DbSession, actor: PageViewer, at: Now, name: str
) -> Response:
    vendor = parties.access_vendor(session=session, name=name)
    contracts = parties.contracts_by_vendor(session=session, vendor_ids=[vendor.id])[vendor.id]
    context = {
        "vendor": vendor,
        "people": parties.contacts_by_vendor(session=session, vendor_ids=[vendor.id])[vendor.id],
        "contracts": _with_status(contracts, today_for(actor, at)),
        "tab": "vendors",
    }
    return catalog_page(request, "vendor.html", actor, context)


@router.get("/catalog/contracts")
def contract_list(
    request: Request, session: DbSession, actor: PageViewer, at: Now, q: str = "", status: str = ""
) -> Response:
    rows = _with_status(parties.list_contracts(session=session, q=_q(q)), today_for(actor, at))
    errors = (
        {"status": "choose " + ", ".join(STATUS_WORDS)}
        if status and status not in STATUS_WORDS
        else {}
    )
    context = {
        "rows": [(c, s) for c, s in rows if not status or errors or s == status],
        "args": {"q": q, "status": status},
        "errors": errors,
        "statuses": STATUS_WORDS,
        "tab": "contracts",
    }
    return catalog_page(request, "contracts.html", actor, context)


@router.get("/catalog/contracts/{number:path}")
def contract_detail(
    request: Request, session: DbSession, actor: PageViewer, at: Now, number: str
) -> Response:
    contract = parties.access_contract(session=session, number=number)
    today = today_for(actor, at)
    context = {
        "contract": contract,
        "status": contract_status(contract.starts_on, contract.ends_on, today).value,
        "days_left": (contract.ends_on - today).days,
        "tab": "contracts",
    }
    return catalog_page(request, "contract.html", actor, context)


# The plan has gaps without these; the list says so before the readiness report does.
NEEDED_ROLES = (PlanRole.executive, PlanRole.comms)


@router.get("/catalog/contacts")
def contact_list(request: Request, session: DbSession, actor: PageViewer, q: str = "") -> Response:
    groups: dict[str, list[Contact]] = defaultdict(list)
    for contact in parties.list_contacts(session=session, q=_q(q)):
        groups[contact.plan_role].append(contact)
    context = {
        "groups": [(role.value, groups[role.value]) for role in PlanRole if groups.get(role.value)],
        "missing": [] if q.strip() else [r.value for r in NEEDED_ROLES if not groups.get(r.value)],
        "vendors": names_by_id(session=session, model=Vendor),
        "customers": names_by_id(session=session, model=Customer),
        "args": {"q": q},
        "tab": "contacts",
    }
    return catalog_page(request, "contacts.html", actor, context)


@router.get("/catalog/customers")
def customer_list(request: Request, session: DbSession, actor: PageViewer, q: str = "") -> Response:
    context = {
        "rows": parties.list_customers(session=session, q=_q(q)),
        "args": {"q": q},
        "tab": "customers",
    }
    return catalog_page(request, "customers.html", actor, context)


@router.get("/catalog/customers/{name:path}")
def customer_detail(request: Request, session: DbSession, actor: PageViewer, name: str) -> Response:
    context = {"customer": parties.access_customer(session=session, name=name), "tab": "customers"}
    return catalog_page(request, "customer.html", actor, context)
