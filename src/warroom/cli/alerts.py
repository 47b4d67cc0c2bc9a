"""``warroom integration …`` and ``warroom alert …``: create the sources of alerts, and list,
acknowledge and resolve alerts, on the local database or over HTTP (``--url``/``--token``).

``integration create`` prints the routing key on its last line, the only time it is shown."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import RenderableType
from rich.table import Table

from warroom.alerts.schemas import AlertDetail, AlertOut, IntegrationCreate, IntegrationOut
from warroom.cli.alerts_backend import AlertQuery, AlertsBackend, LocalAlerts, RemoteAlerts
from warroom.cli.options import AsOpt, JsonOpt, TokenOpt, TzOpt, UrlOpt
from warroom.cli.problems import invalid
from warroom.cli.render import when
from warroom.cli.run import DomainRun, Target, dump, parse_time, running_with
from warroom.incidents.schemas import Page

integrations_app = typer.Typer(no_args_is_help=True, help="Sources of alerts and their keys.")
alerts_app = typer.Typer(no_args_is_help=True, help="List, acknowledge and resolve alerts.")
IdArg = Annotated[int, typer.Argument(help="The alert's id, as `warroom alert list` shows.")]


AlertsRun = DomainRun[AlertsBackend]


def running(
    url: str | None, token: str | None, as_email: str | None, as_json: bool, tz: str | None = None
) -> AbstractContextManager[AlertsRun]:
    return running_with(RemoteAlerts, LocalAlerts.on, Target(url, token, as_email, tz), as_json)


def _opt(text: str) -> typer.models.OptionInfo:
    return typer.Option(help=text, show_default=False)  # type: ignore[no-any-return]


KindOpt = Annotated[str, _opt("alertmanager, pagerduty, grafana, generic or heartbeat.")]
NameOpt = Annotated[str, _opt("A name people recognise, e.g. prometheus-prod.")]
ServiceOpt = Annotated[str | None, _opt("Service of alerts not matched to an asset's.")]
ConfigOpt = Annotated[str | None, _opt("JSON: a generic mapping, or heartbeat interval_seconds.")]
StatusOpt = Annotated[list[str] | None, _opt("firing, acknowledged or resolved (repeatable).")]
SeverityOpt = Annotated[list[str] | None, _opt("critical, error, warning or info (repeatable).")]
AssetOpt = Annotated[str | None, _opt("The asset's hostname.")]
IntegrationOpt = Annotated[str | None, _opt("The integration's name.")]
SinceOpt = Annotated[str | None, _opt("Seen at or after this ISO time.")]


@integrations_app.command("create")
def create_integration(
    kind: KindOpt, name: NameOpt, service: ServiceOpt = None, config: ConfigOpt = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Create an integration; the routing key is printed last, and only this once."""
    with running(url, token, as_, json_out) as run:
        data = IntegrationCreate.model_validate(
            {
                "kind": kind.strip().lower(),
                "name": name,
                "service": service,
                "config": _config(config),
            }
        )
        made = run.backend.create_integration(data)
        if run.as_json:
            typer.echo(dump(made))
            return
        typer.echo(f"Created {made.kind.value} integration {made.name!r} (id {made.id}).")
        typer.echo(f"Send to: {made.endpoint}")
        typer.echo("Routing key (shown once; keep it in the sender's configuration):")
        typer.echo(made.routing_key)


def _config(text: str | None) -> dict[str, object]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise invalid("config", f"not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise invalid("config", "must be a JSON object")
    return value


@integrations_app.command("list")
def list_integrations(
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """List integrations with their key hints and endpoints."""
    with running(url, token, as_, json_out) as run:
        rows = run.backend.integrations()
        run.emit(rows, lambda: _integration_table(rows))


def _integration_table(rows: list[IntegrationOut]) -> RenderableType:
    table = Table("id", "name", "kind", "service", "key", "endpoint", box=None)
    for row in rows:
        table.add_row(
            str(row.id), row.name, row.kind.value, row.service or "", row.key_hint, row.endpoint
        )
    return table if rows else "No integrations yet: `warroom integration create`."


@alerts_app.command("list")
def list_alerts(
    status: StatusOpt = None, severity: SeverityOpt = None, service: ServiceOpt = None,
    asset: AssetOpt = None, integration: IntegrationOpt = None, since: SinceOpt = None,
    limit: Annotated[int, typer.Option(help="At most this many (1 to 200).")] = 50,
    cursor: Annotated[str | None, typer.Option(help="Continue a previous page.")] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """List alerts, newest first."""
    with running(url, token, as_, json_out, tz) as run:
        query = AlertQuery.model_validate(
            {
                "status": [s.strip().lower() for s in status or []],
                "severity": [s.strip().lower() for s in severity or []],
                "service": service,
                "asset": asset,
                "integration": integration,
                "since": parse_time(since, "since", run.zone),
                "cursor": cursor,
                "limit": limit,
            }
        )
        page = run.backend.alerts(query)
        run.emit(page, lambda: _alert_table(page, run.zone()))


def _alert_table(page: Page[AlertOut], zone: ZoneInfo) -> RenderableType:
    if not page.items:
        return "No alerts match."
    table = Table(
        "id", "status", "severity", "summary", "asset", "service", "count", "last seen", box=None
    )
    for a in page.items:
        table.add_row(
            str(a.id), a.status.value, a.severity.value, a.summary[:70], a.asset or a.source,
            a.service or "", str(a.count), when(a.last_seen, zone),
        )  # fmt: skip
    if page.next_cursor:
        table.caption = f"more: --cursor {page.next_cursor}"
    return table


def _changed(alert: AlertDetail) -> str:
    return f"Alert {alert.id} is {alert.status.value}: {alert.summary}"


@alerts_app.command("ack")
def acknowledge(
    alert_id: IdArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:  # fmt: skip
    """Acknowledge an alert: someone is on it."""
    with running(url, token, as_, json_out) as run:
        done = run.backend.acknowledge(alert_id)
        run.emit(done, lambda: _changed(done))


@alerts_app.command("resolve")
def resolve(
    alert_id: IdArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:  # fmt: skip
    """Resolve an alert by hand; the next trigger of its key opens a new one."""
    with running(url, token, as_, json_out) as run:
        done = run.backend.resolve(alert_id)
        run.emit(done, lambda: _changed(done))
