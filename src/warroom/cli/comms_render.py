"""Readable summaries of an incident's updates, their cadence, the customers it hurt most and
the status page's subscribers, with times in the viewer's zone."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from warroom.cli.comms_backend import SubscriberOut
from warroom.cli.render import when
from warroom.statuspage.answers import (
    AffectedOut,
    CadenceOut,
    CommsUpdateOut,
    MessageTemplateOut,
    PreviewOut,
)

# Whatever people wrote is wrapped in ``Text``: a bare string would be read as Rich markup, and
# a "[/]" in it would stop the command.


def _reached(update: CommsUpdateOut) -> str:
    """Who an update reached, as the timeline says it: the page's draft first, then counts."""
    told = [f"{n} {audience}" for audience, n in update.sent.items()]
    if update.public_update:
        told.insert(0, f"the status page ({update.public_update}, {update.public_state})")
    return ", ".join(told) or "nobody"


def sent(ref: str, update: CommsUpdateOut, zone: ZoneInfo) -> RenderableType:
    lines = [Text.assemble((f"{ref.upper()} update sent to ", "bold green"), _reached(update))]
    if update.public_state == "draft":
        hint = "The status page text waits for the communications lead or the commander: "
        lines.append(Text(hint + f"`warroom statuspage approve {update.public_update}`."))
    if update.next_update_at:
        lines.append(Text(f"Next update promised by {when(update.next_update_at, zone)}."))
    return Group(*lines)


def preview(planned: PreviewOut) -> RenderableType:
    """Each audience's text and who would receive it; nothing was sent."""
    parts: list[RenderableType] = [Text("Preview: nothing was sent.", style="bold yellow")]
    for audience, text in planned.texts.items():
        people = planned.recipients.get(audience, [])
        title = audience if audience == "public" else f"{audience}: {len(people)} recipient(s)"
        parts.append(Panel(Text(text), title=title, title_align="left"))
        if people:
            table = Table("name", "email", "why", box=box.SIMPLE_HEAD)
            for person in people:
                table.add_row(Text(person.name), Text(person.email), Text(person.why))
            parts.append(table)
    return Group(*parts)


def updates_table(ref: str, rows: Sequence[CommsUpdateOut], zone: ZoneInfo) -> RenderableType:
    if not rows:
        return Text(f"No update sent for {ref.upper()} yet.")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for name in ("Sent", "Next by"):
        table.add_column(name, no_wrap=True)
    table.add_column("Reached", min_width=20)
    table.add_column("What happened", min_width=30)
    for u in rows:
        table.add_row(
            when(u.created_at, zone), when(u.next_update_at, zone), _reached(u),
            Text(u.what_happened),
        )  # fmt: skip
    return table


def due(ref: str, found: CadenceOut, zone: ZoneInfo) -> RenderableType:
    head = f"{ref.upper()} ({found.severity}): next update due {when(found.due_at, zone)}"
    if found.overdue:
        late = Text(f" — overdue by {-found.minutes_left} min", style="bold red")
    else:
        late = Text(f" — in {found.minutes_left} min", style="green")
    last = Text(f"Last update (or the declaration): {when(found.last_update_at, zone)}")
    return Group(Text.assemble((head, "bold"), late), last)


def no_cadence(ref: str) -> RenderableType:
    return Text(f"No update is due for {ref.upper()}: its severity has no cadence, or it is over.")


def _share(value: float | None) -> str:
    return f"{value:.0%}" if value is not None else "—"


def affected_table(ref: str, rows: Sequence[AffectedOut]) -> RenderableType:
    if not rows:
        return Text(f"No customer has an SLA on a service {ref.upper()} impacts.")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for name in ("Customer", "Tier", "Services", "Outage (min)", "Budget used", "Response"):
        table.add_column(name)
    table.add_column("Follow-up")
    for c in rows:
        used = Text(_share(c.budget_share), style="bold red" if (c.budget_share or 0) >= 1 else "")
        response = Text("missed", style="red") if c.response_missed else Text("met", style="dim")
        task = f"task {c.task_id} ({c.task_status})" if c.task_id else "—"
        table.add_row(
            Text(c.customer), str(c.tier), Text(", ".join(c.services)),
            f"{c.outage_minutes:g}", used, response, task,
        )  # fmt: skip
    return table


def _confirmed(subscriber: SubscriberOut) -> Text:
    if subscriber.confirmed:
        return Text("confirmed", style="green")
    return Text("pending confirmation", style="yellow")


def subscribers_table(rows: Sequence[SubscriberOut]) -> RenderableType:
    if not rows:
        return Text("No subscribers yet.")
    table = Table("id", "kind", "address", "components", "state", box=box.SIMPLE_HEAD)
    for s in rows:
        components = Text(", ".join(s.components) or "every one")
        table.add_row(str(s.id), s.kind, Text(s.address), components, _confirmed(s))
    return table


def subscribed(subscriber: SubscriberOut) -> RenderableType:
    line = Text.assemble(("Subscribed ", "bold green"), subscriber.address, " — ")
    line.append_text(_confirmed(subscriber))
    if subscriber.confirmed:
        return line
    hint = "A link to confirm was emailed; nothing else is sent to it until it is used."
    return Group(line, Text(hint, style="dim"))


def template(found: MessageTemplateOut) -> RenderableType:
    whose = "yours" if found.customised else "built in"
    if found.customised and found.updated_by:
        whose += f", by {found.updated_by}"
    parts: list[RenderableType] = []
    if found.subject:
        parts.append(Text.assemble(("Subject: ", "bold"), found.subject))
    parts.append(Text(found.body))
    title = Text.assemble((found.audience, "bold"), f" ({whose})")
    return Panel(Group(*parts), title=title, title_align="left", box=box.ROUNDED)


def templates(rows: Sequence[MessageTemplateOut]) -> RenderableType:
    placeholders = ", ".join(rows[0].placeholders) if rows else ""
    hint = Text(f"Placeholders: {placeholders}", style="dim")
    return Group(*(template(r) for r in rows), hint)
