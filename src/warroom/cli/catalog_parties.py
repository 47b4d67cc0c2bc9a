"""``warroom vendor|contract|contact|customer …``: read the plan's parties, locally or over
HTTP, mirroring ``/api/v1/vendors``, ``/contracts``, ``/contacts`` and ``/customers``."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import BaseModel

from warroom.catalog.parties_schemas import PlanRole
from warroom.cli import catalog_parties_render as render
from warroom.cli.catalog import catalog, group
from warroom.cli.options import AsOpt, JsonOpt, TokenOpt, UrlOpt
from warroom.db import utcnow

vendors_app = group("Read vendors: support portals, their engineers and contracts.")
contracts_app = group("Read support contracts: what they cover, until when, whom to call.")
contacts_app = group("Read the contacts directory beyond staff: executives, legal, PR, vendors.")
customers_app = group("Read customers: tiers, per-service SLAs and their contacts.")

Q = Annotated[
    str | None, typer.Option("--q", help="Part of the name, any case.", show_default=False)
]
ROLES = ", ".join(r.value for r in PlanRole)


class ContactQuery(BaseModel):
    """Checked as the API checks its parameter, so a bad role names the field plan_role."""

    plan_role: PlanRole | None = None


@vendors_app.command("list")
def list_vendors(
    q: Q = None, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:  # fmt: skip
    """List vendors with their contacts and contract numbers."""
    with catalog(url, token, as_, json_out) as run:
        rows = run.backend.vendors(q)
        run.emit(rows, lambda: render.vendor_table(rows))


@vendors_app.command("show")
def show_vendor(
    name: Annotated[str, typer.Argument(help="The vendor's name.")],
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Show one vendor: support portal, engineers and contracts."""
    with catalog(url, token, as_, json_out) as run:
        found = run.backend.vendor(name)
        run.emit(found, lambda: render.vendor_detail(found))


@contracts_app.command("list")
def list_contracts(
    q: Annotated[
        str | None,
        typer.Option("--q", help="Part of the number or vendor name.", show_default=False),
    ] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """List contracts with their end dates; expired and soon-ending ones stand out."""
    with catalog(url, token, as_, json_out) as run:
        rows = run.backend.contracts(q)
        run.emit(rows, lambda: render.contract_table(rows, utcnow().date()))


@contracts_app.command("show")
def show_contract(
    number: Annotated[str, typer.Argument(help="The contract number.")],
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Show one contract: covered products and assets, hours, dates, escalation contacts."""
    with catalog(url, token, as_, json_out) as run:
        found = run.backend.contract(number)
        run.emit(found, lambda: render.contract_detail(found, utcnow().date()))


@contacts_app.command("list")
def list_contacts(
    role: Annotated[
        str | None, typer.Option(help=f"Only this role in the plan: {ROLES}.", show_default=False)
    ] = None,
    q: Q = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """List outside contacts, each with their role in the plan."""
    with catalog(url, token, as_, json_out) as run:
        wanted = ContactQuery.model_validate({"plan_role": role.strip().lower() if role else None})
        rows = run.backend.contacts(q, wanted.plan_role)
        run.emit(rows, lambda: render.contact_table(rows))


@contacts_app.command("show")
def show_contact(
    contact_id: Annotated[int, typer.Argument(help="The contact's id (see `contact list`).")],
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Show one contact with their notes, vendor or customer."""
    with catalog(url, token, as_, json_out) as run:
        found = run.backend.contact(contact_id)
        run.emit(found, lambda: render.contact_detail(found))


@customers_app.command("list")
def list_customers(
    q: Q = None, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:  # fmt: skip
    """List customers by tier with their SLAs."""
    with catalog(url, token, as_, json_out) as run:
        rows = run.backend.customers(q)
        run.emit(rows, lambda: render.customer_table(rows))


@customers_app.command("show")
def show_customer(
    name: Annotated[str, typer.Argument(help="The customer's name.")],
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Show one customer: SLA per service (target, response, penalty) and contacts."""
    with catalog(url, token, as_, json_out) as run:
        found = run.backend.customer(name)
        run.emit(found, lambda: render.customer_detail(found))
