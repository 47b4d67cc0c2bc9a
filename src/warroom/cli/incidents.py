"""``warroom incident …``: declare, list, show, update, note and resolve.

Each command is written once against ``Backend``; ``--url``/``--token`` pick the server,
otherwise the local database is used. Option values are checked by the API's own schemas, so a
bad value fails here exactly as it would over HTTP.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from warroom.cli import render
from warroom.cli.backend import ListQuery
from warroom.cli.options import AsOpt, JsonOpt, RefArg, TokenOpt, TzOpt, UrlOpt
from warroom.cli.run import Target, parse_time, running
from warroom.incidents.rules import Status, format_ref, parse_ref
from warroom.incidents.schemas import IncidentCreate, IncidentUpdate, NoteCreate

app = typer.Typer(no_args_is_help=True, help="Declare, follow and resolve incidents.")

ServiceOpt = Annotated[
    list[str] | None,
    typer.Option("--service", help="Impacted service (repeat for several).", show_default=False),
]
RestrictOpt = Annotated[
    bool | None,
    typer.Option(
        "--restricted/--open",
        help="Restricted: seen only by its members and the security team (security incidents "
        "are by default).",
        show_default=False,
    ),
]
SeverityOpt = Annotated[str | None, typer.Option(help="SEV1 … SEV4.", show_default=False)]
MessageOpt = Annotated[
    str | None, typer.Option(help="Why; recorded on the timeline.", show_default=False)
]


def _upper(value: str | None) -> str | None:
    return value.strip().upper() if value else value


def _pretty_ref(ref: str) -> str:
    number = parse_ref(ref)
    return format_ref(number) if number is not None else ref


@app.command()
def declare(
    title: Annotated[str, typer.Option(help="What is wrong, in a line.")],
    severity: Annotated[str, typer.Option(help="SEV1 … SEV4; declare high when unsure.")],
    kind: Annotated[str, typer.Option(help="service or security.")] = "service",
    service: ServiceOpt = None,
    description: Annotated[str, typer.Option(help="What is known so far.")] = "",
    commander: Annotated[
        str | None, typer.Option(help="Email of the incident commander.", show_default=False)
    ] = None,
    restricted: RestrictOpt = None,
    json_out: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
    as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:
    """Declare an incident; SEV1 and SEV2 always get a commander (you, unless named)."""
    with running(Target(url, token, as_, tz), json_out) as run:
        data = IncidentCreate.model_validate(
            {
                "title": title,
                "severity": _upper(severity),
                "kind": kind.strip().lower(),
                "services": service or [],
                "description": description,
                "commander": commander,
                "restricted": restricted,
            }
        )
        incident = run.backend.declare(data)
        run.emit(incident, lambda zone: render.changed("declared", incident, zone))


@app.command("list")
def list_(
    status: Annotated[
        list[str] | None,
        typer.Option(
            help="A status, or active for all open ones (repeatable).", show_default=False
        ),
    ] = None,
    severity: Annotated[
        list[str] | None, typer.Option(help="SEV1 … SEV4 (repeatable).", show_default=False)
    ] = None,
    kind: Annotated[str | None, typer.Option(help="service or security.")] = None,
    service: Annotated[str | None, typer.Option(help="Only incidents impacting it.")] = None,
    since: Annotated[
        str | None, typer.Option(help="Declared at or after this ISO time.", show_default=False)
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many (1 to 200).")] = 50,
    cursor: Annotated[str | None, typer.Option(help="Continue a previous page.")] = None,
    json_out: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
    as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:
    """List incidents, newest first."""
    with running(Target(url, token, as_, tz), json_out) as run:
        query = ListQuery.model_validate(
            {
                "status": [s.strip().lower() for s in status or []],
                "severity": [_upper(s) for s in severity or []],
                "kind": kind.strip().lower() if kind else None,
                "service": service,
                "since": parse_time(since, "since", run.zone),
                "cursor": cursor,
                "limit": limit,
            }
        )
        page = run.backend.incidents(query)
        run.emit(page, lambda zone: render.incident_table(page, zone))


@app.command()
def show(
    ref: RefArg,
    json_out: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
    as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:
    """Show one incident: its facts, who is in the room, its tasks and latest timeline."""
    with running(Target(url, token, as_, tz), json_out) as run:
        incident = run.backend.show(ref)
        run.emit(
            incident,
            lambda zone: render.with_timeline(incident, run.backend.timeline(ref), zone),
        )


def _changes(**given: Any) -> dict[str, Any]:
    changes = {key: value for key, value in given.items() if value is not None}
    if not set(changes) - {"version", "message"}:
        raise typer.BadParameter(
            "nothing to change: give --status, --severity, --title, --description, --service, "
            "--restricted or --open"
        )
    return changes


@app.command()
def update(
    ref: RefArg,
    status: Annotated[
        str | None,
        typer.Option(help="triage, investigating, identified, monitoring, resolved, closed."),
    ] = None,
    severity: SeverityOpt = None,
    title: Annotated[str | None, typer.Option(show_default=False)] = None,
    description: Annotated[str | None, typer.Option(show_default=False)] = None,
    service: ServiceOpt = None,
    version: Annotated[
        int | None,
        typer.Option(help="The version you last saw; refused if someone changed it since."),
    ] = None,
    message: MessageOpt = None,
    restricted: RestrictOpt = None,
    json_out: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
    as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:
    """Change an incident's status, severity, title, description or impacted services, or
    restrict it (``--restricted``) or lift that (``--open``, with a ``--message``)."""
    changes = _changes(
        status=status.strip().lower() if status else None,
        severity=_upper(severity),
        title=title,
        description=description,
        services=service,
        version=version,
        message=message,
        restricted=restricted,
    )
    with running(Target(url, token, as_, tz), json_out) as run:
        incident = run.backend.update(ref, IncidentUpdate.model_validate(changes))
        run.emit(incident, lambda zone: render.changed("updated", incident, zone))


@app.command()
def note(
    ref: RefArg,
    text: Annotated[str, typer.Argument(help="What happened or was decided.")],
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="When it happened (ISO time), to back-date; default now.",
            show_default=False,
        ),
    ] = None,
    json_out: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
    as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:
    """Add a note to the incident's timeline."""
    with running(Target(url, token, as_, tz), json_out) as run:
        data = NoteCreate.model_validate(
            {"text": text, "occurred_at": parse_time(at, "occurred_at", run.zone)}
        )
        event = run.backend.note(ref, data)
        run.emit(event, lambda zone: render.note_added(_pretty_ref(ref), event, zone))


@app.command()
def resolve(
    ref: RefArg,
    message: MessageOpt = None,
    version: Annotated[int | None, typer.Option(help="The version you last saw.")] = None,
    json_out: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
    as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:
    """Mark the incident resolved (impact over); close it later, once reviewed."""
    with running(Target(url, token, as_, tz), json_out) as run:
        data = IncidentUpdate.model_validate(
            {"status": Status.resolved.value, "message": message, "version": version}
        )
        incident = run.backend.update(ref, data)
        run.emit(incident, lambda zone: render.changed("resolved", incident, zone))
