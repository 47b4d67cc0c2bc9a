"""``warroom oncall`` and ``warroom schedule``: who is on call, and on-call schedules with their
overrides, shifts, gaps and calendar, on the local database or over HTTP (``--url``/
``--token``).

``--json`` prints the API's document; the deletes print nothing with it on success, as the API
answers them with 204 and no body. ``export`` prints the iCalendar file the API serves."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from warroom.cli import oncall_render as render
from warroom.cli.oncall_backend import LocalOncall, OncallBackend, RemoteOncall
from warroom.cli.options import AsOpt, JsonOpt, TokenOpt, TzOpt, UrlOpt
from warroom.cli.problems import invalid
from warroom.cli.run import DomainRun, Target, parse_time, running_with
from warroom.db import utcnow
from warroom.oncall.schedule_schemas import OverrideIn, ScheduleIn

oncall_app = typer.Typer(no_args_is_help=True, help="Who is on call.")
schedules_app = typer.Typer(
    no_args_is_help=True, help="On-call schedules: rotations, overrides, shifts and gaps."
)
overrides_app = typer.Typer(
    no_args_is_help=True, help="Overrides: someone covers a schedule for a while."
)
schedules_app.add_typer(overrides_app, name="override")
ScheduleArg = Annotated[str, typer.Argument(help="The schedule's name or id.")]


def _opt(text: str, *names: str) -> typer.models.OptionInfo:
    return typer.Option(*names, help=text, show_default=False)  # type: ignore[no-any-return]


TextOpt = str | None
ServiceOpt = Annotated[TextOpt, _opt("Whom this service's escalation policy pages first")]
ScheduleOpt = Annotated[TextOpt, _opt("Only this schedule (name or id)")]
AtOpt = Annotated[TextOpt, _opt("ISO time instead of now (no offset: yours)")]
NameOpt = Annotated[TextOpt, _opt("Unique name (or `name` in the file)")]
FileOpt = Annotated[Path | None, _opt("YAML or JSON: the schedule, or its list of layers")]
ZoneOpt = Annotated[TextOpt, _opt("IANA zone of the handoffs, e.g. Europe/Paris")]
RotationOpt = Annotated[TextOpt, _opt("hourly, daily, weekly or custom (one-layer schedule)")]
StartsOpt = Annotated[TextOpt, _opt("First handoff as local wall time, e.g. 2026-11-02T09:00")]
PeopleOpt = Annotated[list[str] | None, _opt("Email, in turn order (repeat)", "--participant")]
HoursOpt = Annotated[float | None, _opt("Shift length of a custom rotation, in hours")]
OutputOpt = Annotated[Path | None, _opt("Write the file here, not to stdout", "--output", "-o")]


OncallRun = DomainRun[OncallBackend]


def running(
    url: str | None, token: str | None, as_email: str | None, as_json: bool, tz: str | None = None
) -> AbstractContextManager[OncallRun]:
    return running_with(RemoteOncall, LocalOncall.on, Target(url, token, as_email, tz), as_json)


@oncall_app.command("now")
def now(
    service: ServiceOpt = None, schedule: ScheduleOpt = None, at: AtOpt = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Who is on call now (or --at): on every schedule and for every service with an escalation
    policy, or for one --service or --schedule."""
    with running(url, token, as_, json_out, tz) as run:
        if service is not None and schedule is not None:
            raise invalid("schedule", "give --service or --schedule, not both")
        moment = parse_time(at, "at", run.zone)
        if schedule is not None:
            one = run.backend.on_call(schedule, moment)
            run.emit(one, lambda: render.on_call_line(one, run.zone()))
            return
        result = run.backend.board(service, moment)
        run.emit(result, lambda: render.board(result, run.zone()))


