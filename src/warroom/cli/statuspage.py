"""``warroom statuspage``: the public status page from a terminal — its components and their
statuses, public incidents and maintenances written as drafts, and approving a draft, which
publishes it. Locally or over HTTP (``--url``/``--token``); ``--json`` prints the API's
document (a deleted component's, for ``component delete``)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from warroom.cli.options import AsOpt, JsonOpt, TokenOpt, TzOpt, UrlOpt
from warroom.cli.problems import invalid
from warroom.cli.render import when
from warroom.cli.run import DomainRun, Target, parse_time, running_with
from warroom.cli.statuspage_backend import LocalStatusPage, RemoteStatusPage, StatusPageBackend
from warroom.incidents.schemas import PersonRef
from warroom.statuspage.manage import ComponentPatch
from warroom.statuspage.present import ComponentOut, PublicIncidentOut, PublicUpdateOut
from warroom.statuspage.schemas import ComponentIn, PublicIncidentIn, UpdateIn

statuspage_app = typer.Typer(
    no_args_is_help=True,
    help="The public status page: components, public incidents, and approving their updates.",
)
component_app = typer.Typer(no_args_is_help=True, help="Components and their statuses.")
incident_app = typer.Typer(
    no_args_is_help=True, help="Public incidents and maintenances, and their draft updates."
)
statuspage_app.add_typer(component_app, name="component")
statuspage_app.add_typer(incident_app, name="incident")
StatusRun = DomainRun[StatusPageBackend]
STATUS_STYLE = {
    "operational": "green",
    "degraded_performance": "yellow",
    "partial_outage": "bold yellow",
    "major_outage": "bold red",
    "under_maintenance": "cyan",
    "draft": "bold magenta",
}


def running(
    url: str | None, token: str | None, as_email: str | None, as_json: bool, tz: str | None = None
) -> AbstractContextManager[StatusRun]:
    return running_with(
        RemoteStatusPage, LocalStatusPage.on, Target(url, token, as_email, tz), as_json
    )


def _opt(text: str, *names: str) -> Any:
    return typer.Option(*names, help=text, show_default=False)


def _word(value: str | None) -> str | None:
    """A status as a person types it: ``Partial-Outage`` is ``partial_outage``."""
    return value.strip().lower().replace("-", "_") if value is not None else None


def _affected(items: list[str] | None) -> list[dict[str, Any]]:
    """``--component "Checkout=partial_outage"`` (repeat): a component and its new status."""
    found = []
    for item in items or []:
        name, sep, status = item.rpartition("=")
        if not sep or not name.strip():
            raise invalid("components", f"{item!r}: give NAME=STATUS, e.g. Checkout=major_outage")
        found.append({"component": name.strip(), "status": _word(status)})
    return found


Str = str | None
ComponentArg = Annotated[str, typer.Argument(help="The component's code or name.")]
CodeArg = Annotated[str, typer.Argument(help="The public incident's code.")]
ComponentsOpt = Annotated[
    list[str] | None, _opt("NAME=STATUS: a component and its new status (repeat)", "--component")
]
BodyOpt = Annotated[str, _opt("The text the public reads")]
ImpactOpt = Annotated[Str, _opt("none, minor, major or critical (default: from the severity)")]


@component_app.command("list")
def list_components(
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Components in page order; a group shows its worst member's status."""
    with running(url, token, as_, json_out) as run:
        rows = run.backend.components()
        run.emit(rows, lambda: components_table(rows))


