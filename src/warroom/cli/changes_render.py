"""Readable tables and panels of changes, their conflicts, suspects and the calendar's windows,
with times in the viewer's zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from warroom.changes.schemas import (
    AtRiskOut,
    ChangeDetail,
    ChangeOut,
    ConflictOut,
    SuspectOut,
    WindowOut,
)
from warroom.cli.render import when, who

CONFLICT_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow"}
STATE_STYLE = {
    "in_progress": "bold cyan",
    "on_hold": "bold yellow",
    "completed": "green",
    "failed": "bold red",
    "rolled_back": "red",
    "cancelled": "dim",
}


def _state(change: ChangeOut) -> Text:
    label = change.state.value + (f" (from {change.held_from.value})" if change.held_from else "")
    return Text(label, style=STATE_STYLE.get(change.state.value, ""))


def _severity(value: str) -> Text:
    return Text(value, style=CONFLICT_STYLE.get(value, "dim"))


def changes_table(rows: Sequence[ChangeOut], zone: ZoneInfo) -> RenderableType:
    if not rows:
        return Text("No changes match.")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for name in ("Ref", "State", "Type", "Risk", "Starts", "Ends"):
        table.add_column(name, no_wrap=True)
    table.add_column("Title", min_width=20)
    table.add_column("Scope")
    table.add_column("Conflicts")
    for c in rows:
        table.add_row(
            c.ref, _state(c), c.type.value, c.risk.value, when(c.planned_start, zone),
            when(c.planned_end, zone), c.title, ", ".join([*c.services, *c.assets]) or "—",
            _worst(c.conflicts),
        )  # fmt: skip
    return table


def _worst(conflicts: Sequence[ConflictOut]) -> Text:
    if not conflicts:
        return Text("—", style="dim")
    worst = conflicts[0].severity.value  # the API lists them worst first
    return Text(f"{len(conflicts)} ({worst})", style=CONFLICT_STYLE.get(worst, ""))


def conflicts_table(rows: Sequence[ConflictOut], title: str | None = None) -> RenderableType:
    table = Table("severity", "reason", "detail", "incident", title=title, box=box.SIMPLE_HEAD)
    for c in rows:
        table.add_row(_severity(c.severity.value), c.reason.value, c.detail, c.incident or "—")
    return table


def conflicts(ref: str, rows: Sequence[ConflictOut]) -> RenderableType:
    if not rows:
        return Text(f"No conflicts: {ref.upper()} may start.", style="green")
    return conflicts_table(rows, title=f"{ref.upper()}: {len(rows)} unresolved conflict(s)")


def blocked(body: dict[str, Any]) -> RenderableType:
    """What a refused start lists: the conflicts to resolve, or to override with a reason."""
    rows = [ConflictOut.model_validate(c) for c in body.get("conflicts") or []]
    hint = Text("Resolve them, hold the change, or start it with --override REASON.", style="dim")
    return Group(conflicts_table(rows, title="Unresolved conflicts"), hint)


def _facts(change: ChangeDetail, zone: ZoneInfo) -> Table:
    facts = Table.grid(padding=(0, 2))
    facts.add_row("State", _state(change))
    facts.add_row("Type", change.type.value)
    facts.add_row("Risk", f"{change.risk.value} (suggested {change.suggested_risk.value})")
    for hint in change.risk_hints:
        facts.add_row("", Text(f"· {hint.text}", style="dim"))
    facts.add_row("Planned", _span(change.planned_start, change.planned_end, zone))
    if change.actual_start or change.actual_end:
        facts.add_row("Actual", _span(change.actual_start, change.actual_end, zone))
    facts.add_row("Services", ", ".join(change.services) or "—")
    facts.add_row("Assets", ", ".join(change.assets) or "—")
    facts.add_row("Hosts in scope", ", ".join(change.scope.hosts) or "—")
    facts.add_row("Owner", who(change.owner))
    facts.add_row("Implementer", who(change.implementer))
    facts.add_row("Authority", who(change.authority))
    if change.incident:
        facts.add_row("Fixes", change.incident)
    if change.override_reason:
        facts.add_row("Override", f"{change.override_reason} ({who(change.override_by)})")
    facts.add_row("Reboot", "yes" if change.reboot_required else "no")
    facts.add_row("Version", str(change.version))
    return facts


def _span(start: datetime | None, end: datetime | None, zone: ZoneInfo) -> str:
    return f"{when(start, zone)} → {when(end, zone)}"


def _approvals(change: ChangeDetail, zone: ZoneInfo) -> Table:
    table = Table("decided", "by", "decision", "comment", title="Approvals", box=box.SIMPLE_HEAD)
    for a in change.approvals:
        table.add_row(when(a.decided_at, zone), who(a.person), a.decision, a.comment or "—")
    return table


def _log(change: ChangeDetail, zone: ZoneInfo) -> list[RenderableType]:
    lines: list[RenderableType] = [Text("Log", style="bold underline")]
    for item in change.log:
        line = Text(when(item.at, zone), style="cyan")
        line.append(f"  {who(item.actor) if item.actor else 'warroom'} ", style="bold")
        line.append(f"{item.kind}" + (f": {item.text}" if item.text else ""))
        lines.append(line)
    return lines


def _head(verb: str | None, change: ChangeOut) -> Text:
    style = "bold green" if verb else "bold"
    prefix = f"{change.ref} {verb}: " if verb else f"{change.ref} "
    return Text.assemble((prefix, style), (change.title, "bold"))


def change_detail(change: ChangeDetail, zone: ZoneInfo, verb: str | None = None) -> RenderableType:
    """The change with its conflicts; ``show`` (no ``verb``) adds plans, approvals and log."""
    parts: list[RenderableType] = [_head(verb, change), _facts(change, zone)]
    if change.conflicts:
        parts.append(conflicts_table(change.conflicts, title="Conflicts"))
    if verb is not None:
        return Group(*parts)
    if change.description:
        parts.append(Panel(change.description, title="Description", title_align="left"))
    if change.backout_plan:
        parts.append(Panel(change.backout_plan, title="Backout plan", title_align="left"))
    if change.approvals:
        parts.append(_approvals(change, zone))
    return Group(*parts, *_log(change, zone))


def at_risk_table(ref: str, rows: Sequence[AtRiskOut], zone: ZoneInfo) -> RenderableType:
    if not rows:
        return Text(f"No planned change touches {ref.upper()}'s scope.")
    table = Table("change", "state", "starts", "title", "severity", "why", box=box.SIMPLE_HEAD)
    for r in rows:
        table.add_row(
            r.change.ref, _state(r.change), when(r.change.planned_start, zone), r.change.title,
            _severity(r.conflict.severity.value), r.conflict.detail,
        )  # fmt: skip
    return table


def suspects_table(ref: str, rows: Sequence[SuspectOut], zone: ZoneInfo) -> RenderableType:
    if not rows:
        return Text(f"No recent change touches {ref.upper()}'s scope.")
    table = Table("change", "when", "title", "score", "why", "mark", box=box.SIMPLE_HEAD)
    for s in rows:
        at = s.change.actual_end or s.change.actual_start or s.change.planned_start
        mark = Text(s.mark or "—", style="bold red" if s.mark == "cause" else "")
        if s.mark:
            mark.append(f" ({who(s.marked_by)}{': ' + s.note if s.note else ''})", style="dim")
        table.add_row(
            s.change.ref, when(at, zone), s.change.title, str(s.score), "; ".join(s.reasons), mark
        )
    return table


def windows_table(rows: Sequence[WindowOut], zone: ZoneInfo) -> RenderableType:
    if not rows:
        return Text("No windows.")
    table = Table("id", "kind", "name", "starts", "ends", "repeats", "scope", "active")
    for w in rows:
        table.add_row(
            str(w.id), Text(w.kind, style="bold red" if w.kind == "freeze" else ""), w.name,
            when(w.starts_at, zone), when(w.ends_at, zone), w.rrule or "—", _scope(w),
            "yes" if w.active else "",
        )  # fmt: skip
    return table


def _scope(window: WindowOut) -> str:
    return ", ".join([*window.services, *window.assets]) or "everything"


def window_detail(window: WindowOut, zone: ZoneInfo) -> RenderableType:
    parts: list[RenderableType] = [windows_table([window], zone)]
    if window.reason:
        parts.append(Text(f"Why: {window.reason}"))
    if window.rrule:
        until = when(window.repeat_until, zone) if window.repeat_until else "no end"
        parts.append(Text(f"Repeats until: {until}"))
    if window.next:
        upcoming = Table("next", "until", title="Next occurrences", box=box.SIMPLE_HEAD)
        for start, end in window.next:
            upcoming.add_row(when(start, zone), when(end, zone))
        parts.append(upcoming)
    return Group(*parts)
