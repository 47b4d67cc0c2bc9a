"""JSON routes: integrations (managers), the inbound webhooks (the routing key in the URL is
the credential), and alerts (viewers read, responders acknowledge and resolve)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from warroom.access.deps import DbSession, Manager, Now, Responder, Viewer
from warroom.alerts import integrations as integ
from warroom.alerts.heartbeats import do_ping
from warroom.alerts.inbound import integration_for, receive, received_at
from warroom.alerts.integrations import IntegrationRef
from warroom.alerts.manage import (
    AlertFilter,
    access_alert,
    do_acknowledge,
    do_resolve,
    list_alerts,
)
from warroom.alerts.mapping import generic_events
from warroom.alerts.payloads import PayloadError, alertmanager_events, grafana_events
from warroom.alerts.rules import AlertSeverity, AlertStatus, IncomingEvent, IntegrationKind
from warroom.alerts.schemas import (
    AlertDetail,
    AlertOut,
    IntegrationCreate,
    IntegrationCreated,
    IntegrationOut,
    alert_detail,
    alert_out,
    integration_out,
)
from warroom.errors import InvalidInput
from warroom.incidents.schemas import Page

router = APIRouter(tags=["alerts"])


class MalformedJson(PayloadError):
    title = "Malformed JSON"


async def raw_body(request: Request) -> bytes:
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]


def parse_json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise MalformedJson("body", f"not valid JSON: {exc}") from None


# --- integrations ----------------------------------------------------------------------------


@router.post("/api/v1/integrations", status_code=201, response_model=IntegrationCreated)
def create_integration(
    body: IntegrationCreate, session: DbSession, actor: Manager, at: Now
) -> IntegrationCreated:
    row, key = integ.do_create_integration(
        session=session,
        kind=body.kind,
        name=body.name,
        now=at,
        service=body.service,
        config=body.config,
    )
    session.refresh(row)
    out = integration_out(row).model_dump()
    return IntegrationCreated(**out, routing_key=key)


@router.get("/api/v1/integrations", response_model=list[IntegrationOut])
def list_integrations(session: DbSession, actor: Manager) -> list[IntegrationOut]:
    return [integration_out(row) for row in integ.list_integrations(session=session)]


@router.delete("/api/v1/integrations/{integration_id}", status_code=204)
def delete_integration(integration_id: int, session: DbSession, actor: Manager) -> Response:
    integ.do_delete_integration(session=session, integration_id=integration_id)
    return Response(status_code=204)


# --- inbound webhooks ------------------------------------------------------------------------


async def _receive(
    request: Request,
    key: str,
    kind: IntegrationKind,
    parse: Callable[[Any, IntegrationRef], list[IncomingEvent]],
) -> dict[str, Any]:
    at = received_at(request)
    raw = await request.body()
    ref = await integration_for(request, key, kind)
    events = parse(parse_json(raw), ref)
    alerts = await receive(request, ref, events, at)
    return {"status": "success", "events": len(events), "alerts": alerts}


@router.post("/api/v1/integrations/alertmanager/{key}", status_code=202)
async def alertmanager(key: str, request: Request) -> dict[str, Any]:
    """A Prometheus Alertmanager webhook (payload version 4); the whole batch is one
    transaction."""
    return await _receive(
        request, key, IntegrationKind.alertmanager, lambda body, _: alertmanager_events(body)
    )


@router.post("/api/v1/integrations/grafana/{key}", status_code=202)
async def grafana(key: str, request: Request) -> dict[str, Any]:
    """A Grafana alerting webhook (unified alerting, or legacy dashboard alerts)."""
    return await _receive(
        request, key, IntegrationKind.grafana, lambda body, _: grafana_events(body)
    )


@router.post("/api/v1/integrations/generic/{key}", status_code=202)
async def generic(key: str, request: Request) -> dict[str, Any]:
    """Any JSON, read through the integration's field mapping."""
    return await _receive(
        request, key, IntegrationKind.generic, lambda body, ref: generic_events(body, ref.config)
    )


@router.api_route("/api/v1/integrations/heartbeat/{key}", methods=["GET", "POST"])
def heartbeat(key: str, session: DbSession, at: Now) -> dict[str, Any]:
    """A heartbeat ping; resolves the missed-heartbeat alert if one is open."""
    ref = integ.access_integration_by_key(session=session, key=key, kind=IntegrationKind.heartbeat)
    resolved = do_ping(session=session, integration=ref, now=at)
    return {"status": "success", "received_at": at.isoformat(), "resolved": len(resolved)}


# --- alerts ----------------------------------------------------------------------------------


@router.get("/api/v1/alerts", response_model=Page[AlertOut])
def alerts(
    session: DbSession,
    actor: Viewer,
    status: Annotated[list[AlertStatus], Query()] = [],  # noqa: B006 - FastAPI copies defaults
    severity: Annotated[list[AlertSeverity], Query()] = [],  # noqa: B006
    service: str | None = None,
    asset: str | None = None,
    integration: str | None = None,
    since: datetime | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[AlertOut]:
    """Alerts, newest first, with filters; ``next_cursor`` continues the list."""
    if since is not None and since.tzinfo is None:
        raise InvalidInput("since", "must include a time zone offset")
    wanted = AlertFilter(tuple(status), tuple(severity), service, asset, integration, since)
    rows, nxt = list_alerts(session=session, wanted=wanted, cursor=cursor, limit=limit)
    return Page[AlertOut](items=[alert_out(row) for row in rows], next_cursor=nxt)


@router.get("/api/v1/alerts/{alert_id}", response_model=AlertDetail)
def alert(alert_id: int, session: DbSession, actor: Viewer) -> AlertDetail:
    return alert_detail(access_alert(session=session, alert_id=alert_id))


@router.post("/api/v1/alerts/{alert_id}/acknowledge", response_model=AlertDetail)
def acknowledge(alert_id: int, session: DbSession, actor: Responder, at: Now) -> AlertDetail:
    found = access_alert(session=session, alert_id=alert_id)
    return alert_detail(do_acknowledge(session=session, alert=found, actor=actor, now=at))


@router.post("/api/v1/alerts/{alert_id}/resolve", response_model=AlertDetail)
def resolve(alert_id: int, session: DbSession, actor: Responder, at: Now) -> AlertDetail:
    found = access_alert(session=session, alert_id=alert_id)
    return alert_detail(do_resolve(session=session, alert=found, actor=actor, now=at))
