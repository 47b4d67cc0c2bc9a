"""JSON routes for incidents, their timeline, roles, participants and tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import PlainTextResponse

from warroom.access.deps import DbSession, Now, Responder, Viewer
from warroom.access.service import check_timezone
from warroom.errors import InvalidInput, VersionConflict
from warroom.incidents import people, present, tasks, timeline
from warroom.incidents.declare import do_declare
from warroom.incidents.rules import Kind, Severity, Status
from warroom.incidents.schemas import (
    ApplyTemplate,
    IncidentCreate,
    IncidentDetail,
    IncidentOut,
    IncidentUpdate,
    NoteCreate,
    Page,
    ParticipantAdd,
    ParticipantOut,
    RoleAssign,
    RoleOut,
    TaskCreate,
    TaskOut,
    TaskUpdate,
    TimelineEventOut,
)
from warroom.incidents.service import (
    IncidentFilter,
    access_incident,
    check_person,
    list_incidents,
)
from warroom.incidents.service import timeline as load_timeline
from warroom.incidents.update import do_update

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])
STATUS_WORDS = {s.value for s in Status} | {"active"}


def _statuses(values: list[str]) -> tuple[str, ...]:
    for value in values:
        if value not in STATUS_WORDS:
            raise InvalidInput("status", f"unknown status {value!r}")
    return tuple(values)


@router.post("", status_code=201, response_model=IncidentDetail)
def declare(
    body: IncidentCreate, session: DbSession, actor: Responder, at: Now, response: Response
) -> IncidentDetail:
    incident = do_declare(session=session, actor=actor, data=body, now=at)
    detail = present.incident_detail(session, incident)
    response.headers["Location"] = f"/api/v1/incidents/{detail.ref}"
    return detail


@router.get("", response_model=Page[IncidentOut])
def list_(
    session: DbSession,
    actor: Viewer,
    status: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies query defaults
    severity: Annotated[list[Severity], Query()] = [],  # noqa: B006
    kind: Kind | None = None,
    service: str | None = None,
    since: datetime | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[IncidentOut]:
    if since is not None and since.tzinfo is None:
        raise InvalidInput("since", "must include a time zone offset")
    wanted = IncidentFilter(_statuses(status), tuple(severity), kind, service, since)
    rows, nxt = list_incidents(
        session=session, actor=actor, wanted=wanted, cursor=cursor, limit=limit
    )
    return Page[IncidentOut](items=present.incident_outs(session, rows), next_cursor=nxt)


@router.get("/{ref}", response_model=IncidentDetail)
def show(ref: str, session: DbSession, actor: Viewer) -> IncidentDetail:
    incident = access_incident(session=session, ref=ref, actor=actor)
    return present.incident_detail(session, incident)


@router.patch("/{ref}", response_model=IncidentDetail)
def update(
    ref: str,
    body: IncidentUpdate,
    session: DbSession,
    actor: Responder,
    at: Now,
    if_match: Annotated[str | None, Header()] = None,
) -> IncidentDetail:
    incident = access_incident(session=session, ref=ref, actor=actor)
    if body.version is None and if_match:
        body.version = _etag_version(if_match)
    try:
        do_update(session=session, incident=incident, actor=actor, data=body, now=at)
    except VersionConflict as exc:
        # Answer with the state that won, so the client can show it and merge.
        session.rollback()
        fresh = access_incident(session=session, ref=ref, actor=actor)
        exc.current = present.incident_detail(session, fresh).model_dump(mode="json")
        raise
    return present.incident_detail(session, incident)


def _etag_version(value: str) -> int:
    text = value.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise InvalidInput("If-Match", "must be the incident's version number")
    return int(text)


@router.get("/{ref}/timeline", response_model=list[TimelineEventOut])
def get_timeline(ref: str, session: DbSession, actor: Viewer) -> list[TimelineEventOut]:
    incident = access_incident(session=session, ref=ref, actor=actor)
    return [present.event_out(e) for e in load_timeline(session=session, incident=incident)]


@router.post("/{ref}/timeline", status_code=201, response_model=TimelineEventOut)
def add_note(
    ref: str, body: NoteCreate, session: DbSession, actor: Responder, at: Now
) -> TimelineEventOut:
    incident = access_incident(session=session, ref=ref, actor=actor)
    event = timeline.do_add_note(
        session=session,
        incident=incident,
        actor=actor,
        text=body.text,
        now=at,
        occurred_at=body.occurred_at,
    )
    session.flush()
    return present.event_out(event)


@router.get("/{ref}/timeline.md", response_class=PlainTextResponse)
def export_timeline(ref: str, session: DbSession, actor: Viewer, tz: str | None = None) -> Response:
    incident = access_incident(session=session, ref=ref, actor=actor)
    zone = ZoneInfo(check_timezone(tz or actor.timezone))
    text = timeline.export_markdown(
        incident, load_timeline(session=session, incident=incident), zone
    )
    return Response(text, media_type="text/markdown; charset=utf-8")


@router.post("/{ref}/roles", status_code=201, response_model=RoleOut)
def assign_role(
    ref: str, body: RoleAssign, session: DbSession, actor: Responder, at: Now
) -> RoleOut:
    incident = access_incident(session=session, ref=ref, actor=actor)
    person = check_person(session=session, email=body.person, field="person")
    row = people.do_assign_role(
        session=session, incident=incident, actor=actor, role=body.role, person=person, now=at
    )
    session.flush()
    return present.role_out(row)


@router.delete("/{ref}/roles/{assignment_id}", status_code=204)
def unassign_role(
    ref: str, assignment_id: int, session: DbSession, actor: Responder, at: Now
) -> Response:
    incident = access_incident(session=session, ref=ref, actor=actor)
    people.do_unassign_role(
        session=session, incident=incident, actor=actor, assignment_id=assignment_id, now=at
    )
    return Response(status_code=204)


@router.post("/{ref}/participants", status_code=201, response_model=ParticipantOut)
def join(
    ref: str, body: ParticipantAdd, session: DbSession, actor: Responder, at: Now
) -> ParticipantOut:
    incident = access_incident(session=session, ref=ref, actor=actor)
    person = check_person(session=session, email=body.person, field="person")
    row = people.do_join(
        session=session, incident=incident, actor=actor, person=person, reason=body.reason, now=at
    )
    session.flush()
    return present.participant_out(row)


@router.post("/{ref}/participants/{participant_id}/release", response_model=ParticipantOut)
def release(
    ref: str, participant_id: int, session: DbSession, actor: Responder, at: Now
) -> ParticipantOut:
    incident = access_incident(session=session, ref=ref, actor=actor)
    row = people.do_release(
        session=session, incident=incident, actor=actor, participant_id=participant_id, now=at
    )
    return present.participant_out(row)


@router.post("/{ref}/tasks", status_code=201, response_model=TaskOut)
def add_task(ref: str, body: TaskCreate, session: DbSession, actor: Responder, at: Now) -> TaskOut:
    incident = access_incident(session=session, ref=ref, actor=actor)
    return present.task_out(
        tasks.do_add_task(session=session, incident=incident, actor=actor, data=body, now=at)
    )


@router.patch("/{ref}/tasks/{task_id}", response_model=TaskOut)
def update_task(
    ref: str, task_id: int, body: TaskUpdate, session: DbSession, actor: Responder, at: Now
) -> TaskOut:
    incident = access_incident(session=session, ref=ref, actor=actor)
    task = tasks.access_task(session=session, incident=incident, task_id=task_id)
    tasks.do_update_task(
        session=session, incident=incident, actor=actor, task=task, data=body, now=at
    )
    session.flush()
    return present.task_out(task)


@router.post("/{ref}/tasks/from-template", status_code=201, response_model=list[TaskOut])
def apply_template(
    ref: str, body: ApplyTemplate, session: DbSession, actor: Responder, at: Now
) -> list[TaskOut]:
    incident = access_incident(session=session, ref=ref, actor=actor)
    template = tasks.access_template(session=session, template_id=body.template_id)
    rows = tasks.do_apply_template(
        session=session, incident=incident, actor=actor, template=template, now=at
    )
    session.flush()
    return [present.task_out(t) for t in rows]
