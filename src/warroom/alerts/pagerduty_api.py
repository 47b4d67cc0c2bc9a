"""PagerDuty Events API v2, answered as PagerDuty answers, so anything that sends to
PagerDuty can send here by changing only its base URL.

``POST /v2/enqueue``: 202 ``{"status":"success","message":"Event processed","dedup_key":…}``;
400 ``{"status":"invalid event","message":…,"errors":[…]}`` for malformed JSON and invalid
events; 404 for a routing key no PagerDuty-kind integration holds.
``POST /v2/change/enqueue``: change events, recorded for the change calendar, never paged on.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from warroom.alerts.inbound import integration_for, receive, received_at
from warroom.alerts.ingest import do_record_change
from warroom.alerts.integrations import IntegrationRef
from warroom.alerts.payloads import IncomingChange, PayloadError, pagerduty_change, pagerduty_event
from warroom.alerts.rules import IntegrationKind
from warroom.db import transaction
from warroom.errors import NotFound

router = APIRouter(prefix="/v2", tags=["pagerduty"])
KEY_LENGTH = 32
T = TypeVar("T")


class Refused(Exception):
    def __init__(self, response: JSONResponse) -> None:
        self.response = response


def _invalid(message: str, errors: list[str]) -> Refused:
    body = {"status": "invalid event", "message": message, "errors": errors}
    return Refused(JSONResponse(body, status_code=400))


def _read(raw: bytes, parse: Callable[[object], T]) -> tuple[T, str]:
    """The parsed event and its routing key, or a PagerDuty-shaped refusal."""
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise _invalid("Event object is invalid", [f"Malformed JSON: {exc}"]) from None
    key = body.get("routing_key") if isinstance(body, dict) else None
    problems = [] if isinstance(key, str) and len(key) == KEY_LENGTH else [_key_problem(key)]
    try:
        parsed = parse(body)
    except PayloadError as exc:
        problems += [f"'{e.field}' {e.detail}" for e in exc.errors]
    if problems:
        raise _invalid("Event object is invalid", problems)
    return parsed, str(key)


def _key_problem(key: object) -> str:
    if not key:
        return "'routing_key' is missing or blank"
    return f"Length of 'routing_key' is incorrect (should be {KEY_LENGTH} characters)"


async def _integration(request: Request, key: str) -> IntegrationRef:
    try:
        return await integration_for(request, key, IntegrationKind.pagerduty)
    except NotFound:
        body = {
            "status": "invalid event",
            "message": "Routing key is not recognised",
            "errors": ["'routing_key' does not belong to any integration"],
        }
        raise Refused(JSONResponse(body, status_code=404)) from None


@router.post("/enqueue", status_code=202, response_model=None)
async def enqueue(request: Request) -> dict[str, Any] | JSONResponse:
    """Trigger, acknowledge or resolve an alert (PagerDuty Events API v2)."""
    at = received_at(request)
    try:
        event, key = _read(await request.body(), pagerduty_event)
        ref = await _integration(request, key)
    except Refused as refused:
        return refused.response
    await receive(request, ref, [event], at)
    return {"status": "success", "message": "Event processed", "dedup_key": event.dedup_key}


@router.post("/change/enqueue", status_code=202, response_model=None)
async def change_enqueue(request: Request) -> dict[str, Any] | JSONResponse:
    """Record a change event (a deploy, a config push): never pages."""
    at = received_at(request)
    try:
        change, key = _read(await request.body(), pagerduty_change)
        ref = await _integration(request, key)
    except Refused as refused:
        return refused.response
    await run_in_threadpool(_record_change, request, ref, change, at)
    return {"status": "success", "message": "Change event processed"}


def _record_change(
    request: Request, ref: IntegrationRef, change: IncomingChange, at: datetime
) -> None:
    with transaction(request.app.state.sessions) as session:
        do_record_change(session=session, integration=ref, change=change, now=at)
