"""Server-sent events that tell open pages what changed, so they refresh without reload.

A stream wakes when this process commits a change and, failing that, every
``live_poll_seconds``, so changes written by the CLI or another replica arrive too.

Most changes are timeline events. Alerts are not: ingestion writes none (a storm would bury
the timeline), so the alert pages (``?alerts=1``) and a war room (``?incident=``, for its alert
groups) also watch a small fingerprint of the alert tables, read from indexes, and get a
``change`` without an ``id`` (the timeline cursor stays put) whenever it moves.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from warroom.access.deps import require
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.alerts.models import Alert, AlertGroup
from warroom.incidents.models import TimelineEvent
from warroom.incidents.rules import format_ref, parse_ref
from warroom.incidents.visibility import Sight, sight, visible

router = APIRouter(tags=["live"])
Watch = Callable[[sessionmaker[Session]], tuple[Any, ...]]
ALERTS_FRAME = f"event: change\ndata: {json.dumps({'kind': 'alerts'})}\n\n"
ALERT_STATUSES = ("firing", "acknowledged", "resolved")


def _latest(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.max(TimelineEvent.id))) or 0


def _sight(factory: sessionmaker[Session], actor: Actor) -> Sight:
    with factory() as session:
        return sight(session, actor)


def _since(
    factory: sessionmaker[Session], after: int, incident: int | None, seen: Sight
) -> list[TimelineEvent]:
    """Events after the cursor; a restricted incident's only reach its members (membership is
    read on every poll, so someone released stops hearing of it at once)."""
    query = select(TimelineEvent).where(
        TimelineEvent.id > after, visible(seen, TimelineEvent.incident_id)
    )
    if incident is not None:
        query = query.where(TimelineEvent.incident_id == incident)
    with factory() as session:
        return list(session.scalars(query.order_by(TimelineEvent.id).limit(200)))


def _frame(event: TimelineEvent) -> str:
    data = {"id": event.id, "incident": format_ref(event.incident_id), "kind": event.kind}
    return f"id: {event.id}\nevent: change\ndata: {json.dumps(data)}\n\n"


def _alert_board(factory: sessionmaker[Session]) -> tuple[Any, ...]:
    """New alerts, repeats and status changes, and group growth: each part one index lookup
    (the newest ``last_seen`` per status uses the (status, last_seen) index; the open counts
    move on an acknowledgement or resolve, which leaves ``last_seen`` alone)."""
    parts = [select(func.max(Alert.id)).scalar_subquery()]
    for status in ALERT_STATUSES:
        parts.append(
            select(func.max(Alert.last_seen)).where(Alert.status == status).scalar_subquery()
        )
    for status in ALERT_STATUSES[:2]:
        parts.append(select(func.count()).where(Alert.status == status).scalar_subquery())
    parts.append(select(func.max(AlertGroup.last_seen)).scalar_subquery())
    with factory() as session:
        return tuple(session.execute(select(*parts)).one())


def _incident_groups(incident: int) -> Watch:
    def mark(factory: sessionmaker[Session]) -> tuple[Any, ...]:
        query = select(
            func.count(), func.max(AlertGroup.last_seen), func.sum(AlertGroup.alert_count)
        ).where(AlertGroup.incident_id == incident)
        with factory() as session:
            return tuple(session.execute(query).one())

    return mark


async def _stream(
    request: Request, incident: int | None, after: int, watch: Watch | None, actor: Actor
) -> AsyncIterator[str]:
    state = request.app.state
    seen = await asyncio.to_thread(_sight, state.sessions, actor)
    yield "retry: 2000\n\n"
    mark = await asyncio.to_thread(watch, state.sessions) if watch else None
    while not await request.is_disconnected():
        rows = await asyncio.to_thread(_since, state.sessions, after, incident, seen)
        # Another incident's events still move the cursor, so they are not read again.
        if rows:
            after = rows[-1].id
        for row in rows:
            yield _frame(row)
        moved = False
        if watch is not None:
            now_mark = await asyncio.to_thread(watch, state.sessions)
            moved, mark = now_mark != mark, now_mark
        if moved:
            yield ALERTS_FRAME
        elif not rows:
            yield ": keep-alive\n\n"
        await state.dispatcher.changes.wait(state.settings.live_poll_seconds)


@router.get("/live/stream")
async def stream(
    request: Request,
    actor: Annotated[Actor, Depends(require(Role.viewer))],
    incident: Annotated[str | None, Query()] = None,
    alerts: Annotated[bool, Query(description="Also report alert and group changes")] = False,
) -> StreamingResponse:
    number = parse_ref(incident) if incident else None
    watch = _incident_groups(number) if number is not None else None
    watch = _alert_board if alerts else watch
    last = request.headers.get("last-event-id", "")
    after = (
        int(last)
        if last.isdigit()
        else await asyncio.to_thread(_latest, request.app.state.sessions)
    )
    return StreamingResponse(
        _stream(request, number, after, watch, actor),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
