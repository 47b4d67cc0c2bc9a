"""What every inbound webhook route does around its own payload parsing: find the integration
by its routing key without blocking the event loop, and hand the events to the process's
``Intake`` (group commit), answering once they are committed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from warroom.alerts.intake import Intake
from warroom.alerts.integrations import IntegrationRef, access_integration_by_key, cached
from warroom.alerts.rules import IncomingEvent, IntegrationKind
from warroom.db import transaction


async def integration_for(request: Request, key: str, kind: IntegrationKind) -> IntegrationRef:
    """The enabled integration of ``kind`` holding ``key``, or ``NotFound``. Known keys are
    answered from the process's cache; only a miss goes to the database (off the loop)."""
    ref = cached(key, kind)
    if ref is not None:
        return ref
    return await run_in_threadpool(_lookup, request, key, kind)


def _lookup(request: Request, key: str, kind: IntegrationKind) -> IntegrationRef:
    with transaction(request.app.state.sessions) as session:
        return access_integration_by_key(session=session, key=key, kind=kind)


def received_at(request: Request) -> datetime:
    now: datetime = request.app.state.clock()
    return now


async def receive(
    request: Request, ref: IntegrationRef, events: Sequence[IncomingEvent], now: datetime
) -> list[int]:
    """Ingest and correlate ``events``; the ids of the alerts they touched, once committed."""
    intake: Intake = request.app.state.intake
    return await intake.receive(ref, events, now)
