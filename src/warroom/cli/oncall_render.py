"""Readable tables of schedules, shifts, gaps and who is on call, in the viewer's time zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from warroom.cli.render import when
from warroom.oncall.schedule_schemas import (
    GapOut,
    LayerOut,
    OnCallBoard,
    OnCallOut,
    OverrideOut,
    RestrictionIn,
    ScheduleOut,
    ShiftOut,
)

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _length(seconds: int) -> str:
    if seconds % 86400 == 0:
        days = seconds // 86400
        return f"{days // 7} week(s)" if days % 7 == 0 else f"{days} day(s)"
    return f"{seconds / 3600:g} h"


def _restriction(r: RestrictionIn) -> str:
    days = ",".join(DAY_NAMES[d] for d in sorted(r.days))
    return f"{days} {r.start:%H:%M}-{r.end:%H:%M}"


def schedules_table(rows: list[ScheduleOut]) -> RenderableType:
    table = Table("id", "name", "time zone", "layers", "people", "overrides")
    for s in rows:
        people = {p for layer in s.layers for p in layer.participants}
        table.add_row(
            str(s.id),
            s.name,
            s.timezone,
            str(len(s.layers)),
            str(len(people)),
            str(len(s.overrides)),
        )
    return table


def _layers(layers: list[LayerOut]) -> Table:
    table = Table(
        "layer", "rotation", "shift", "first handoff", "participants", "only", title="Layers"
    )
    for layer in layers:
        table.add_row(
            layer.name,
            layer.rotation.value,
            _length(layer.shift_seconds),
            f"{layer.starts:%Y-%m-%d %H:%M} {layer.timezone}",
            "\n".join(layer.participants),
            "\n".join(_restriction(r) for r in layer.restrictions) or "always",
        )
    return table


def overrides_table(rows: list[OverrideOut], zone: ZoneInfo) -> Table:
    table = Table("id", "person", "from", "to", "note", title="Overrides")
    for o in rows:
        table.add_row(
            str(o.id), o.person.name, when(o.starts_at, zone), when(o.ends_at, zone), o.note
        )
    return table


def schedule_detail(schedule: ScheduleOut, zone: ZoneInfo) -> RenderableType:
    head = Text.assemble((schedule.name, "bold"), f" (id {schedule.id}, {schedule.timezone})")
    parts: list[RenderableType] = [head]
    if schedule.description:
        parts.append(Text(schedule.description))
    parts.append(_layers(schedule.layers))
    if schedule.overrides:
        parts.append(overrides_table(schedule.overrides, zone))
    return Group(*parts)


def on_call_line(item: OnCallOut, zone: ZoneInfo) -> Text:
    if item.person is None:
        return Text.assemble((item.schedule.name, "bold"), ": ", ("nobody (a gap)", "red"))
    source = " (override)" if item.source == "override" else ""
    return Text.assemble(
        (item.schedule.name, "bold"),
        f": {item.person.name} <{item.person.email}>{source} until {when(item.until, zone)}",
    )


def board(result: OnCallBoard, zone: ZoneInfo) -> RenderableType:
    parts: list[RenderableType] = [Text(f"On call at {when(result.at, zone)}", style="dim")]
    parts += [on_call_line(item, zone) for item in result.schedules]
    for service in result.services:
        people = ", ".join(f"{p.person.name} ({p.via})" for p in service.people)
        policy = f" via {service.policy}" if service.policy else " (no escalation policy)"
        parts.append(Text.assemble(("service ", "dim"), (service.service, "bold"), policy,
                                   f": {people or 'nobody'}"))  # fmt: skip
    if len(parts) == 1:
        parts.append(Text("No schedules yet."))
    return Group(*parts)


def shifts_table(rows: list[ShiftOut], zone: ZoneInfo) -> RenderableType:
    table = Table("from", "to", "person", "email", "source")
    for s in rows:
        source = s.layer if s.source == "layer" else "override"
        table.add_row(when(s.starts_at, zone), when(s.ends_at, zone), s.person.name,
                      s.person.email, source or "")  # fmt: skip
    return table


def gaps_table(rows: list[GapOut], zone: ZoneInfo) -> RenderableType:
    if not rows:
        return Text("No gaps: someone is on call throughout.")
    table = Table("from", "to", "length", title="Nobody on call")
    for g in rows:
        hours = (g.ends_at - g.starts_at).total_seconds() / 3600
        table.add_row(when(g.starts_at, zone), when(g.ends_at, zone), f"{hours:g} h")
    return table
