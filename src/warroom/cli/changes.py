"""``warroom change`` and ``warroom window``: the change calendar (changes, their conflicts,
approvals and holds, the gate before a start, deploys recorded after the fact, an incident's
suspects) and its freeze and maintenance windows, locally or over HTTP (``--url``/``--token``).

``--json`` prints the API's document; a refused start, the API's 409 problem with its conflicts.
The deletes (and clearing a mark) print nothing with it, as the API answers them with 204."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Annotated, Any

import typer
from rich.console import Console

from warroom.changes.schemas import (
    ApprovalIn,
    ChangeCreate,
    ChangeDetail,
    ChangeEventIn,
    ChangeUpdate,
    HoldIn,
    MarkIn,
    WindowIn,
)
from warroom.cli import changes_render as render
from warroom.cli.changes_backend import ChangeQuery, ChangesBackend, LocalChanges, RemoteChanges
from warroom.cli.options import AsOpt, JsonOpt, RefArg, TokenOpt, TzOpt, UrlOpt
from warroom.cli.problems import Problem, invalid
from warroom.cli.run import DomainRun, Target, dump, parse_time, running_with

change_app = typer.Typer(
    no_args_is_help=True,
    help="The change calendar: planned changes, their conflicts, and the gate before a start.",
)
window_app = typer.Typer(
    no_args_is_help=True,
    help="Freezes (no changes) and maintenance windows (when changes should happen).",
)
ChangeArg = Annotated[str, typer.Argument(help="The change, e.g. CHG-12 or 12.")]
WindowArg = Annotated[int, typer.Argument(help="The window's id, as `warroom window list` shows.")]
ChangesRun = DomainRun[ChangesBackend]


def running(
    url: str | None, token: str | None, as_email: str | None, as_json: bool, tz: str | None = None
) -> AbstractContextManager[ChangesRun]:
    return running_with(RemoteChanges, LocalChanges.on, Target(url, token, as_email, tz), as_json)


def _opt(text: str, *names: str) -> Any:
    return typer.Option(*names, help=text, show_default=False)


def _word(value: str | None) -> str | None:
    """A state or type as a person types it: ``In-Progress`` is ``in_progress``."""
    return value.strip().lower().replace("-", "_") if value is not None else None


Str = str | None
Names = list[str] | None
StartOpt = Annotated[Str, _opt("Planned start, ISO 8601 (without an offset: your zone)")]
EndOpt = Annotated[Str, _opt("Planned end, ISO 8601")]
TypeOpt = Annotated[Str, _opt("standard, normal or emergency", "--type")]
ServicesOpt = Annotated[Names, _opt("Service name (repeat)", "--service")]
AssetsOpt = Annotated[Names, _opt("Asset hostname (repeat)", "--asset")]
RiskOpt = Annotated[Str, _opt("low, medium or high (default: the suggested risk)")]
ImplementerOpt = Annotated[Str, _opt("Email of who carries it out")]
AuthorityOpt = Annotated[Str, _opt("Email of the change authority, who approves it")]
WhyOpt = Annotated[str, _opt("Why; recorded on the change's timeline")]


@change_app.command("list")
def list_changes(
    state: Annotated[Names, _opt("Only this state (repeat), e.g. in_progress")] = None,
    type_: Annotated[Names, _opt("Only this type (repeat)", "--type")] = None,
    since: Annotated[Str, _opt("Planned to end after this ISO time")] = None,
    until: Annotated[Str, _opt("Planned to start before this ISO time")] = None,
    service: Annotated[Str, _opt("Only changes naming this service")] = None,
    limit: Annotated[int, typer.Option(help="At most this many (1 to 2000)")] = 500,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Changes by planned start, with how many conflicts each has."""
    with running(url, token, as_, json_out, tz) as run:
        query = ChangeQuery.model_validate(
            {
                "state": [_word(s) for s in state or []], "type": [_word(t) for t in type_ or []],
                "since": parse_time(since, "since", run.zone),
                "until": parse_time(until, "until", run.zone), "service": service, "limit": limit,
            }
        )  # fmt: skip
        rows = run.backend.changes(query)
        run.emit(rows, lambda: render.changes_table(rows, run.zone()))


