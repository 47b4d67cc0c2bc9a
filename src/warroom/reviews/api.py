"""JSON routes for postmortems and action items."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now, Responder, Viewer
from warroom.access.service import Actor
from warroom.errors import InvalidInput, VersionConflict
from warroom.incidents.models import Incident
from warroom.incidents.service import access_incident
from warroom.reviews import actions, present, service
from warroom.reviews.rules import ActionStatus, PostmortemState
from warroom.reviews.schemas import (
    ActionItemIn,
    ActionItemOut,
    ActionItemPatch,
    PostmortemOut,
    PostmortemPatch,
    PostmortemSummary,
)

router = APIRouter(prefix="/api/v1", tags=["postmortems"])
PM = "/incidents/{ref}/postmortem"


def _etag_version(value: str | None) -> int | None:
    if not value:
        return None
    text = value.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise InvalidInput("If-Match", "must be the postmortem's version number")
    return int(text)


def _out(session: Session, incident: Incident, at: Now) -> PostmortemOut:
    found = service.access_postmortem(session=session, incident=incident)
    return present.postmortem_out(session, incident, found, at)


def _fresh_on_conflict(session: Session, ref: str, actor: Actor, at: Now) -> dict[str, object]:
    """The state that won, so the client can show it and merge."""
    session.rollback()
    incident = access_incident(session=session, ref=ref, actor=actor)
    return _out(session, incident, at).model_dump(mode="json")


@router.get(PM, response_model=PostmortemOut)
def show(ref: str, session: DbSession, actor: Viewer, at: Now) -> PostmortemOut:
    incident = access_incident(session=session, ref=ref, actor=actor)
    return _out(session, incident, at)


@router.post(PM, response_model=PostmortemOut, status_code=201)
def draft(
    ref: str,
    session: DbSession,
    actor: Responder,
    at: Now,
    response: Response,
    redraft: Annotated[bool, Query(description="Write the draft again from the timeline")] = False,
) -> PostmortemOut:
    """Draft the postmortem from the timeline and the incident's fields. Idempotent: an
    existing one is answered with 200 as it is, unless ``redraft`` (while still a draft)."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    _, created = service.do_draft(
        session=session, incident=incident, actor=actor, now=at, redraft=redraft
    )
    if not created:
        response.status_code = 200
    return _out(session, incident, at)


@router.patch(PM, response_model=PostmortemOut)
def edit(
    ref: str,
    body: PostmortemPatch,
    session: DbSession,
    actor: Responder,
    at: Now,
    if_match: Annotated[str | None, Header()] = None,
) -> PostmortemOut:
    incident = access_incident(session=session, ref=ref, actor=actor)
    found = service.access_postmortem(session=session, incident=incident)
    if body.version is None:
        body.version = _etag_version(if_match)
    try:
        service.do_edit(session=session, incident=incident, postmortem=found, actor=actor,
                        data=body, now=at)  # fmt: skip
    except VersionConflict as exc:
        exc.current = _fresh_on_conflict(session, ref, actor, at)
        raise
    return _out(session, incident, at)


def _move(
    ref: str, target: PostmortemState, session: Session, actor: Actor, at: Now, version: int | None
) -> PostmortemOut:
    incident = access_incident(session=session, ref=ref, actor=actor)
    found = service.access_postmortem(session=session, incident=incident)
    service.do_move(session=session, incident=incident, postmortem=found, actor=actor,
                    target=target, now=at, version=version)  # fmt: skip
    return _out(session, incident, at)


Version = Annotated[int | None, Query(description="The version you last saw (409 if stale)")]


@router.post(PM + "/submit", response_model=PostmortemOut)
def submit(
    ref: str, session: DbSession, actor: Responder, at: Now, version: Version = None
) -> PostmortemOut:
    """Draft → in review."""
    return _move(ref, PostmortemState.in_review, session, actor, at, version)


@router.post(PM + "/publish", response_model=PostmortemOut)
def publish(
    ref: str, session: DbSession, actor: Responder, at: Now, version: Version = None
) -> PostmortemOut:
    """In review → published; by the incident commander or a manager."""
    return _move(ref, PostmortemState.published, session, actor, at, version)


@router.post(PM + "/reopen", response_model=PostmortemOut)
def reopen(
    ref: str, session: DbSession, actor: Responder, at: Now, version: Version = None
) -> PostmortemOut:
    """Back to draft: a review sends it back, or a published one needs correcting (not once
    the incident is closed)."""
    return _move(ref, PostmortemState.draft, session, actor, at, version)


@router.get("/postmortems", response_model=list[PostmortemSummary])
def list_postmortems(
    session: DbSession,
    actor: Viewer,
    at: Now,
    state: Annotated[list[PostmortemState], Query()] = [],  # noqa: B006 - FastAPI copies query defaults
    overdue: bool | None = None,
) -> list[PostmortemSummary]:
    """Postmortems of the incidents you may see, soonest due first."""
    wanted = service.PostmortemFilter(tuple(state), overdue)
    rows = service.list_postmortems(session=session, actor=actor, wanted=wanted, now=at)
    return [present.summary_out(row, at) for row in rows]


@router.get("/incidents/{ref}/action-items", response_model=list[ActionItemOut])
def incident_actions(ref: str, session: DbSession, actor: Viewer, at: Now) -> list[ActionItemOut]:
    incident = access_incident(session=session, ref=ref, actor=actor)
    items = actions.incident_actions(session=session, incident=incident)
    return [present.action_out(i, incident, at) for i in items]


@router.post("/incidents/{ref}/action-items", response_model=ActionItemOut, status_code=201)
def add_action(
    ref: str, body: ActionItemIn, session: DbSession, actor: Responder, at: Now
) -> ActionItemOut:
    incident = access_incident(session=session, ref=ref, actor=actor)
    item = actions.do_add_action(session=session, incident=incident, actor=actor, data=body,
                                 now=at)  # fmt: skip
    return present.action_out(item, incident, at)


@router.patch("/action-items/{item_id}", response_model=ActionItemOut)
def update_action(
    item_id: int, body: ActionItemPatch, session: DbSession, actor: Responder, at: Now
) -> ActionItemOut:
    item, incident = actions.access_action(session=session, item_id=item_id, actor=actor)
    actions.do_update_action(session=session, incident=incident, item=item, actor=actor,
                             data=body, now=at)  # fmt: skip
    return present.action_out(item, incident, at)


@router.get("/action-items", response_model=list[ActionItemOut])
def list_actions(
    session: DbSession,
    actor: Viewer,
    at: Now,
    status: Annotated[list[ActionStatus], Query()] = [],  # noqa: B006 - FastAPI copies query defaults
    owner: Annotated[str | None, Query(description="The owner's email")] = None,
    overdue: bool | None = None,
    incident: Annotated[str | None, Query(description="Only this incident's, e.g. INC-7")] = None,
) -> list[ActionItemOut]:
    """Action items across the incidents you may see: late first, then by due date."""
    incident_id = None
    if incident:
        incident_id = access_incident(session=session, ref=incident, actor=actor).id
    wanted = actions.ActionFilter(tuple(status), owner, overdue, incident_id)
    rows = actions.list_actions(session=session, actor=actor, wanted=wanted, now=at)
    return [present.action_out(i, n, at) for i, n in rows]
