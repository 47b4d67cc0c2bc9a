"""The metrics page: a window and a breakdown to choose, bar charts drawn as SVG on the server
(MTTR, MTTA and MTTD per group, time in each status), time to innocence per person, the SLA
table, and links to the same numbers as CSV and JSON."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageViewer
from warroom.errors import InvalidInput
from warroom.metrics import service
from warroom.metrics.charts import BarChart, bar_chart
from warroom.metrics.rules import By, Period
from warroom.metrics.schemas import GroupOut, MetricsOut, metrics_out, sla_out
from warroom.metrics.service import Window
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, duration, render

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
DEFAULT_DAYS = 30


def _shown(minutes: float | None) -> str:
    return duration(None if minutes is None else minutes * 60)


def _day(text: str, zone: ZoneInfo) -> str:
    """A date picked on the form is midnight in the viewer's zone; anything else is passed on
    for the service to judge (and name the field)."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return text
    return datetime(day.year, day.month, day.day, tzinfo=zone).isoformat()


def _choice(value: str, kind: type[By] | type[Period], field: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(k.value for k in kind)
        raise InvalidInput(field, f"unknown {field} {value!r}; use one of {allowed}") from None


def _window(query: dict[str, str], zone: ZoneInfo, now: datetime) -> Window:
    by = _choice(query.get("by") or By.service.value, By, "by")
    period = _choice(query.get("period") or Period.month.value, Period, "period")
    since, until = (query.get(k, "").strip() for k in ("since", "until"))
    # A day picked for ``until`` is included: the window ends at the next midnight.
    end = _day(until, zone) if until else None
    if end and end != until:
        end = (datetime.fromisoformat(end) + timedelta(days=1)).isoformat()
    return service.check_window(since=_day(since, zone) if since else None, until=end,
                                by=by, period=period, now=now)  # fmt: skip


def _charts(found: MetricsOut) -> list[BarChart]:
    groups: list[GroupOut] = found.groups
    charts = [
        bar_chart(f"{label} per {found.by.value}",
                  [(g.key, getattr(g, name).mean_minutes) for g in groups], _shown)
        for name, label in (("mttr", "MTTR"), ("mtta", "MTTA"), ("mttd", "MTTD"))
    ]  # fmt: skip
    status_rows = [(s, st.mean_minutes) for s, st in found.total.time_in_status.items()]
    charts.append(bar_chart("Mean time in each status", status_rows, _shown))
    return charts


@router.get("/metrics")
def metrics_page(request: Request, session: DbSession, actor: PageViewer, at: Now) -> Response:
    query = dict(request.query_params)
    zone = ZoneInfo(actor.timezone)
    errors: dict[str, str] = {}
    try:
        wanted = _window(query, zone, at)
    except InvalidInput as exc:
        errors = {e.field: e.detail for e in exc.errors}
        wanted = Window(at - timedelta(days=DEFAULT_DAYS), at)
    found = metrics_out(service.metrics_report(session=session, actor=actor, window=wanted,
                                               now=at))  # fmt: skip
    lines = service.sla_report(session=session, actor=actor, window=wanted, now=at)
    params = urlencode({"since": wanted.since.isoformat(), "until": wanted.until.isoformat(),
                        "by": wanted.by.value, "period": wanted.period.value})  # fmt: skip
    context = {
        "actor": actor, "nav": "metrics", "found": found, "charts": _charts(found),
        "sla": sla_out(wanted.since, wanted.until, lines), "params": params, "errors": errors,
        "values": query, "shown": _shown, "by_choices": [b.value for b in By],
        "period_choices": [p.value for p in Period],
        "last_day": (wanted.until - timedelta(microseconds=1)).astimezone(zone).date(),
        "first_day": wanted.since.astimezone(zone).date(),
    }  # fmt: skip
    return render(request, "metrics.html", context, 422 if errors else 200)
