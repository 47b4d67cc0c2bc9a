"""``warroom rule``, ``warroom group`` and ``warroom maintenance``: correlation rules (with
their dry run), alert groups and maintenance windows, on the local database or over HTTP
(``--url``/``--token``).

``--json`` prints the API's document; the deletes print nothing with it on success, as the API
answers them with 204 and no body."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Annotated

import typer

from warroom.alerts.correlation_schemas import CorrelationRuleIn, MaintenanceWindowIn
from warroom.cli import correlation_render as render
from warroom.cli.correlation_backend import (
    CorrelationBackend,
    GroupQuery,
    LocalCorrelation,
    RemoteCorrelation,
)
from warroom.cli.options import AsOpt, JsonOpt, TokenOpt, TzOpt, UrlOpt
from warroom.cli.problems import invalid
from warroom.cli.run import DomainRun, Target, parse_time, running_with
from warroom.db import utcnow

rules_app = typer.Typer(no_args_is_help=True, help="Correlation rules: how alerts are grouped.")
groups_app = typer.Typer(no_args_is_help=True, help="Alert groups formed by correlation.")
maintenance_app = typer.Typer(
    no_args_is_help=True, help="Maintenance windows: alerts inside are expected, not escalated."
)
RuleArg = Annotated[int, typer.Argument(help="The rule's id, as `warroom rule list` shows.")]
GroupArg = Annotated[int, typer.Argument(help="The group's id, as `warroom group list` shows.")]
WindowArg = Annotated[
    int, typer.Argument(help="The window's id, as `warroom maintenance list` shows.")
]


CorrelationRun = DomainRun[CorrelationBackend]


def running(
    url: str | None, token: str | None, as_email: str | None, as_json: bool, tz: str | None = None
) -> AbstractContextManager[CorrelationRun]:
    return running_with(
        RemoteCorrelation, LocalCorrelation.on, Target(url, token, as_email, tz), as_json
    )


@rules_app.command("list")
def list_rules(
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """The rules in the order they apply."""
    with running(url, token, as_, json_out) as run:
        rules = run.backend.rules()
        run.emit(rules, lambda: render.rules_table(rules))


@rules_app.command("show")
def show_rule(
    rule_id: RuleArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:  # fmt: skip
    """One rule."""
    with running(url, token, as_, json_out) as run:
        rule = run.backend.rule(rule_id)
        run.emit(rule, lambda: render.rules_table([rule]))


@rules_app.command("create")
def create_rule(
    name: Annotated[str, typer.Option(help="Unique name")],
    group_by: Annotated[
        list[str], typer.Option("--group-by", help="event, source, severity, service, labels.X")
    ],
    window: Annotated[int, typer.Option(help="Window in seconds")] = 900,
    min_alerts: Annotated[int | None, typer.Option()] = None,
    min_assets: Annotated[int | None, typer.Option(help="Distinct hosts")] = None,
    min_share: Annotated[float | None, typer.Option(help="Share of the service's assets")] = None,
    service: Annotated[str | None, typer.Option(help="Only this service's alerts")] = None,
    no_incident: Annotated[bool, typer.Option("--no-incident", help="Group only")] = False,
    position: Annotated[int, typer.Option(help="Lower applies first")] = 100,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Add a rule; it applies to alerts that arrive from now on."""
    with running(url, token, as_, json_out) as run:
        data = CorrelationRuleIn(
            name=name,
            service=service,
            group_by=group_by,
            window_seconds=window,
            min_alerts=min_alerts,
            min_assets=min_assets,
            min_share=min_share,
            open_incident=not no_incident,
            position=position,
        )
        rule = run.backend.create_rule(data)
        run.emit(rule, lambda: render.rules_table([rule]))


