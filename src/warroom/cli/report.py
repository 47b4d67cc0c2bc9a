"""``warroom report``: MTTD, MTTA, MTTR, time to innocence and time in each status over a window,
broken down by service, severity, kind or period; with ``--sla``, each customer SLA's
attainment, breach and the service credit at stake. Locally or over HTTP (``--url``/``--token``);
``--json`` prints the API's document, ``--csv`` its CSV export."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from warroom.cli.options import AsOpt, JsonOpt, TokenOpt, TzOpt, UrlOpt
from warroom.cli.problems import invalid
from warroom.cli.report_backend import LocalReport, RemoteReport, ReportBackend, ReportQuery
from warroom.cli.run import DomainRun, Target, parse_time, running_with
from warroom.metrics.rules import By, Period
from warroom.metrics.schemas import MetricsOut, SlaOut, StatOut

ReportRun = DomainRun[ReportBackend]
NONE = "—"


def running(
    url: str | None, token: str | None, as_email: str | None, tz: str | None, as_json: bool
) -> AbstractContextManager[ReportRun]:
    target = Target(url, token, as_email, tz)
    return running_with(RemoteReport, LocalReport.on, target, as_json)


def minutes_text(value: float | None) -> str:
    if value is None:
        return NONE
    total = round(value)
    hours, minutes = divmod(total, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _stat(stat: StatOut) -> str:
    shown = minutes_text(stat.mean_minutes)
    return f"{shown} ({stat.missing} left out)" if stat.missing else shown


def render_metrics(found: MetricsOut, zone: ZoneInfo) -> RenderableType:
    start, end = (
        t.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") for t in (found.since, found.until)
    )
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title=f"Per {found.by.value}")
    for name in (found.by.value.capitalize(), "Incidents", "MTTD", "MTTA", "MTTR", "MTTI"):
        table.add_column(name)
    for g in (*found.groups, found.total):
        table.add_row(g.key, str(g.incidents), _stat(g.mttd), _stat(g.mtta), _stat(g.mttr),
                      _stat(g.mtti), style="bold" if g is found.total else "")  # fmt: skip
    statuses = ", ".join(f"{s} {minutes_text(v.mean_minutes)}"
                         for s, v in found.total.time_in_status.items() if v.count)  # fmt: skip
    people = ", ".join(f"{p.name} {minutes_text(p.tti.mean_minutes)}" for p in found.people[:10])
    actions = found.action_items[0] if found.action_items else None
    done = (
        f"{actions.statuses.get('done', 0)} of {actions.total} done"
        + ("" if actions.completion is None else f" ({actions.completion:.0%} completion)")
        + f", {actions.overdue} overdue"
        if actions and actions.total else NONE
    )  # fmt: skip
    return Group(
        Text(f"Incidents that began from {start} until {end} (means; only those you may see)"),
        table,
        Text(f"Mean time in each status: {statuses or NONE}"),
        Text(f"Time to innocence per person: {people or NONE}"),
        Text(f"Action items: {done}"),
    )


def render_sla(found: SlaOut, zone: ZoneInfo) -> RenderableType:
    start, end = (
        t.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") for t in (found.since, found.until)
    )
    title = f"SLA from {start} until {end}, breaches first"
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title=title)
    for name in ("Customer", "Service", "Target", "Outage", "Allowed", "Attainment", "Late",
                 "Credit"):  # fmt: skip
        table.add_column(name)
    for x in found.lines:
        target = NONE if x.availability_target is None else f"{x.availability_target:g} %"
        credit = NONE if x.credit_percent is None else f"{x.credit_percent:g} % of monthly fee"
        attained = Text(f"{x.attainment:.3f} %" + (" BREACHED" if x.breached else ""),
                        style="bold red" if x.breached else "")  # fmt: skip
        table.add_row(x.customer, x.service, target, minutes_text(x.outage_minutes),
                      minutes_text(x.allowed_minutes), attained, str(x.responses_missed),
                      credit if x.penalty_terms else NONE)  # fmt: skip
    return table if found.lines else Text("No customer has an SLA.")


def _instant(text: str | None, field: str, zone: Callable[[], ZoneInfo]) -> str | None:
    """A date is midnight, and a time without an offset is wall-clock time, in the viewer's
    zone; the API then gets an unambiguous instant."""
    if text is None:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        found = parse_time(text, field, zone)
        return None if found is None else found.isoformat()
    return datetime(day.year, day.month, day.day, tzinfo=zone()).isoformat()


def _opt(text: str, *names: str) -> typer.models.OptionInfo:
    found: typer.models.OptionInfo = typer.Option(*names, help=text, show_default=False)
    return found


def report(
    since: Annotated[str | None, _opt("From this date or time (default: 30 days ago)")] = None,
    until: Annotated[str | None, _opt("Until this date or time, excluded (default: now)")] = None,
    by: Annotated[By, typer.Option(help="Break the numbers down by this")] = By.service,
    period: Annotated[Period, typer.Option(help="The bucket with --by period")] = Period.month,
    sla: Annotated[bool, _opt("Each customer SLA instead: attainment, breach, credit")] = False,
    csv_out: Annotated[bool, _opt("Print the API's CSV export", "--csv")] = False,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Incident metrics over a window; dates and times without an offset are in your zone."""
    with running(url, token, as_, tz, json_out) as run:
        if csv_out and json_out:
            raise invalid("csv", "choose --csv or --json, not both")
        query = ReportQuery(_instant(since, "since", run.zone), _instant(until, "until", run.zone),
                            by, period)  # fmt: skip
        if csv_out:
            text = run.backend.sla_csv(query) if sla else run.backend.metrics_csv(query)
            typer.echo(text, nl=False)
        elif sla:
            found_sla = run.backend.sla(query)
            run.emit(found_sla, lambda: render_sla(found_sla, run.zone()))
        else:
            found = run.backend.metrics(query)
            run.emit(found, lambda: render_metrics(found, run.zone()))
