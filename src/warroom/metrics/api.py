"""JSON and CSV routes of the metrics, for anyone who may read incidents (viewers). The numbers
count only the incidents the caller may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from warroom.access.deps import DbSession, Now, Viewer
from warroom.metrics import export, service
from warroom.metrics.rules import By, Period
from warroom.metrics.schemas import MetricsOut, SlaOut, metrics_out, sla_out
from warroom.metrics.service import Window

router = APIRouter(prefix="/api/v1/metrics", tags=["metrics"])
CSV = "text/csv; charset=utf-8"
Instant = Query(max_length=40, description="ISO 8601 date (midnight UTC) or time with an offset")


def window(
    now: Now,
    since: Annotated[str | None, Instant] = None,
    until: Annotated[str | None, Instant] = None,
    by: Annotated[By, Query(description="How to break the numbers down")] = By.service,
    period: Annotated[Period, Query(description="The bucket when by=period")] = Period.month,
) -> Window:
    """``until`` defaults to now and ``since`` to 30 days before it."""
    return service.check_window(since=since, until=until, by=by, period=period, now=now)


Wanted = Annotated[Window, Depends(window)]


def _metrics(session: DbSession, actor: Viewer, wanted: Wanted, now: Now) -> MetricsOut:
    found = service.metrics_report(session=session, actor=actor, window=wanted, now=now)
    return metrics_out(found)


def _sla(session: DbSession, actor: Viewer, wanted: Wanted, now: Now) -> SlaOut:
    lines = service.sla_report(session=session, actor=actor, window=wanted, now=now)
    return sla_out(wanted.since, wanted.until, lines)


@router.get("", response_model=MetricsOut)
def metrics(found: Annotated[MetricsOut, Depends(_metrics)]) -> MetricsOut:
    """MTTD, MTTA, MTTR, time to innocence and time in each status of the incidents that began
    in ``[since, until)``, in total and broken down ``by`` service, severity, kind or period."""
    return found


@router.get(".csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def metrics_csv(found: Annotated[MetricsOut, Depends(_metrics)]) -> Response:
    """The same numbers as CSV: a row per group and measure."""
    headers = {"Content-Disposition": 'attachment; filename="metrics.csv"'}
    return Response(export.metrics_csv(found), media_type=CSV, headers=headers)


@router.get("/actions.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def actions_csv(found: Annotated[MetricsOut, Depends(_metrics)]) -> Response:
    """Completion of the action items of the same incidents as CSV: the total, then per type."""
    headers = {"Content-Disposition": 'attachment; filename="action-items.csv"'}
    return Response(export.actions_csv(found), media_type=CSV, headers=headers)


@router.get("/sla", response_model=SlaOut)
def sla(found: Annotated[SlaOut, Depends(_sla)]) -> SlaOut:
    """Each customer SLA over ``[since, until)``: outage, attainment, breach, late responses and
    the service credit the penalty terms put at stake. ``by`` and ``period`` are ignored."""
    return found


@router.get("/sla.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def sla_csv(found: Annotated[SlaOut, Depends(_sla)]) -> Response:
    headers = {"Content-Disposition": 'attachment; filename="sla.csv"'}
    return Response(export.sla_csv(found), media_type=CSV, headers=headers)
