"""Readable tables of the plan's parties: vendors, contracts, contacts and customers."""

from __future__ import annotations

from datetime import date

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from warroom.catalog.parties_schemas import (
    ContactBrief,
    ContactOut,
    ContractOut,
    CustomerOut,
    SlaOut,
    VendorOut,
)
from warroom.cli.catalog_render import NONE, empty, facts, keep_whole, table

SOON = 30  # days: the readiness report warns about contracts ending this soon


def contract_state(c: ContractOut, today: date) -> Text:
    if c.ends_on < today:
        return Text(f"expired {(today - c.ends_on).days} days ago", style="bold red")
    if c.starts_on > today:
        return Text(f"starts {c.starts_on.isoformat()}", style="yellow")
    left = (c.ends_on - today).days
    return Text(f"active, {left} days left", style="yellow" if left <= SOON else "green")


def _who(c: ContactBrief) -> str:
    return f"{c.name} ({c.organisation})" if c.organisation else c.name


def contact_lines(rows: list[ContactBrief]) -> str:
    return "\n".join(_who(c) for c in rows) or NONE


def vendor_table(rows: list[VendorOut]) -> RenderableType:
    if not rows:
        return empty("vendors")
    grid = table("Vendor", "Support portal", "Contacts", "Contracts")
    for v in rows:
        grid.add_row(
            v.name, v.portal_url or NONE, contact_lines(v.contacts), ", ".join(v.contracts) or NONE
        )
    return grid


def _contacts(rows: list[ContactBrief], title: str = "Contacts") -> Table:
    grid = table("Id", "Name", "Role", "Email", "Phone", title=title)
    for c in rows:
        grid.add_row(str(c.id), _who(c), c.plan_role.value, c.email or NONE, c.phone or NONE)
    return grid


def vendor_detail(v: VendorOut) -> RenderableType:
    summary = facts(("Support portal", v.portal_url), ("Contracts", ", ".join(v.contracts)))
    parts: list[RenderableType] = [Text(v.name, style="bold"), summary]
    if v.contacts:
        parts.append(_contacts(v.contacts))
    return Group(*parts)


def contract_table(rows: list[ContractOut], today: date) -> RenderableType:
    if not rows:
        return empty("contracts")
    grid = table("Number", "Vendor", "Ends", "State", "Covers")
    keep_whole(grid, [c.number for c in rows])
    for c in rows:
        covers = ", ".join(c.products) or ""
        if c.assets:
            covers = f"{covers}{'; ' if covers else ''}{len(c.assets)} assets"
        grid.add_row(
            c.number, c.vendor, c.ends_on.isoformat(), contract_state(c, today), covers or NONE,
        )  # fmt: skip
    return grid


def contract_detail(c: ContractOut, today: date) -> RenderableType:
    summary = facts(
        ("Vendor", c.vendor),
        ("Level", c.level),
        ("Hours", c.hours.value),
        ("Starts", c.starts_on.isoformat()),
        ("Ends", c.ends_on.isoformat()),
        ("State", contract_state(c, today)),
        ("Products", ", ".join(c.products)),
        ("Assets", ", ".join(c.assets)),
    )
    parts: list[RenderableType] = [Text(c.number, style="bold"), summary]
    if c.escalation_contacts:
        parts.append(_contacts(c.escalation_contacts, "Escalation contacts"))
    return Group(*parts)


def contact_table(rows: list[ContactOut]) -> RenderableType:
    if not rows:
        return empty("contacts")
    grid = table("Id", "Name", "Organisation", "Role", "Email", "Phone")
    for c in rows:
        grid.add_row(
            str(c.id), c.name, c.organisation or NONE, c.plan_role.value, c.email or NONE,
            c.phone or NONE,
        )  # fmt: skip
    return grid


def contact_detail(c: ContactOut) -> RenderableType:
    summary = facts(
        ("Organisation", c.organisation),
        ("Role in the plan", c.plan_role.value),
        ("Email", c.email or NONE),
        ("Phone", c.phone or NONE),
        ("Vendor", c.vendor or NONE),
        ("Customer", c.customer or NONE),
    )
    parts: list[RenderableType] = [Text(c.name, style="bold"), summary]
    if c.notes:
        parts.append(Text(c.notes, style="italic"))
    return Group(*parts)


def _sla_line(s: SlaOut) -> str:
    target = f"{s.availability_target:g}%" if s.availability_target is not None else NONE
    response = f", {s.response_minutes} min" if s.response_minutes is not None else ""
    return f"{s.service} {target}{response}"


def customer_table(rows: list[CustomerOut]) -> RenderableType:
    if not rows:
        return empty("customers")
    grid = table("Customer", "Tier", "SLAs", "Contacts")
    for c in rows:
        slas = "\n".join(_sla_line(s) for s in c.slas) or NONE
        grid.add_row(c.name, str(c.tier), slas, contact_lines(c.contacts))
    return grid


def customer_detail(c: CustomerOut) -> RenderableType:
    parts: list[RenderableType] = [Text.assemble((c.name, "bold"), f"  tier {c.tier}")]
    slas = table("Service", "Target %", "Response", "Penalty terms", title="SLAs")
    for s in c.slas:
        slas.add_row(
            s.service,
            f"{s.availability_target:g}" if s.availability_target is not None else NONE,
            f"{s.response_minutes} min" if s.response_minutes is not None else NONE,
            s.penalty_terms or NONE,
        )
    parts.append(slas if c.slas else Text("No SLAs."))
    if c.contacts:
        parts.append(_contacts(c.contacts))
    return Group(*parts)
