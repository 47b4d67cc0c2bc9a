"""``warroom statuspage overview``: the private status page in the terminal — what the public
reads, the major incidents it says nothing about, the updates waiting for approval, and each
component with what is behind it."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from warroom.cli.options import AsOpt, JsonOpt, TokenOpt, UrlOpt
from warroom.cli.statuspage import running
from warroom.statuspage.answers import OverviewComponentOut, OverviewOut

LOUD = {"none": "green", "maintenance": "blue", "minor": "yellow"}


def overview(
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None
) -> None:
    """The private page: what the public reads and what is behind it. Staff (viewers)."""
    with running(url, token, as_, json_out) as run:
        found = run.backend.overview()
        run.emit(found, lambda: render(found))


def render(found: OverviewOut) -> RenderableType:
    says = (found.description, LOUD.get(found.indicator, "red"))
    parts: list[RenderableType] = [Text.assemble(("The public page says: ", "bold"), says)]
    for i in found.unannounced:
        parts.append(Text(f"Not on the public page: {i.ref} {i.severity} {i.title}", style="red"))
    for d in found.drafts:
        where = f" ({d.incident})" if d.incident else ""
        parts.append(Text(f"Waiting for approval: {d.name}{where}, update {d.update}"))
    parts.append(_table(found.components))
    return Group(*parts)


def _table(rows: list[OverviewComponentOut]) -> Table:
    table = Table("component", "public sees", "service", "open incidents", "public",
                  box=box.SIMPLE_HEAD)  # fmt: skip
    for c in rows:
        name = f"{c.group} / {c.name}" if c.group else c.name
        seen = c.status + (" (hidden)" if c.hidden else "")
        incidents = ", ".join(f"{i.ref} {i.severity}" for i in c.incidents) or "—"
        table.add_row(Text(name), seen, Text(c.service or "—"), incidents,
                      ", ".join(c.public_incidents) or "—")  # fmt: skip
    return table
