"""Alert pages: the alert board (open alerts first, then the recently resolved) with filters,
one alert with everything its sender said, and acknowledge and resolve as plain form posts.

Alert groups are in ``pages_groups``; integrations and maintenance windows in ``pages_admin``.
Every page subscribes to the live stream's alert changes (``/live/stream?alerts=1``), so the
counts move while it is open.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageResponder, PageViewer, safe_next
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.alerts.integrations import list_integrations
from warroom.alerts.manage import access_alert, do_acknowledge, do_resolve
from warroom.alerts.models import Alert, AlertGroup, Integration
from warroom.alerts.rules import AlertSeverity, AlertStatus
from warroom.catalog.models import Service
from warroom.catalog.service import list_services
from warroom.errors import WarroomError
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, render, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
STREAM = "/live/stream?alerts=1"
OPEN = (AlertStatus.firing.value, AlertStatus.acknowledged.value)
OPEN_SHOWN = 300
RESOLVED_SHOWN = 50
SEVERITY_RANK = {s.value: rank for rank, s in enumerate(AlertSeverity)}


def alerts_page(
    request: Request, template: str, actor: Actor, context: dict[str, Any], status: int = 200
) -> Response:
    """Every alerts-section page: the nav entry, the live stream, and the section tabs."""
    base = {"actor": actor, "nav": "alerts", "stream": STREAM, "can_act": _can_act(actor)}
    return render(request, f"alerts/{template}", base | context, status)


def _can_act(actor: Actor) -> bool:
    return actor.allows(Role.responder)


@dataclass(frozen=True)
class BoardFilter:
    """The board's filters as typed in; unknown words are dropped and reported."""

    statuses: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    service: str = ""
    integration: str = ""
    q: str = ""


def _board_filter(args: dict[str, Any], errors: dict[str, str]) -> BoardFilter:
    statuses = tuple(s for s in args["status"] if s in AlertStatus.__members__)
    if len(statuses) != len(args["status"]):
        errors["status"] = "choose from firing, acknowledged, resolved"
    severities = tuple(s for s in args["severity"] if s in AlertSeverity.__members__)
    if len(severities) != len(args["severity"]):
        errors["severity"] = "choose from critical, error, warning, info"
    return BoardFilter(statuses, severities, args["service"], args["integration"], args["q"])


def _board_query(wanted: BoardFilter) -> Select[Alert]:
    query = select(Alert)
    if wanted.statuses:
        query = query.where(Alert.status.in_(wanted.statuses))
    if wanted.severities:
        query = query.where(Alert.severity.in_(wanted.severities))
    if wanted.service:
        query = query.where(
            Alert.service_id.in_(select(Service.id).where(Service.name == wanted.service))
        )
    if wanted.integration:
        named = select(Integration.id).where(Integration.name == wanted.integration)
        query = query.where(Alert.integration_id.in_(named))
    if wanted.q:
        like = f"%{wanted.q.lower()}%"
        fields = (Alert.summary, Alert.source, Alert.event, Alert.dedup_key)
        query = query.where(or_(*(func.lower(f).like(like) for f in fields)))
    return query


def board(*, session: Session, wanted: BoardFilter) -> tuple[list[Alert], list[Alert]]:
    """Open alerts (firing before acknowledged, most severe, then latest first) and the most
    recently resolved ones."""
    base = _board_query(wanted)
    severity = case(SEVERITY_RANK, value=Alert.severity, else_=len(SEVERITY_RANK))
    firing_first = case((Alert.status == AlertStatus.firing.value, 0), else_=1)
    open_rows = session.scalars(
        base.where(Alert.status.in_(OPEN))
        .order_by(firing_first, severity, Alert.last_seen.desc(), Alert.id.desc())
        .limit(OPEN_SHOWN)
    )
    resolved = session.scalars(
        base.where(Alert.status == AlertStatus.resolved.value)
        .order_by(Alert.last_seen.desc(), Alert.id.desc())
        .limit(RESOLVED_SHOWN)
    )
    return list(open_rows.unique()), list(resolved.unique())


