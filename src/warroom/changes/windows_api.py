"""JSON routes for the calendar's windows: freezes (no changes) and maintenance windows (when
changes should happen, and alerts from their scope are expected), each possibly repeating."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from warroom.access.deps import DbSession, Now, Responder, Viewer
from warroom.changes import windows
from warroom.changes.schemas import WindowIn, WindowOut

router = APIRouter(prefix="/api/v1", tags=["windows"])


@router.get("/windows", response_model=list[WindowOut])
def list_windows(
    session: DbSession,
    actor: Viewer,
    at: Now,
    kind: Literal["freeze", "maintenance"] | None = None,
    past: Annotated[bool, Query(description="Include windows that have ended")] = False,
) -> list[WindowOut]:
    rows = windows.list_windows(session=session, now=at, kind=kind, include_past=past)
    return [windows.window_out(w, at) for w in rows]


@router.post("/windows", status_code=201, response_model=WindowOut)
def create_window(body: WindowIn, session: DbSession, actor: Responder, at: Now) -> WindowOut:
    """A freeze or a maintenance window (managers); ``rrule`` repeats it (RFC 5545)."""
    windows.check_may_edit(actor, body.kind)
    window = windows.do_create_window(session=session, actor=actor, data=body, now=at)
    return windows.window_out(window, at)


@router.get("/windows/{window_id}", response_model=WindowOut)
def show_window(window_id: int, session: DbSession, actor: Viewer, at: Now) -> WindowOut:
    return windows.window_out(windows.access_window(session=session, window_id=window_id), at)


@router.delete("/windows/{window_id}", status_code=204, response_class=Response)
def delete_window(window_id: int, session: DbSession, actor: Responder, at: Now) -> Response:
    window = windows.access_window(session=session, window_id=window_id)
    windows.check_may_edit(actor, window.kind)
    windows.do_delete_window(session=session, window=window, now=at)
    return Response(status_code=204)
