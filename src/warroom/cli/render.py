"""Readable summaries of incidents for a terminal, with times in the viewer's zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from warroom.incidents.schemas import (
    IncidentDetail,
    IncidentOut,
    Page,
    PersonRef,
    TimelineEventOut,
)

SEVERITY_STYLE = {"SEV1": "bold white on red", "SEV2": "bold red", "SEV3": "yellow", "SEV4": "dim"}
MILESTONES = ("started", "detected", "acknowledged", "mitigated", "resolved", "closed")


def when(value: datetime | None, zone: ZoneInfo, seconds: bool = False) -> str:
    if value is None:
        return "—"
    pattern = "%Y-%m-%d %H:%M:%S %Z" if seconds else "%Y-%m-%d %H:%M %Z"
    return value.astimezone(zone).strftime(pattern)


def who(person: PersonRef | None) -> str:
    return person.name if person else "—"


def severity(value: str) -> Text:
    return Text(value, style=SEVERITY_STYLE.get(value, ""))


def incident_table(page: Page[IncidentOut], zone: ZoneInfo) -> RenderableType:
    if not page.items:
        return Text("No incidents match.")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    abbreviation = page.items[0].declared_at.astimezone(zone).strftime("%Z")
    # Narrow terminals squeeze the rightmost columns first, so the fixed ones come first.
    for name in ("Ref", f"Declared ({abbreviation})", "Sev", "Status"):
        table.add_column(name, no_wrap=True)
    table.add_column("Title", min_width=20)
    table.add_column("Services")
    table.add_column("Commander")
    for item in page.items:
        table.add_row(
            item.ref,
            item.declared_at.astimezone(zone).strftime("%b %d %H:%M"),
            severity(item.severity),
            item.status,
            item.title,
            "\n".join(item.services) or "—",
            who(item.commander),
        )
    if page.next_cursor is None:
        return table
    return Group(table, Text(f"More: --cursor {page.next_cursor}", style="dim"))


def _facts(incident: IncidentDetail, zone: ZoneInfo) -> Table:
    facts = Table.grid(padding=(0, 2))
    facts.add_row("Severity", severity(incident.severity))
    facts.add_row("Status", incident.status)
    facts.add_row("Kind", incident.kind + (" (restricted)" if incident.restricted else ""))
    facts.add_row("Services", ", ".join(incident.services) or "—")
    facts.add_row("Commander", who(incident.commander))
    facts.add_row("Reporter", who(incident.reporter))
    facts.add_row("Declared", when(incident.declared_at, zone))
    for name in MILESTONES:
        value = getattr(incident, f"{name}_at")
        if value is not None:
            facts.add_row(name.capitalize(), when(value, zone))
    facts.add_row("Version", str(incident.version))
    return facts


def _people(incident: IncidentDetail, zone: ZoneInfo) -> Table:
    table = Table("Person", "Role", "Reason", "Joined", "Released", title="In the room")
    roles: dict[int, list[str]] = {}
    for role in incident.roles:
        roles.setdefault(role.person.id, []).append(role.label)
    for row in incident.participants:
        table.add_row(
            row.person.name,
            ", ".join(roles.get(row.person.id, [])) or "—",
            row.reason,
            when(row.joined_at, zone),
            when(row.released_at, zone),
        )
    return table


def _tasks(incident: IncidentDetail, zone: ZoneInfo) -> Table:
    table = Table("#", "Task", "Status", "Assignee", "Due", title="Tasks")
    for task in incident.tasks:
        table.add_row(
            str(task.id), task.title, task.status, who(task.assignee), when(task.due_at, zone)
        )
    return table


def detail(incident: IncidentDetail, zone: ZoneInfo) -> RenderableType:
    head = Text.assemble((f"{incident.ref} ", "bold"), (incident.title, "bold"))
    parts: list[RenderableType] = [head, _facts(incident, zone)]
    if incident.description:
        parts.append(Text(incident.description, style="italic"))
    if incident.participants:
        parts.append(_people(incident, zone))
    if incident.tasks:
        parts.append(_tasks(incident, zone))
    return Group(*parts)


def event_line(event: TimelineEventOut, zone: ZoneInfo) -> Text:
    line = Text(when(event.occurred_at, zone), style="cyan")
    line.append(f"  {who(event.actor)}: ", style="bold")
    line.append(event.text)
    if event.occurred_at != event.recorded_at:
        line.append(f"  (entered {when(event.recorded_at, zone)})", style="dim")
    return line


def with_timeline(
    incident: IncidentDetail, events: list[TimelineEventOut], zone: ZoneInfo, last: int = 20
) -> RenderableType:
    shown = events[-last:]
    title = f"Timeline (last {len(shown)} of {len(events)})" if len(events) > last else "Timeline"
    lines = [event_line(e, zone) for e in shown]
    return Group(detail(incident, zone), Text(title, style="bold underline"), *lines)


def changed(verb: str, incident: IncidentDetail, zone: ZoneInfo) -> RenderableType:
    line = Text.assemble((f"{incident.ref} {verb}: ", "bold green"), incident.title)
    return Group(line, _facts(incident, zone))


def note_added(ref: str, event: TimelineEventOut, zone: ZoneInfo) -> RenderableType:
    return Group(Text(f"Note added to {ref.upper()}", style="bold green"), event_line(event, zone))