@change_app.command("show")
def show(
    ref: ChangeArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None, tz: TzOpt = None,
) -> None:  # fmt: skip
    """A change with its scope, conflicts, approvals and log."""
    with running(url, token, as_, json_out, tz) as run:
        found = run.backend.change(ref)
        run.emit(found, lambda: render.change_detail(found, run.zone()))


@change_app.command("create")
def create(
    title: Annotated[str, _opt("What changes, in a line")],
    start: Annotated[str, _opt("Planned start, ISO 8601 (without an offset: your zone)")],
    end: Annotated[str, _opt("Planned end, ISO 8601")],
    type_: TypeOpt = "normal", service: ServicesOpt = None, asset: AssetsOpt = None,
    description: Annotated[str, _opt("What and how")] = "",
    backout: Annotated[str, _opt("How to undo it")] = "",
    risk: RiskOpt = None,
    reboot: Annotated[bool, _opt("A reboot is required", "--reboot")] = False,
    implementer: ImplementerOpt = None, authority: AuthorityOpt = None,
    incident: Annotated[Str, _opt("The incident an emergency change fixes")] = None,
    submit: Annotated[bool, _opt("Submit at once (a standard change is approved)")] = False,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Plan a change (a draft, unless --submit); its conflicts are shown at once."""
    with running(url, token, as_, json_out, tz) as run:
        data = ChangeCreate.model_validate(
            {
                "title": title, "type": _word(type_),
                "planned_start": parse_time(start, "start", run.zone),
                "planned_end": parse_time(end, "end", run.zone),
                "services": service or [], "assets": asset or [], "description": description,
                "backout_plan": backout, "risk": _word(risk), "reboot_required": reboot,
                "implementer": implementer, "authority": authority, "incident": incident,
                "submit": submit,
            }
        )  # fmt: skip
        made = run.backend.create(data)
        run.emit(made, lambda: render.change_detail(made, run.zone(), "created"))


@change_app.command("set")
def set_(
    ref: ChangeArg,
    state: Annotated[Str, _opt("Move to it, e.g. in_progress, completed, cancelled")] = None,
    override: Annotated[Str, _opt("Start despite unresolved conflicts, and say why")] = None,
    reason: Annotated[Str, _opt("Why; recorded on the change's timeline")] = None,
    title: Annotated[Str, _opt("New title")] = None, type_: TypeOpt = None,
    start: StartOpt = None, end: EndOpt = None,
    actual_start: Annotated[Str, _opt("When it really started, ISO 8601")] = None,
    actual_end: Annotated[Str, _opt("When it really ended, ISO 8601")] = None,
    service: ServicesOpt = None, asset: AssetsOpt = None,
    description: Annotated[Str, _opt("What and how")] = None,
    backout: Annotated[Str, _opt("How to undo it")] = None, risk: RiskOpt = None,
    reboot: Annotated[bool | None, _opt("Reboot required (or not)", "--reboot/--no-reboot")] = None,
    implementer: ImplementerOpt = None, authority: AuthorityOpt = None,
    version: Annotated[int | None, _opt("The version you last saw (refused if stale)")] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Edit a change and move its state. Starting (--state in_progress) passes the gate: with
    unresolved conflicts it is refused and they are listed, unless --override says why."""
    with running(url, token, as_, json_out, tz) as run:
        given = {
            "state": _word(state), "override_reason": override, "reason": reason, "title": title,
            "type": _word(type_), "planned_start": parse_time(start, "start", run.zone),
            "planned_end": parse_time(end, "end", run.zone),
            "actual_start": parse_time(actual_start, "actual_start", run.zone),
            "actual_end": parse_time(actual_end, "actual_end", run.zone),
            "services": service, "assets": asset, "description": description,
            "backout_plan": backout, "risk": _word(risk), "reboot_required": reboot,
            "implementer": implementer, "authority": authority, "version": version,
        }  # fmt: skip
        data = ChangeUpdate.model_validate({k: v for k, v in given.items() if v is not None})
        if not data.model_fields_set - {"version", "reason"}:
            raise invalid("state", "nothing to change: give --state or a field to edit")
        changed = _update(run, ref, data)
        run.emit(changed, lambda: render.change_detail(changed, run.zone(), "updated"))


def _update(run: ChangesRun, ref: str, data: ChangeUpdate) -> ChangeDetail:
    try:
        return run.backend.edit(ref, data)
    except Problem as exc:  # the gate's refusal lists what blocks, so it can be resolved
        if not run.as_json and exc.body.get("conflicts"):
            Console(stderr=True).print(render.blocked(exc.body))
        raise


@change_app.command("conflicts")
def conflicts(
    ref: ChangeArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:  # fmt: skip
    """The change's conflicts, evaluated now, worst first."""
    with running(url, token, as_, json_out) as run:
        rows = run.backend.conflicts(ref)
        run.emit(rows, lambda: render.conflicts(ref, rows))


@change_app.command("approve")
def approve(
    ref: ChangeArg,
    reject: Annotated[bool, _opt("Reject it instead (it goes back to draft)", "--reject")] = False,
    comment: Annotated[str, _opt("Why")] = "",
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Approve (or --reject) a submitted change: its change authority or a manager."""
    with running(url, token, as_, json_out, tz) as run:
        verb = "rejected" if reject else "approved"
        data = ApprovalIn.model_validate({"decision": verb, "comment": comment})
        done = run.backend.decide(ref, data)
        run.emit(done, lambda: render.change_detail(done, run.zone(), verb))


@change_app.command("hold")
def hold(
    ref: ChangeArg, reason: WhyOpt,
    incident: Annotated[Str, _opt("The incident that prompts the hold, e.g. INC-7")] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Put a change on hold (the incident commander, the change authority or a manager); noted
    on the incident's timeline too."""
    with running(url, token, as_, json_out, tz) as run:
        done = run.backend.hold(ref, HoldIn(reason=reason, incident=incident))
        run.emit(done, lambda: render.change_detail(done, run.zone(), "on hold"))


@change_app.command("release")
def release(
    ref: ChangeArg, reason: WhyOpt, json_out: JsonOpt = False, url: UrlOpt = None,
    token: TokenOpt = None, as_: AsOpt = None, tz: TzOpt = None,
) -> None:  # fmt: skip
    """Release a hold: the change returns to the state it was held from."""
    with running(url, token, as_, json_out, tz) as run:
        done = run.backend.release(ref, HoldIn(reason=reason))
        run.emit(done, lambda: render.change_detail(done, run.zone(), "released"))


@change_app.command("record")
def record(
    summary: Annotated[str, _opt("What was deployed, in a line")],
    at: Annotated[Str, _opt("When, ISO 8601 (default: now)")] = None,
    service: ServicesOpt = None, asset: AssetsOpt = None,
    external_id: Annotated[Str, _opt("Your tool's id: recording it again changes nothing")] = None,
    details: Annotated[str, _opt("More about it")] = "",
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Record a change already made (a deploy) as a completed standard change, so it shows on
    the calendar and ranks as a suspect if an incident follows."""
    with running(url, token, as_, json_out, tz) as run:
        data = {
            "summary": summary, "occurred_at": parse_time(at, "at", run.zone), "details": details,
            "services": service or [], "assets": asset or [], "external_id": external_id,
        }  # fmt: skip
        made = run.backend.record(ChangeEventIn.model_validate(data))
        run.emit(made, lambda: render.change_detail(made, run.zone(), "recorded"))


def _hours(hours: int, most: int) -> int:
    # Checked here so the local database and a server refuse the same values alike.
    if not 1 <= hours <= most:
        raise invalid("hours", f"must be 1 to {most}")
    return hours


@change_app.command("at-risk")
def at_risk(
    ref: RefArg, hours: Annotated[int, typer.Option(help="Starting within (1 to 336)")] = 24,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Planned changes that touch the incident's scope, starting within --hours or under way,
    soonest first: what to hold."""
    with running(url, token, as_, json_out, tz) as run:
        rows = run.backend.at_risk(ref, _hours(hours, 24 * 14))
        run.emit(rows, lambda: render.at_risk_table(ref, rows, run.zone()))


@change_app.command("suspects")
def suspects(
    ref: RefArg, hours: Annotated[int, typer.Option(help="Made within (1 to 720) before")] = 72,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Changes made in the --hours before the incident started (or since), most likely cause
    first, with why and any mark responders gave them."""
    with running(url, token, as_, json_out, tz) as run:
        rows = run.backend.suspects(ref, _hours(hours, 24 * 30))
        run.emit(rows, lambda: render.suspects_table(ref, rows, run.zone()))


@change_app.command("mark")
def mark(
    ref: RefArg, change: ChangeArg,
    mark_as: Annotated[str, _opt("suspect, cause, or none to clear the mark", "--mark")],
    note: Annotated[str, _opt("Why")] = "",
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Mark a change as a suspect or the cause of the incident (kept for the postmortem)."""
    with running(url, token, as_, json_out, tz) as run:
        word = _word(mark_as)
        if word not in ("suspect", "cause", "none"):
            raise invalid("mark", "must be suspect, cause or none")
        if word == "none":
            run.backend.clear_mark(ref, change)
            if not run.as_json:
                typer.echo(f"Cleared the mark on {change.upper()} for {ref.upper()}.")
            return
        rows = run.backend.mark(ref, change, MarkIn.model_validate({"mark": word, "note": note}))
        run.emit(rows, lambda: render.suspects_table(ref, rows, run.zone()))


@change_app.command("feed")
def feed(
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """The change calendar's private iCalendar address, for calendar apps to subscribe to."""
    with running(url, token, as_, json_out) as run:
        found = run.backend.feed()
    if json_out:
        typer.echo(dump(found))
        return
    # Plain lines: an address folded to the terminal's width could not be pasted.
    typer.echo(found.url)
    typer.echo(found.webcal)
    typer.echo("Anyone with the address can read the calendar: keep it private.", err=True)


def _kind(value: str | None) -> str | None:
    kind = _word(value)
    if kind is not None and kind not in ("freeze", "maintenance"):
        raise invalid("kind", "must be freeze or maintenance")
    return kind


@window_app.command("list")
def list_windows(
    kind: Annotated[Str, _opt("freeze or maintenance")] = None,
    past: Annotated[bool, _opt("Include windows that have ended", "--past")] = False,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Current and upcoming windows (repeating ones while they still repeat), by start."""
    with running(url, token, as_, json_out, tz) as run:
        rows = run.backend.windows(_kind(kind), past)
        run.emit(rows, lambda: render.windows_table(rows, run.zone()))


@window_app.command("create")
def create_window(
    name: Annotated[str, _opt("What it is for, e.g. Black Friday")],
    start: Annotated[str, _opt("ISO 8601 (without an offset: your zone)")],
    end: Annotated[str, _opt("ISO 8601; the first occurrence's end when it repeats")],
    kind: Annotated[str, _opt("freeze or maintenance")] = "maintenance",
    service: ServicesOpt = None, asset: AssetsOpt = None,
    rrule: Annotated[Str, _opt("Repeat rule (RFC 5545), e.g. FREQ=WEEKLY;BYDAY=SA")] = None,
    reason: Annotated[str, _opt("Why")] = "",
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Add a freeze (no changes in its scope; none named: everything) or a maintenance window
    (changes should happen then; its alerts are expected). Managers only."""
    with running(url, token, as_, json_out, tz) as run:
        data = WindowIn.model_validate(
            {
                "name": name, "kind": _kind(kind),
                "starts_at": parse_time(start, "start", run.zone),
                "ends_at": parse_time(end, "end", run.zone),
                "services": service or [], "assets": asset or [], "rrule": rrule,
                "reason": reason,
            }
        )  # fmt: skip
        made = run.backend.create_window(data)
        run.emit(made, lambda: render.window_detail(made, run.zone()))


@window_app.command("show")
def show_window(
    window_id: WindowArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None, tz: TzOpt = None,
) -> None:  # fmt: skip
    """A window with its next occurrences."""
    with running(url, token, as_, json_out, tz) as run:
        found = run.backend.window(window_id)
        run.emit(found, lambda: render.window_detail(found, run.zone()))


@window_app.command("delete")
def delete_window(
    window_id: WindowArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:  # fmt: skip
    """Delete a window (managers)."""
    with running(url, token, as_, json_out) as run:
        gone = run.backend.delete_window(window_id)
        if not run.as_json:
            typer.echo(f"Deleted {gone.kind} window {gone.id} ({gone.name}).")