@rules_app.command("delete")
def delete_rule(
    rule_id: RuleArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:  # fmt: skip
    """Delete a rule and its groups; their alerts and any incident they opened stay."""
    with running(url, token, as_, json_out) as run:
        gone = run.backend.delete_rule(rule_id)
        if not run.as_json:
            typer.echo(f"Deleted rule {rule_id} ({gone.name}).")


@rules_app.command("dry-run")
def dry_run(
    rule_id: RuleArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None, tz: TzOpt = None,
) -> None:  # fmt: skip
    """What the rule would have done with the last 24 hours of alerts (writes nothing)."""
    with running(url, token, as_, json_out, tz) as run:
        result = run.backend.dry_run(rule_id)
        run.emit(result, lambda: render.dry_run_table(result, run.zone()))


def _opt(text: str) -> typer.models.OptionInfo:
    return typer.Option(help=text, show_default=False)  # type: ignore[no-any-return]


StatusOpt = Annotated[str | None, _opt("open or closed")]
ServiceOpt = Annotated[str | None, _opt("The service's name.")]
IncidentOpt = Annotated[str | None, _opt("The incident they joined, e.g. INC-42.")]
SinceHoursOpt = Annotated[float | None, _opt("Active in the last N hours.")]
SinceOpt = Annotated[str | None, _opt("Active at or after this ISO time.")]
LimitOpt = Annotated[int, typer.Option(help="At most this many (1 to 500).")]


@groups_app.command("list")
def list_groups(
    status: StatusOpt = None, service: ServiceOpt = None, incident: IncidentOpt = None,
    since_hours: SinceHoursOpt = None, since: SinceOpt = None, limit: LimitOpt = 100,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Most recently active first."""
    with running(url, token, as_, json_out, tz) as run:
        if since_hours is not None and since is not None:
            raise invalid("since", "give --since or --since-hours, not both")
        query = GroupQuery.model_validate(
            {
                "status": status.strip().lower() if status else None,
                "service": service,
                "incident": incident,
                "since": _since(since_hours) or parse_time(since, "since", run.zone),
                "limit": limit,
            }
        )
        groups = run.backend.groups(query)
        run.emit(groups, lambda: render.groups_table(groups, run.zone()))


def _since(hours: float | None) -> datetime | None:
    return utcnow() - timedelta(hours=hours) if hours else None


@groups_app.command("show")
def show_group(
    group_id: GroupArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None, tz: TzOpt = None,
) -> None:  # fmt: skip
    """The group with its hosts and latest alerts."""
    with running(url, token, as_, json_out, tz) as run:
        detail = run.backend.group(group_id)
        run.emit(detail, lambda: render.group_detail(detail, run.zone()))


@maintenance_app.command("list")
def list_windows(
    include_past: Annotated[bool, typer.Option("--all", help="Finished ones too")] = False,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Open and upcoming windows, soonest first."""
    with running(url, token, as_, json_out, tz) as run:
        windows = run.backend.windows(include_past)
        run.emit(windows, lambda: render.windows_table(windows, run.zone()))


@maintenance_app.command("create")
def create_window(
    name: Annotated[str, typer.Option()],
    minutes: Annotated[int, typer.Option(help="How long, from --starts")] = 60,
    starts: Annotated[
        str | None, typer.Option(help="ISO time (without an offset: the viewer's); default now")
    ] = None,
    asset: Annotated[list[str] | None, typer.Option("--asset", help="Hostname (repeat)")] = None,
    service: Annotated[list[str] | None, typer.Option("--service", help="Service (repeat)")] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Alerts on these assets or services during the window are expected, not escalated."""
    with running(url, token, as_, json_out, tz) as run:
        start = parse_time(starts, "starts", run.zone) or utcnow()
        data = MaintenanceWindowIn(
            name=name,
            starts_at=start,
            ends_at=start + timedelta(minutes=minutes),
            assets=asset or [],
            services=service or [],
        )
        window = run.backend.create_window(data)
        run.emit(window, lambda: render.windows_table([window], run.zone()))


@maintenance_app.command("delete")
def delete_window(
    window_id: WindowArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:  # fmt: skip
    """Delete a maintenance window."""
    with running(url, token, as_, json_out) as run:
        run.backend.delete_window(window_id)
        if not run.as_json:
            typer.echo(f"Deleted maintenance window {window_id}.")