@component_app.command("create")
def create_component(
    name: Annotated[str, typer.Argument(help="What the public reads, e.g. Checkout.")],
    group: Annotated[Str, _opt("The group it sits in (code or name)")] = None,
    is_group: Annotated[bool, _opt("Make it a group of components", "--is-group")] = False,
    service: Annotated[Str, _opt("The catalog service it shows")] = None,
    description: Annotated[str, _opt("A line under its name")] = "",
    position: Annotated[int, _opt("Its place on the page (low first)")] = 0,
    status: Annotated[str, _opt("Its status now")] = "operational",
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Add a component or a group (managers)."""
    with running(url, token, as_, json_out) as run:
        data = ComponentIn.model_validate(
            {
                "name": name, "group": group, "is_group": is_group, "service": service,
                "description": description, "position": position, "status": _word(status),
            }
        )  # fmt: skip
        made = run.backend.create_component(data)
        run.emit(made, lambda: components_table([made]))


@component_app.command("set-status")
def set_status(
    ref: ComponentArg,
    status: Annotated[str, typer.Argument(help="operational, degraded_performance, …")],
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Set a component's status now (responders); kept in its history for the uptime bars."""
    with running(url, token, as_, json_out) as run:
        changed = run.backend.edit_component(
            ref, ComponentPatch.model_validate({"status": _word(status)})
        )
        run.emit(changed, lambda: components_table([changed]))


@component_app.command("delete")
def delete_component(
    ref: ComponentArg,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Remove a component, and its history, from the page (managers)."""
    with running(url, token, as_, json_out) as run:
        gone = run.backend.delete_component(ref)
        run.emit(gone, lambda: Text(f"Deleted {gone.name} ({gone.code}).", style="bold"))


@incident_app.command("list")
def list_public(
    open_only: Annotated[
        bool | None, _opt("Only those still open, or (--ended) only the ended", "--open/--ended")
    ] = None,
    incident: Annotated[Str, _opt("Only those about this incident, e.g. INC-7")] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Public incidents and maintenances, newest first, drafts included."""
    with running(url, token, as_, json_out, tz) as run:
        rows = run.backend.public_incidents(open_only, incident)
        run.emit(rows, lambda: public_table(rows, run.zone()))


@incident_app.command("open")
def open_public(
    name: Annotated[str, _opt("The public title")],
    body: BodyOpt,
    status: Annotated[Str, _opt("investigating… (maintenance: scheduled…)")] = None,
    kind: Annotated[str, _opt("incident or maintenance")] = "incident",
    impact: ImpactOpt = None,
    component: ComponentsOpt = None,
    incident: Annotated[Str, _opt("The internal incident it tells about, e.g. INC-7")] = None,
    start: Annotated[Str, _opt("A maintenance's start, ISO 8601 (no offset: your zone)")] = None,
    end: Annotated[Str, _opt("A maintenance's end, ISO 8601")] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Write a public incident or maintenance; its first update waits, as a draft, until the
    communications lead or the commander approves it."""
    with running(url, token, as_, json_out, tz) as run:
        kind_word = _word(kind)
        default = "scheduled" if kind_word == "maintenance" else "investigating"
        data = PublicIncidentIn.model_validate(
            {
                "name": name, "body": body, "kind": kind_word, "status": _word(status) or default,
                "impact": _word(impact), "components": _affected(component), "incident": incident,
                "scheduled_for": parse_time(start, "scheduled_for", run.zone),
                "scheduled_until": parse_time(end, "scheduled_until", run.zone),
            }
        )  # fmt: skip
        made = run.backend.open_public(data)
        run.emit(made, lambda: public_detail(made, run.zone(), "drafted"))


@incident_app.command("update")
def add_update(
    code: CodeArg,
    status: Annotated[str, _opt("Its status with this update, e.g. monitoring")],
    body: BodyOpt,
    component: ComponentsOpt = None,
    impact: ImpactOpt = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Write the next update, as a draft waiting for approval."""
    with running(url, token, as_, json_out, tz) as run:
        data = UpdateIn.model_validate(
            {
                "status": _word(status), "body": body, "components": _affected(component),
                "impact": _word(impact),
            }
        )  # fmt: skip
        changed = run.backend.add_update(code, data)
        run.emit(changed, lambda: public_detail(changed, run.zone(), "update drafted"))


@incident_app.command("show")
def show_public(
    code: CodeArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None, tz: TzOpt = None,
) -> None:  # fmt: skip
    """A public incident with every update, drafts included."""
    with running(url, token, as_, json_out, tz) as run:
        found = run.backend.public_incident(code)
        run.emit(found, lambda: public_detail(found, run.zone()))


@statuspage_app.command("approve")
def approve(
    update_code: Annotated[str, typer.Argument(help="The draft update's code.")],
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Publish a draft update: the incident's communications lead or commander, or a manager
    (its writer only as the commander)."""
    with running(url, token, as_, json_out, tz) as run:
        done = run.backend.approve(update_code)
        run.emit(done, lambda: public_detail(done, run.zone(), "published"))


# ---------------------------------------------------------------- rendering


def _status(value: str) -> Text:
    return Text(value, style=STATUS_STYLE.get(value, ""))


def components_table(rows: Sequence[ComponentOut]) -> RenderableType:
    if not rows:
        return Text("No components yet.")
    table = Table("Component", "Code", "Status", "Service", "Position", box=box.SIMPLE_HEAD)
    for c in rows:
        name = f"  {c.name}" if c.group else (f"{c.name} (group)" if c.is_group else c.name)
        table.add_row(name, c.code, _status(c.status), c.service or "—", str(c.position))
    return table


def public_table(rows: Sequence[PublicIncidentOut], zone: ZoneInfo) -> RenderableType:
    if not rows:
        return Text("No public incidents match.")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for name in ("Code", "Kind", "Status", "Impact", "Published"):
        table.add_column(name, no_wrap=True)
    table.add_column("Name", min_width=20)
    table.add_column("Incident")
    table.add_column("Drafts")
    for p in rows:
        drafts = sum(u.state == "draft" for u in p.updates)
        table.add_row(
            p.code, p.kind, p.status, p.impact, _short(p.published_at, zone), p.name,
            p.incident or "—", _status("draft") if drafts else Text("—", style="dim"),
        )  # fmt: skip
    return table


def _short(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%b %d %H:%M") if value else "—"


def _name(person: PersonRef | None) -> str:
    return person.name if person else "warroom"


def _update_lines(update: PublicUpdateOut, zone: ZoneInfo) -> list[RenderableType]:
    head = Text.assemble(
        (f"{update.code} ", "dim"), (update.state, STATUS_STYLE.get(update.state, "green")),
        f" {update.status} · written {when(update.created_at, zone)} by {_name(update.written_by)}",
    )  # fmt: skip
    if update.approved_by:
        head.append(f" · approved by {update.approved_by.name}")
    lines: list[RenderableType] = [head, Text(f"  {update.body}")]
    for a in update.affected_components:
        lines.append(Text(f"  {a.name}: {a.old_status or '…'} → {a.new_status}", style="dim"))
    return lines


def public_detail(
    public: PublicIncidentOut, zone: ZoneInfo, verb: str | None = None
) -> RenderableType:
    title = Text.assemble((f"{public.name} ", "bold"), (f"({public.code})", "dim"))
    if verb:
        title = Text.assemble((f"{verb}: ", "bold green"), title)
    facts = Table.grid(padding=(0, 2))
    facts.add_row("Kind", public.kind)
    facts.add_row("Status", public.status)
    facts.add_row("Impact", public.impact)
    facts.add_row("Incident", public.incident or "—")
    facts.add_row("Published", when(public.published_at, zone))
    if public.scheduled_for:
        span = f"{when(public.scheduled_for, zone)} to {when(public.scheduled_until, zone)}"
        facts.add_row("Window", span)
    facts.add_row("Components", ", ".join(c.name for c in public.components) or "—")
    lines = [line for u in public.updates for line in _update_lines(u, zone)]
    return Group(title, facts, Text("Updates (newest first)", style="bold underline"), *lines)
