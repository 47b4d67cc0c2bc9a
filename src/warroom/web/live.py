"""Server-sent events that tell open pages what changed, so they refresh without reload.

A stream wakes when this process commits a change and, failing that, every
``live_poll_seconds``, so changes written by the CLI or another replica arrive too.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from warroom.access.deps import require
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.incidents.models import TimelineEvent
from warroom.incidents.rules import format_ref, parse_ref

router = APIRouter(tags=["live"])


def _latest(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.max(TimelineEvent.id))) or 0


def _since(factory: sessionmaker[Session], after: int, incident: int | None) -> list[TimelineEvent]:
    query = select(TimelineEvent).where(TimelineEvent.id > after)
    if incident is not None:
        query = query.where(TimelineEvent.incident_id == incident)
    with factory() as session:
        return list(session.scalars(query.order_by(TimelineEvent.id).limit(200)))


def _frame(event: TimelineEvent) -> str:
    data = {"id": event.id, "incident": format_ref(event.incident_id), "kind": event.kind}
    return f"id: {event.id}\nevent: change\ndata: {json.dumps(data)}\n\n"


async def _stream(request: Request, incident: int | None, after: int) -> AsyncIterator[str]:
    state = request.app.state
    yield "retry: 2000\n\n"
    while not await request.is_disconnected():
        rows = await asyncio.to_thread(_since, state.sessions, after, incident)
        # Another incident's events still move the cursor, so they are not read again.
        if rows:
            after = rows[-1].id
        for row in rows:
            yield _frame(row)
        if not rows:
            yield ": keep-alive\n\n"
        await state.dispatcher.changes.wait(state.settings.live_poll_seconds)


@router.get("/live/stream")
async def stream(
    request: Request,
    actor: Annotated[Actor, Depends(require(Role.viewer))],
    incident: Annotated[str | None, Query()] = None,
) -> StreamingResponse:
    number = parse_ref(incident) if incident else None
    last = request.headers.get("last-event-id", "")
    after = (
        int(last)
        if last.isdigit()
        else await asyncio.to_thread(_latest, request.app.state.sessions)
    )
    return StreamingResponse(
        _stream(request, number, after),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
