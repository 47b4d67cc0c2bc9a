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
from typing import Any, TypeVar

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.alerts.api import RawBody
from warroom.alerts.ingest import do_receive, do_record_change
from warroom.alerts.integrations import IntegrationRef, access_integration_by_key
from warroom.alerts.payloads import PayloadError, pagerduty_change, pagerduty_event
from warroom.alerts.rules import IntegrationKind
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


def _integration(session: Session, key: str) -> IntegrationRef:
    try:
        return access_integration_by_key(session=session, key=key, kind=IntegrationKind.pagerduty)
    except NotFound:
        body = {
            "status": "invalid event",
            "message": "Routing key is not recognised",
            "errors": ["'routing_key' does not belong to any integration"],
        }
        raise Refused(JSONResponse(body, status_code=404)) from None


@router.post("/enqueue", status_code=202, response_model=None)
def enqueue(raw: RawBody, session: DbSession, at: Now) -> dict[str, Any] | JSONResponse:
    """Trigger, acknowledge or resolve an alert (PagerDuty Events API v2)."""
    try:
        event, key = _read(raw, pagerduty_event)
        ref = _integration(session, key)
    except Refused as refused:
        return refused.response
    do_receive(session=session, integration=ref, events=[event], now=at)
    return {"status": "success", "message": "Event processed", "dedup_key": event.dedup_key}


@router.post("/change/enqueue", status_code=202, response_model=None)
def change_enqueue(raw: RawBody, session: DbSession, at: Now) -> dict[str, Any] | JSONResponse:
    """Record a change event (a deploy, a config push): never pages."""
    try:
        change, key = _read(raw, pagerduty_change)
        ref = _integration(session, key)
    except Refused as refused:
        return refused.response
    do_record_change(session=session, integration=ref, change=change, now=at)
    return {"status": "success", "message": "Change event processed"}
