"""The metrics as CSV: one row per group and measure (long form, so a spreadsheet pivots it
any way), and one row per customer SLA. Minutes rounded to two decimals."""

from __future__ import annotations

import csv
import io

from warroom.metrics.schemas import GroupOut, MetricsOut, SlaOut, StatOut

METRICS_HEADER = ("group", "measure", "incidents", "count", "missing", "mean_minutes",
                  "median_minutes", "p90_minutes")  # fmt: skip
SLA_HEADER = ("customer", "customer_tier", "service", "availability_target", "incidents",
              "outage_minutes", "allowed_minutes", "attainment", "budget_share", "breached",
              "responses_missed", "credit_percent", "penalty_terms")  # fmt: skip


def _text(value: str) -> str:
    # A cell starting with = + - @ (or a tab or return before one) is a formula to a
    # spreadsheet: keep names inert.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _number(value: float | None, places: int = 2) -> str:
    return "" if value is None else f"{value:.{places}f}"


def _stat_row(group: GroupOut, measure: str, stat: StatOut) -> list[str]:
    return [_text(group.key), measure, str(group.incidents), str(stat.count), str(stat.missing),
            _number(stat.mean_minutes), _number(stat.median_minutes),
            _number(stat.p90_minutes)]  # fmt: skip


def _group_rows(group: GroupOut) -> list[list[str]]:
    rows = [_stat_row(group, name, getattr(group, name)) for name in ("mttd", "mtta", "mttr")]
    rows.append(_stat_row(group, "mtti", group.mtti))
    rows += [_stat_row(group, f"time_in_{status}", stat)
             for status, stat in group.time_in_status.items()]  # fmt: skip
    return rows


def _write(header: tuple[str, ...], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def metrics_csv(report: MetricsOut) -> str:
    """The total first (group ``all``), then each group of the breakdown, then each person's
    time to innocence (group ``person:<name>``, measure ``tti``; incidents: theirs counted)."""
    rows = [row for g in (report.total, *report.groups) for row in _group_rows(g)]
    rows += [
        [_text(f"person:{p.name}"), "tti", str(p.tti.count + p.tti.missing), str(p.tti.count),
         str(p.tti.missing), _number(p.tti.mean_minutes), _number(p.tti.median_minutes),
         _number(p.tti.p90_minutes)]
        for p in report.people
    ]  # fmt: skip
    return _write(METRICS_HEADER, rows)


ACTIONS_HEADER = ("type", "total", "open", "in_progress", "done", "wont_do", "overdue",
                  "completion", "mean_days_to_done")  # fmt: skip


def actions_csv(report: MetricsOut) -> str:
    """Action items of the window's incidents: the total (type ``all``), then per type."""
    rows = [
        [_text(c.key), str(c.total),
         *(str(c.statuses.get(s, 0)) for s in ("open", "in_progress", "done", "wont_do")),
         str(c.overdue), _number(c.completion, 4), _number(c.mean_days_to_done)]
        for c in report.action_items
    ]  # fmt: skip
    return _write(ACTIONS_HEADER, rows)


def sla_csv(report: SlaOut) -> str:
    rows = [
        [_text(x.customer), str(x.customer_tier), _text(x.service),
         _number(x.availability_target, 3), str(x.incidents), _number(x.outage_minutes),
         _number(x.allowed_minutes),
         _number(x.attainment, 4), _number(x.budget_share, 3), str(x.breached).lower(),
         str(x.responses_missed), _number(x.credit_percent), _text(x.penalty_terms)]
        for x in report.lines
    ]  # fmt: skip
    return _write(SLA_HEADER, rows)
