"""Readable tables of the catalog for a terminal: services, assets, blast radius, lifecycles.
The parties (vendors, contracts, contacts, customers) are in ``catalog_parties_render.py``."""

from __future__ import annotations

from datetime import date

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from warroom.catalog.schemas import AssetOut, BlastRadiusOut, CycleOut, ServiceOut, SoftwareOut

SUPPORT_STYLE = {"supported": "green", "eol": "bold red", "unknown": "yellow"}
COVER_STYLE = {"covered": "green", "expired": "bold red", "none": "yellow"}
NONE = "—"


def table(*columns: str, title: str | None = None) -> Table:
    grid = Table(box=box.SIMPLE_HEAD, pad_edge=False, title=title, title_justify="left")
    for name in columns:
        grid.add_column(name)
    return grid


def keep_whole(grid: Table, values: list[str]) -> None:
    """Never fold or shorten the first column: people copy these names into commands."""
    grid.columns[0].no_wrap = True
    grid.columns[0].min_width = max((len(v) for v in values), default=1)


def facts(*rows: tuple[str, str | Text]) -> Table:
    grid = Table.grid(padding=(0, 2))
    for label, value in rows:
        grid.add_row(label, value or NONE)
    return grid


def empty(what: str) -> Text:
    return Text(f"No {what} match.")


def runbook_kind(runbook: str) -> Text:
    if not runbook.strip():
        return Text("missing", style="bold red")
    text = runbook.strip()
    return Text("link" if text.startswith(("http://", "https://")) else "Markdown")


def service_table(rows: list[ServiceOut]) -> RenderableType:
    if not rows:
        return empty("services")
    grid = table("Service", "Tier", "Owner team", "Runbook", "Depends on")
    keep_whole(grid, [s.name for s in rows])
    for s in rows:
        grid.add_row(
            s.name, str(s.tier), s.owner_team or NONE, runbook_kind(s.runbook),
            ", ".join(s.depends_on) or NONE,
        )  # fmt: skip
    return grid


def service_detail(s: ServiceOut) -> RenderableType:
    head = Text.assemble((s.name, "bold"), f"  tier {s.tier}")
    parts: list[RenderableType] = [
        head,
        facts(
            ("Owner team", s.owner_team or NONE),
            ("Depends on", ", ".join(s.depends_on)),
            ("Used by", ", ".join(s.used_by)),
            ("Runbook", runbook_kind(s.runbook)),
        ),
    ]
    if s.description:
        parts.append(Text(s.description, style="italic"))
    if s.runbook.strip():
        parts += [Text("Runbook", style="bold underline"), Text(s.runbook.strip())]
    return Group(*parts)


def blast_radius(found: BlastRadiusOut) -> RenderableType:
    head = Text.assemble(("Blast radius of ", "bold"), (found.subject, "bold"))
    summary = facts(
        (f"Services ({len(found.services)})", ", ".join(found.services)),
        (f"Assets ({len(found.assets)})", ", ".join(found.assets)),
        (f"Customers ({len(found.customers)})", ", ".join(found.customers)),
    )
    if not found.slas:
        return Group(head, summary)
    slas = table("Customer", "Service", "Target %", "Response", "Penalty", title="SLAs at risk")
    for t in found.slas:
        slas.add_row(
            t.customer, t.service,
            f"{t.availability_target:g}" if t.availability_target is not None else NONE,
            f"{t.response_minutes} min" if t.response_minutes is not None else NONE,
            t.penalty_terms or NONE,
        )  # fmt: skip
    return Group(head, summary, slas)


def software_cell(rows: list[SoftwareOut]) -> Text:
    """Only the programs that need attention, by name; the rest as a count."""
    cell = Text()
    for sw in rows:
        if sw.support != "supported":
            status = sw.support.value
            cell.append(f"{sw.product}@{sw.version} {status}\n", style=SUPPORT_STYLE[status])
    fine = sum(sw.support == "supported" for sw in rows)
    cell.append(f"{fine} supported" if fine else ("" if rows else NONE), style="dim")
    return cell


def asset_table(rows: list[AssetOut]) -> RenderableType:
    if not rows:
        return empty("assets")
    grid = table("Hostname", "Kind", "Exposure", "Services", "Software", "Coverage")
    keep_whole(grid, [a.hostname for a in rows])
    for a in rows:
        grid.add_row(
            a.hostname, a.kind.value, a.exposure.value, ", ".join(a.services) or NONE,
            software_cell(a.software),
            Text(a.coverage.status.value, style=COVER_STYLE[a.coverage.status.value]),
        )  # fmt: skip
    return grid


def _software(rows: list[SoftwareOut]) -> Table:
    grid = table("Product", "Version", "Support", "Cycle", "End of life", "Days left",
                 title="Installed software")  # fmt: skip
    for sw in rows:
        grid.add_row(
            sw.product, sw.version, Text(sw.support.value, style=SUPPORT_STYLE[sw.support.value]),
            sw.cycle or NONE, sw.eol.isoformat() if sw.eol else NONE,
            str(sw.days_left) if sw.days_left is not None else NONE,
        )  # fmt: skip
    return grid


def asset_detail(a: AssetOut) -> RenderableType:
    cover = a.coverage
    status = Text(cover.status.value, style=COVER_STYLE[cover.status.value])
    summary = facts(
        ("Kind", a.kind.value),
        ("Exposure", a.exposure.value),
        ("Environment", a.environment),
        ("Location", a.location),
        ("IPs", ", ".join(a.ips)),
        ("Aliases", ", ".join(a.aliases)),
        ("Services", ", ".join(a.services)),
        ("Owner team", a.owner_team or NONE),
        ("Tags", ", ".join(a.tags)),
        ("Coverage", status),
        ("Contracts", ", ".join(cover.contracts)),
        ("Expired contracts", ", ".join(cover.expired)),
        ("Uncovered products", ", ".join(cover.uncovered_products)),
    )
    parts: list[RenderableType] = [Text(a.hostname, style="bold"), summary]
    if a.software:
        parts.append(_software(a.software))
    return Group(*parts)


def _ended(day: date | None, flag: bool | None, today: date) -> Text:
    if day is None:
        return Text(NONE if flag is None else ("ended" if flag else "no end date"))
    return Text(day.isoformat(), style="red" if day <= today else "")


def cycle_table(rows: list[CycleOut], today: date) -> RenderableType:
    if not rows:
        return empty("lifecycles")
    grid = table("Product", "Cycle", "Released", "Support until", "End of life", "Latest")
    for c in rows:
        grid.add_row(
            c.product, c.cycle, c.release_date.isoformat() if c.release_date else NONE,
            _ended(c.support, c.support_ended, today), _ended(c.eol, c.eol_reached, today),
            c.latest or NONE,
        )  # fmt: skip
    return grid


def imported(product: str, rows: list[CycleOut], today: date) -> RenderableType:
    line = Text(f"Imported {len(rows)} cycles of {product}", style="bold green")
    return Group(line, cycle_table(rows, today))