def open_counts(*, session: Session) -> dict[str, int]:
    """Firing and acknowledged alerts, whatever the filters: the numbers at the top."""
    query = select(Alert.status, func.count()).where(Alert.status.in_(OPEN))
    found = {row[0]: row[1] for row in session.execute(query.group_by(Alert.status))}
    return {status: int(found.get(status, 0)) for status in OPEN}


def group_titles(*, session: Session, alerts: list[Alert]) -> dict[int, str]:
    ids = {a.group_id for a in alerts if a.group_id is not None}
    if not ids:
        return {}
    rows = session.execute(select(AlertGroup.id, AlertGroup.title).where(AlertGroup.id.in_(ids)))
    return {row[0]: row[1] for row in rows}


@router.get("/alerts")
def alert_list(
    request: Request,
    session: DbSession,
    actor: PageViewer,
    status: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies query defaults
    severity: Annotated[list[str], Query()] = [],  # noqa: B006
    service: str = "",
    integration: str = "",
    q: str = "",
) -> Response:
    args: dict[str, Any] = {"status": status, "severity": severity, "service": service}
    args |= {"integration": integration, "q": q.strip()[:200]}
    errors: dict[str, str] = {}
    open_rows, resolved = board(session=session, wanted=_board_filter(args, errors))
    context = {
        "open_rows": open_rows,
        "resolved": resolved,
        "counts": open_counts(session=session),
        "groups": group_titles(session=session, alerts=[*open_rows, *resolved]),
        "args": args,
        "errors": errors,
        "statuses": [s.value for s in AlertStatus],
        "severities": [s.value for s in AlertSeverity],
        "services": list_services(session=session),
        "integrations": list_integrations(session=session),
        "open_shown": OPEN_SHOWN,
        "tab": "alerts",
    }
    return alerts_page(request, "alerts.html", actor, context)


def _history(alert: Alert) -> list[tuple[datetime, str]]:
    """The state history as (when, status), opening first (added from ``first_seen`` when the
    recorded history does not start with it)."""
    changes: list[tuple[datetime, str]] = []
    for item in alert.state_changes or []:
        when, _, status = item.partition(" ")
        try:
            changes.append((datetime.fromisoformat(when), status))
        except ValueError:  # a history entry we cannot read is skipped, not fatal
            continue
    if not changes or changes[0][1] != AlertStatus.firing.value:
        changes.insert(0, (alert.first_seen, AlertStatus.firing.value))
    return changes


@router.get("/alerts/{alert_id}")
def alert_detail(
    alert_id: int, request: Request, session: DbSession, actor: PageViewer
) -> Response:
    alert = access_alert(session=session, alert_id=alert_id)
    group = session.get(AlertGroup, alert.group_id) if alert.group_id else None
    context = {
        "alert": alert,
        "group": group,
        "history": _history(alert),
        "details_json": json.dumps(alert.details or {}, indent=2, sort_keys=True, default=str),
        "raw_json": json.dumps(alert.raw or {}, indent=2, sort_keys=True, default=str),
        "tab": "alerts",
        "page_url": f"/alerts/{alert.id}",
    }
    return alerts_page(request, "alert.html", actor, context)


Act = Callable[..., Alert]


def _act(
    request: Request, session: Session, actor: Actor, alert_id: int, act: Act, at: datetime
) -> str:
    """Run one change; a refusal (a resolved alert cannot be acknowledged) is the message."""
    alert = access_alert(session=session, alert_id=alert_id)
    try:
        act(session=session, alert=alert, actor=actor, now=at)
        session.flush()
    except WarroomError as exc:
        session.rollback()
        return f"Alert {alert_id}: {exc.detail}"
    return f"Alert {alert.id} is {alert.status}: {alert.summary[:120]}"


@router.post("/alerts/{alert_id}/acknowledge")
def acknowledge(
    alert_id: int,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    next: Annotated[str, Form()] = "/alerts",
) -> Response:
    flash(request, _act(request, session, actor, alert_id, do_acknowledge, at))
    return see_other(safe_next(next))


@router.post("/alerts/{alert_id}/resolve")
def resolve(
    alert_id: int,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    next: Annotated[str, Form()] = "/alerts",
) -> Response:
    flash(request, _act(request, session, actor, alert_id, do_resolve, at))
    return see_other(safe_next(next))
