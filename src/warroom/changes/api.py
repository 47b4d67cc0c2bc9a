"""JSON routes for changes: the calendar's changes, their conflicts, approvals, holds, and the
gate (a start with unresolved conflicts answers 409 unless it carries an override)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from warroom.access.deps import DbSession, Now, Responder, Viewer
from warroom.changes import deploys, lifecycle, present, save, service
from warroom.changes.conflicts import evaluate
from warroom.changes.lifecycle import conflict_json
from warroom.changes.rules import ChangeState, ChangeType
from warroom.changes.schemas import (
    ApprovalIn,
    BlockedOut,
    ChangeCreate,
    ChangeDetail,
    ChangeEventIn,
    ChangeOut,
    ChangeUpdate,
    ConflictOut,
    HoldIn,
)
from warroom.errors import InvalidInput

router = APIRouter(prefix="/api/v1", tags=["changes"])
BLOCKED: dict[int | str, dict[str, Any]] = {
    409: {"model": BlockedOut, "description": "Unresolved conflicts, or a stale version"}
}


def base_url(request: Request) -> str:
    return str(request.app.state.settings.base_url)


@router.get("/changes", response_model=list[ChangeOut])
def list_changes(
    request: Request,
    session: DbSession,
    actor: Viewer,
    at: Now,
    state: Annotated[list[ChangeState], Query()] = [],  # noqa: B006 - FastAPI reads it, never mutates
    type: Annotated[list[ChangeType], Query()] = [],  # noqa: B006 - the field's name
    since: datetime | None = None,
    until: datetime | None = None,
    service_name: Annotated[str | None, Query(alias="service")] = None,
    limit: Annotated[int, Query(ge=1, le=2000)] = 500,
) -> list[ChangeOut]:
    """By planned start; ``since``/``until`` keep the changes whose window overlaps."""
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise InvalidInput(name, "must include a time zone offset")
    wanted = service.ChangeFilter(
        tuple(s.value for s in state),
        tuple(t.value for t in type),
        since,
        until,
        service_name,
        limit,
    )
    rows = service.list_changes(session=session, wanted=wanted)
    return present.changes_out(session, rows, at, base_url(request))


@router.post("/changes", status_code=201, response_model=ChangeDetail)
def create_change(
    request: Request, body: ChangeCreate, session: DbSession, actor: Responder, at: Now
) -> ChangeDetail:
    change = save.do_new_change(session=session, actor=actor, data=body, now=at, source="api")
    return present.change_detail(session, change, at, base_url(request))


@router.post("/change-events", status_code=201, response_model=ChangeDetail)
def record_change_event(
    request: Request, body: ChangeEventIn, session: DbSession, actor: Responder, at: Now
) -> ChangeDetail:
    """A change a deploy tool made, recorded as a completed standard change (PagerDuty senders
    can post change events to ``/v2/change/enqueue`` instead)."""
    deploy = deploys.deploy_of_api(
        session=session,
        title=body.summary,
        at=body.occurred_at or at,
        services=body.services,
        assets=body.assets,
        links=list(body.links),
        details=body.details,
        external_id=body.external_id,
    )
    change = deploys.do_record_deploy(session=session, deploy=deploy, now=at)
    return present.change_detail(session, change, at, base_url(request))


@router.get("/changes/{ref}", response_model=ChangeDetail)
def show_change(
    request: Request, ref: str, session: DbSession, actor: Viewer, at: Now
) -> ChangeDetail:
    change = service.access_change(session=session, ref=ref)
    return present.change_detail(session, change, at, base_url(request))


@router.patch("/changes/{ref}", response_model=ChangeDetail, responses=BLOCKED)
def update_change(
    request: Request, ref: str, body: ChangeUpdate, session: DbSession, actor: Responder, at: Now
) -> ChangeDetail:
    """Edit fields and move the state. ``{"state": "in_progress"}`` passes the gate: with
    unresolved conflicts it answers 409 and lists them, unless ``override_reason`` says why
    to go ahead (recorded with who decided)."""
    change = service.access_change(session=session, ref=ref)
    save.do_patch_change(
        session=session, change=change, actor=actor, data=body, now=at, base_url=base_url(request)
    )
    return present.change_detail(session, change, at, base_url(request))


@router.get("/changes/{ref}/conflicts", response_model=list[ConflictOut])
def change_conflicts(ref: str, session: DbSession, actor: Viewer, at: Now) -> list[ConflictOut]:
    """Evaluated now, worst first."""
    change = service.access_change(session=session, ref=ref)
    found = evaluate(session=session, changes=[change], now=at)[change.id]
    return [ConflictOut.model_validate(conflict_json(c)) for c in found]


@router.post("/changes/{ref}/approvals", response_model=ChangeDetail)
def decide(
    request: Request, ref: str, body: ApprovalIn, session: DbSession, actor: Responder, at: Now
) -> ChangeDetail:
    """The change authority (or a manager) approves or rejects a submitted change."""
    change = service.access_change(session=session, ref=ref)
    lifecycle.do_decide(
        session=session,
        change=change,
        actor=actor,
        approve=body.decision == "approved",
        comment=body.comment,
        now=at,
    )
    return present.change_detail(session, change, at, base_url(request))


@router.post("/changes/{ref}/hold", response_model=ChangeDetail)
def hold(
    request: Request, ref: str, body: HoldIn, session: DbSession, actor: Responder, at: Now
) -> ChangeDetail:
    """Put the change on hold (the incident commander, the change authority or a manager);
    recorded on the change's timeline and on the incident's."""
    change = service.access_change(session=session, ref=ref)
    incident = service.check_incident_ref(session, body.incident, actor)
    lifecycle.do_hold(
        session=session,
        change=change,
        actor=actor,
        reason=body.reason,
        now=at,
        incident=incident,
        base_url=base_url(request),
    )
    return present.change_detail(session, change, at, base_url(request))


@router.post("/changes/{ref}/release", response_model=ChangeDetail)
def release(
    request: Request, ref: str, body: HoldIn, session: DbSession, actor: Responder, at: Now
) -> ChangeDetail:
    change = service.access_change(session=session, ref=ref)
    lifecycle.do_release(session=session, change=change, actor=actor, reason=body.reason, now=at)
    return present.change_detail(session, change, at, base_url(request))


def routers() -> list[APIRouter]:
    from warroom.changes import feed_api, incident_api, windows_api

    return [router, windows_api.router, incident_api.router, feed_api.router]
