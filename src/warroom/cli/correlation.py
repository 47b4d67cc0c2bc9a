"""``warroom rule``, ``warroom group`` and ``warroom maintenance``: correlation rules (with
their dry run), alert groups and maintenance windows, on the local database."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from warroom.alerts import alert_groups, correlation_service, maintenance
from warroom.alerts.correlate import rule_spec
from warroom.alerts.correlation_schemas import (
    AlertGroupOut,
    CorrelationRuleIn,
    CorrelationRuleOut,
    DryRunOut,
    MaintenanceWindowIn,
    MaintenanceWindowOut,
)
from warroom.cli.local import local_transaction
from warroom.cli.run import dump, reporting
from warroom.db import utcnow
from warroom.errors import InvalidInput

rules_app = typer.Typer(no_args_is_help=True, help="Correlation rules: how alerts are grouped.")
groups_app = typer.Typer(no_args_is_help=True, help="Alert groups formed by correlation.")
maintenance_app = typer.Typer(
    no_args_is_help=True, help="Maintenance windows: alerts inside are expected, not escalated."
)

Json = Annotated[bool, typer.Option("--json", help="Print what the API would return.")]


def _print(value: BaseModel | list[BaseModel], as_json: bool, table: Table | None) -> None:
    if as_json or table is None:
        typer.echo(dump(value))
    else:
        Console(highlight=False, soft_wrap=True).print(table)


def _threshold(rule: CorrelationRuleOut) -> str:
    parts = []
    if rule.min_alerts:
        parts.append(f"≥ {rule.min_alerts} alerts")
    if rule.min_assets:
        parts.append(f"≥ {rule.min_assets} hosts")
    if rule.min_share:
        parts.append(f"≥ {rule.min_share:.0%} of the service's assets")
    return " or ".join(parts) or "never"


def _rules_table(rules: list[CorrelationRuleOut]) -> Table:
    table = Table("id", "name", "scope", "group by", "window", "threshold", "incident", "on")
    for r in rules:
        table.add_row(
            str(r.id),
            r.name,
            r.service or "global",
            ", ".join(r.group_by),
            f"{r.window_seconds // 60} min",
            _threshold(r),
            "opens" if r.open_incident else "no",
            "yes" if r.enabled else "no",
        )
    return table


@rules_app.command("list")
def list_rules(as_json: Json = False) -> None:
    """The rules in the order they apply."""
    with reporting(as_json), local_transaction() as session:
        rules = [
            correlation_service.rule_out(r) for r in correlation_service.list_rules(session=session)
        ]
    _print(list(rules), as_json, _rules_table(rules))


@rules_app.command("show")
def show_rule(rule_id: int, as_json: Json = False) -> None:
    with reporting(as_json), local_transaction() as session:
        rule = correlation_service.rule_out(
            correlation_service.access_rule(session=session, rule_id=rule_id)
        )
    _print(rule, as_json, _rules_table([rule]))


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
    as_json: Json = False,
) -> None:
    """Add a rule; it applies to alerts that arrive from now on."""
    with reporting(as_json), local_transaction() as session:
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
        rule = correlation_service.rule_out(
            correlation_service.do_save_rule(session=session, data=data)
        )
    _print(rule, as_json, _rules_table([rule]))


@rules_app.command("delete")
def delete_rule(rule_id: int) -> None:
    with reporting(False), local_transaction() as session:
        rule = correlation_service.access_rule(session=session, rule_id=rule_id)
        name = rule.name
        correlation_service.do_delete_rule(session=session, rule=rule)
    typer.echo(f"Deleted rule {rule_id} ({name}).")


def _dry_run_table(result: DryRunOut) -> Table:
    table = Table(
        "first seen",
        "group",
        "alerts",
        "hosts",
        "threshold met",
        "severity",
        "incident",
        title=f"{result.rule}: {len(result.groups)} groups, {result.incidents} incidents "
        f"from {result.alerts_seen} alerts since {result.since:%Y-%m-%d %H:%M} UTC",
    )
    for g in result.groups:
        met = f"{g.threshold_met_at:%H:%M:%S}" if g.threshold_met_at else "—"
        opened = "opens" if g.opens_incident else ("joins" if g.threshold_met_at else "—")
        table.add_row(
            f"{g.first_seen:%Y-%m-%d %H:%M}",
            g.title,
            str(g.alert_count),
            str(g.asset_count),
            met,
            g.proposed_severity or "—",
            opened,
        )
    return table


@rules_app.command("dry-run")
def dry_run(rule_id: int, as_json: Json = False) -> None:
    """What the rule would have done with the last 24 hours of alerts (writes nothing)."""
    with reporting(as_json), local_transaction() as session:
        rule = correlation_service.access_rule(session=session, rule_id=rule_id)
        result = correlation_service.dry_run(session=session, rule=rule_spec(rule), now=utcnow())
        session.rollback()
    _print(result, as_json, _dry_run_table(result))


def _groups_table(groups: list[AlertGroupOut]) -> Table:
    table = Table("id", "title", "rule", "status", "alerts", "hosts", "last seen", "incident")
    for g in groups:
        table.add_row(
            str(g.id),
            g.title,
            g.rule,
            g.status,
            str(g.alert_count),
            str(g.asset_count),
            f"{g.last_seen:%Y-%m-%d %H:%M}",
            g.incident or "—",
        )
    return table


@groups_app.command("list")
def list_groups(
    status: Annotated[str | None, typer.Option(help="open or closed")] = None,
    service: Annotated[str | None, typer.Option()] = None,
    incident: Annotated[str | None, typer.Option(help="INC-42")] = None,
    since_hours: Annotated[float | None, typer.Option(help="Active in the last N hours")] = None,
    as_json: Json = False,
) -> None:
    """Most recently active first."""
    since = utcnow() - timedelta(hours=since_hours) if since_hours else None
    with reporting(as_json), local_transaction() as session:
        wanted = alert_groups.GroupFilter(status, service, incident, since)
        rows = alert_groups.list_groups(session=session, wanted=wanted)
        groups = [alert_groups.group_out(session=session, group=g) for g in rows]
    _print(list(groups), as_json, _groups_table(groups))


@groups_app.command("show")
def show_group(group_id: int, as_json: Json = False) -> None:
    """The group with its hosts and latest alerts."""
    with reporting(as_json), local_transaction() as session:
        group = alert_groups.access_group(session=session, group_id=group_id)
        detail = alert_groups.group_detail(session=session, group=group)
    if as_json:
        typer.echo(dump(detail))
        return
    console = Console(highlight=False, soft_wrap=True)
    console.print(_groups_table([detail]))
    console.print(f"Hosts ({len(detail.hosts)}): {', '.join(detail.hosts)}")


def _windows_table(windows: list[MaintenanceWindowOut]) -> Table:
    table = Table("id", "name", "starts", "ends", "assets", "services", "active")
    for w in windows:
        table.add_row(
            str(w.id),
            w.name,
            f"{w.starts_at:%Y-%m-%d %H:%M}",
            f"{w.ends_at:%Y-%m-%d %H:%M}",
            ", ".join(w.assets) or "—",
            ", ".join(w.services) or "—",
            "yes" if w.active else "",
        )
    return table


@maintenance_app.command("list")
def list_windows(
    include_past: Annotated[bool, typer.Option("--all", help="Finished ones too")] = False,
    as_json: Json = False,
) -> None:
    now = utcnow()
    with reporting(as_json), local_transaction() as session:
        rows = maintenance.list_windows(session=session, now=now, include_past=include_past)
        windows = [maintenance.window_out(w, now) for w in rows]
    _print(list(windows), as_json, _windows_table(windows))


def _when(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            "starts", f"{text!r} is not an ISO time, e.g. 2026-11-23T22:00Z"
        ) from None


@maintenance_app.command("create")
def create_window(
    name: Annotated[str, typer.Option()],
    minutes: Annotated[int, typer.Option(help="How long, from --starts")] = 60,
    starts: Annotated[str | None, typer.Option(help="ISO time with offset; default now")] = None,
    asset: Annotated[list[str] | None, typer.Option("--asset", help="Hostname (repeat)")] = None,
    service: Annotated[list[str] | None, typer.Option("--service", help="Service (repeat)")] = None,
    as_json: Json = False,
) -> None:
    """Alerts on these assets or services during the window are expected, not escalated."""
    now = utcnow()
    with reporting(as_json), local_transaction() as session:
        start = _when(starts) if starts else now
        data = MaintenanceWindowIn(
            name=name,
            starts_at=start,
            ends_at=start + timedelta(minutes=minutes),
            assets=asset or [],
            services=service or [],
        )
        window = maintenance.window_out(
            maintenance.do_create_window(session=session, actor=None, data=data), now
        )
    _print(window, as_json, _windows_table([window]))


@maintenance_app.command("delete")
def delete_window(window_id: int) -> None:
    with reporting(False), local_transaction() as session:
        window = maintenance.access_window(session=session, window_id=window_id)
        maintenance.do_delete_window(session=session, window=window)
    typer.echo(f"Deleted maintenance window {window_id}.")