@schedules_app.command("list")
def list_schedules(
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Every schedule, by name."""
    with running(url, token, as_, json_out) as run:
        rows = run.backend.schedules()
        run.emit(rows, lambda: render.schedules_table(rows))


@schedules_app.command("show")
def show(
    schedule: ScheduleArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None, tz: TzOpt = None,
) -> None:  # fmt: skip
    """A schedule's layers and its overrides not yet ended."""
    with running(url, token, as_, json_out, tz) as run:
        found = run.backend.schedule(schedule)
        run.emit(found, lambda: render.schedule_detail(found, run.zone()))


class _Loader(yaml.SafeLoader):
    """YAML 1.1 reads 17:00 as the number 1020 (base 60): numbers stay text here, and the
    schema reads them (days, shift lengths) as numbers where it expects one."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in found if not tag.endswith((":int", ":float"))]
    for first, found in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _document(path: Path | None) -> dict[str, Any]:
    """The file's schedule: a mapping like the API's body, or just the list of layers."""
    if path is None:
        return {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (safe)
    except (OSError, yaml.YAMLError) as exc:
        raise invalid("file", f"cannot read {path}: {exc}") from exc
    if isinstance(data, list):
        return {"layers": data}
    if not isinstance(data, dict):
        raise invalid("file", "expected a mapping with layers, or a list of layers")
    return data


def _inline_layer(
    rotation: str | None, starts: str | None, people: list[str], shift_hours: float | None
) -> list[dict[str, Any]]:
    if rotation is None and not people:
        return []
    layer = {"rotation": rotation or "weekly", "participants": people, "starts": starts}
    return [layer | ({"shift_hours": shift_hours} if shift_hours else {})]


@schedules_app.command("create")
def create(
    name: NameOpt = None, file: FileOpt = None, timezone: ZoneOpt = None,
    description: Annotated[TextOpt, _opt("What it covers")] = None,
    rotation: RotationOpt = None, starts: StartsOpt = None, participant: PeopleOpt = None,
    shift_hours: HoursOpt = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Add a schedule: its layers from --file, or one rotation from --rotation, --starts and
    --participant; options override the file's name, zone and description."""
    with running(url, token, as_, json_out, tz) as run:
        data = _document(file)
        data["layers"] = [
            *data.get("layers", []),
            *_inline_layer(rotation, starts, participant or [], shift_hours),
        ]
        given = {"name": name, "timezone": timezone, "description": description}
        data |= {k: v for k, v in given.items() if v is not None}
        made = run.backend.create(ScheduleIn.model_validate(data))
        run.emit(made, lambda: render.schedule_detail(made, run.zone()))


@schedules_app.command("delete")
def delete(
    schedule: ScheduleArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:  # fmt: skip
    """Delete a schedule; escalation steps that named it lose that target."""
    with running(url, token, as_, json_out) as run:
        gone = run.backend.delete(schedule)
        if not run.as_json:
            typer.echo(f"Deleted schedule {gone.id} ({gone.name}).")


StartOpt = Annotated[str | None, typer.Option(help="ISO time (no offset: yours); default now")]
DaysOpt = Annotated[float, typer.Option(help="How many days from --start (at most 90)")]


def _span(run: OncallRun, start: str | None, days: float) -> tuple[datetime, datetime]:
    begin = parse_time(start, "start", run.zone) or utcnow()
    return begin, begin + timedelta(days=days)


@schedules_app.command("shifts")
def shifts(
    schedule: ScheduleArg, start: StartOpt = None, days: DaysOpt = 7, json_out: JsonOpt = False,
    url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None, tz: TzOpt = None,
) -> None:  # fmt: skip
    """Who is on call when, layers and overrides resolved."""
    with running(url, token, as_, json_out, tz) as run:
        rows = run.backend.shifts(schedule, *_span(run, start, days))
        run.emit(rows, lambda: render.shifts_table(rows, run.zone()))


@schedules_app.command("gaps")
def gaps(
    schedule: ScheduleArg, start: StartOpt = None, days: DaysOpt = 7, json_out: JsonOpt = False,
    url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None, tz: TzOpt = None,
) -> None:  # fmt: skip
    """When nobody is on call."""
    with running(url, token, as_, json_out, tz) as run:
        rows = run.backend.gaps(schedule, *_span(run, start, days))
        run.emit(rows, lambda: render.gaps_table(rows, run.zone()))


@schedules_app.command("export")
def export(
    schedule: ScheduleArg,
    weeks: Annotated[int, typer.Option(help="How many weeks ahead (1 to 52)")] = 8,
    output: OutputOpt = None,
    url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """The schedule's shifts as an iCalendar file, to import into a calendar."""
    with running(url, token, as_, False) as run:
        if not 1 <= weeks <= 52:
            raise invalid("weeks", "must be 1 to 52")
        body = run.backend.calendar(schedule, weeks)
    if output is None:
        typer.echo(body.decode("utf-8"), nl=False)
    else:
        output.write_bytes(body)


@overrides_app.command("add")
def add_override(
    schedule: ScheduleArg,
    person: Annotated[str, typer.Option(help="Email of who covers")],
    start: Annotated[str, typer.Option(help="ISO time (no offset: yours)")],
    end: Annotated[str | None, typer.Option(help="ISO time; or --hours")] = None,
    hours: Annotated[float | None, typer.Option(help="How long, from --start")] = None,
    note: Annotated[str, typer.Option(help="Why, e.g. 'swap with Ann'")] = "",
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """``person`` covers the whole schedule from --start to --end (or for --hours)."""
    with running(url, token, as_, json_out, tz) as run:
        begin = parse_time(start, "start", run.zone) or utcnow()
        finish = parse_time(end, "end", run.zone) or (
            begin + timedelta(hours=hours) if hours else None
        )
        if finish is None:
            raise invalid("end", "give --end or --hours")
        data = OverrideIn(person=person, starts_at=begin, ends_at=finish, note=note)
        row = run.backend.add_override(schedule, data)
        run.emit(row, lambda: render.overrides_table([row], run.zone()))


@overrides_app.command("delete")
def delete_override(
    schedule: ScheduleArg,
    override_id: Annotated[int, typer.Argument(help="The override's id, as `show` lists it")],
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Remove an override; the rotation covers that time again."""
    with running(url, token, as_, json_out) as run:
        run.backend.delete_override(schedule, override_id)
        if not run.as_json:
            typer.echo(f"Deleted override {override_id}.")
