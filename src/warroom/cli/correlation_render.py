"""Readable tables of correlation rules, dry runs, alert groups and maintenance windows, with
times in the viewer's zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from warroom.alerts.correlation_schemas import (
    AlertGroupDetail,
    AlertGroupOut,
    CorrelationRuleOut,
    DryRunOut,
    MaintenanceWindowOut,
)
from warroom.cli.render import when


def _threshold(rule: CorrelationRuleOut) -> str:
    parts = []
    if rule.min_alerts:
        parts.append(f"≥ {rule.min_alerts} alerts")
    if rule.min_assets:
        parts.append(f"≥ {rule.min_assets} hosts")
    if rule.min_share:
        parts.append(f"≥ {rule.min_share:.0%} of the service's assets")
    return " or ".join(parts) or "never"


def rules_table(rules: list[CorrelationRuleOut]) -> RenderableType:
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


def dry_run_table(result: DryRunOut, zone: ZoneInfo) -> RenderableType:
    table = Table(
        "first seen",
        "group",
        "alerts",
        "hosts",
        "threshold met",
        "severity",
        "incident",
        title=f"{result.rule}: {len(result.groups)} groups, {result.incidents} incidents "
        f"from {result.alerts_seen} alerts since {when(result.since, zone)}",
    )
    for g in result.groups:
        met = f"{g.threshold_met_at.astimezone(zone):%H:%M:%S}" if g.threshold_met_at else "—"
        opened = "opens" if g.opens_incident else ("joins" if g.threshold_met_at else "—")
        table.add_row(
            when(g.first_seen, zone),
            g.title,
            str(g.alert_count),
            str(g.asset_count),
            met,
            g.proposed_severity or "—",
            opened,
        )
    return table


def groups_table(groups: list[AlertGroupOut], zone: ZoneInfo) -> RenderableType:
    table = Table("id", "title", "rule", "status", "alerts", "hosts", "last seen", "incident")
    for g in groups:
        table.add_row(
            str(g.id),
            g.title,
            g.rule,
            g.status,
            str(g.alert_count),
            str(g.asset_count),
            when(g.last_seen, zone),
            g.incident or "—",
        )
    return table


def group_detail(group: AlertGroupDetail, zone: ZoneInfo) -> RenderableType:
    hosts = Text(f"Hosts ({len(group.hosts)}): {', '.join(group.hosts)}")
    return Group(groups_table([group], zone), hosts)


def windows_table(windows: list[MaintenanceWindowOut], zone: ZoneInfo) -> RenderableType:
    table = Table("id", "name", "starts", "ends", "assets", "services", "active")
    for w in windows:
        table.add_row(
            str(w.id),
            w.name,
            when(w.starts_at, zone),
            when(w.ends_at, zone),
            ", ".join(w.assets) or "—",
            ", ".join(w.services) or "—",
            "yes" if w.active else "",
        )
    return table
