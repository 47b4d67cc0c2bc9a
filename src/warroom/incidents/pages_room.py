"""The war room of one incident: everything about it on one page, and the forms that change it.

Every form posts here and is answered with a redirect back to the room (PRG). When a service
refuses (a stale version, an illegal transition, an unknown person) the transaction is rolled
back and the room is shown again with the refusal next to the form that caused it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, NoReturn

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.deps import now as clock_now
from warroom.access.pages import PageResponder, PageViewer
from warroom.access.rules import Role
from warroom.access.service import Actor, list_people
from warroom.errors import InvalidInput, WarroomError
from warroom.incidents import people, timeline
from warroom.incidents.models import Incident
from warroom.incidents.rules import (
    ALLOWED_TRANSITIONS,
    IncidentRole,
    Severity,
    Status,
    TaskStatus,
    format_ref,
)
from warroom.incidents.schemas import IncidentUpdate, NoteCreate
from warroom.incidents.service import (
    access_incident,
    active_roles,
    check_person,
    participants,
)
from warroom.incidents.service import tasks as load_tasks
from warroom.incidents.service import timeline as load_timeline
from warroom.incidents.update import do_update
from warroom.settings import Settings
from warroom.web.csrf import check_csrf
from warroom.web.render import (
    PageRoute,
    flash,
    form_errors,
    label,
    parse_local,
    render,
    see_other,
)

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
Change = Callable[[Incident], str]


@dataclass(frozen=True)
class PanelContext:
    """Who is looking and when: panels apply rules that take ``now`` (the test clock, too)
    and offer buttons only to those allowed to press them."""

    actor: Actor
    now: datetime
    settings: Settings | None = None  # the server's, for panels with a configured rule
    state: object | None = None  # the app's state, for panels using a process-wide service


# Panels that domains above incidents add to the room (alert groups, say). ``web.pages``
# registers them, so this domain never imports theirs. A panel returns its context, with the
# ``template`` to include, or nothing when it has nothing to show for this incident.
RoomPanel = Callable[[Session, Incident, PanelContext], dict[str, Any]]
ROOM_PANELS: dict[str, RoomPanel] = {}


def _panels(session: Session, incident: Incident, view: PanelContext) -> list[dict[str, Any]]:
    return [p for p in (make(session, incident, view) for make in ROOM_PANELS.values()) if p]


def _room_context(
    session: Session,
    incident: Incident,
    actor: Actor,
    at: datetime,
    settings: Settings | None = None,
    state: object | None = None,
) -> dict[str, Any]:
    roles = active_roles(session=session, incident=incident)
    commander = next((r for r in roles if r.role == IncidentRole.commander), None)
    current = Status(incident.status)
    return {
        "actor": actor,
        "incident": incident,
        "ref": format_ref(incident.id),
        "roles": roles,
        "commander": commander,
        "participants": participants(session=session, incident=incident),
        "tasks": load_tasks(session=session, incident=incident),
        "events": load_timeline(session=session, incident=incident),
        "people": list_people(session=session),
        "next_statuses": [s for s in Status if s in ALLOWED_TRANSITIONS[current]],
        "severities": list(Severity),
        "incident_roles": list(IncidentRole),
        "task_statuses": list(TaskStatus),
        "can_edit": actor.allows(Role.responder),
        "can_release": actor.allows(Role.manager)
        or (commander is not None and commander.person_id == actor.person_id),
        "panels": _panels(session, incident, PanelContext(actor, at, settings, state)),
        "stream": f"/live/stream?incident={format_ref(incident.id)}",
        "page_url": f"/incidents/{format_ref(incident.id)}",
        "nav": "incidents",
    }


def _room(
    request: Request,
    session: Session,
    actor: Actor,
    ref: str,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    incident = access_incident(session=session, ref=ref, actor=actor)
    # The clock the ``Now`` dependency reads: the forms' handlers already hold theirs.
    settings = request.app.state.settings
    context = _room_context(
        session, incident, actor, clock_now(request), settings, request.app.state
    )
    context |= extra or {}
    return render(request, "room.html", context, status)


def act(
    request: Request,
    session: Session,
    actor: Actor,
    ref: str,
    form: str,
    change: Change,
    values: dict[str, Any] | None = None,
) -> Response:
    """Run one change; on success flash what happened and go back to the form's section."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    try:
        done = change(incident)
        session.flush()
    except (ValidationError, WarroomError) as exc:
        # Roll back before answering: the request's transaction would otherwise commit
        # whatever the service flushed before it refused.
        session.rollback()
        status = exc.status if isinstance(exc, WarroomError) else 422
        message = "; ".join(
            text if field == "form" else f"{label(field)}: {text}"
            for field, text in form_errors(exc).items()
        )
        extra = {"errors": {form: message}, "values": {form: values or {}}}
        return _room(request, session, actor, ref, extra, status)
    flash(request, done)
    return see_other(f"/incidents/{format_ref(incident.id)}#{form}")


@router.get("/incidents/{ref}")
def room(ref: str, request: Request, session: DbSession, actor: PageViewer) -> Response:
    return _room(request, session, actor, ref)


Version = Annotated[int | None, Form()]


@router.post("/incidents/{ref}/status")
def change_status(
    ref: str,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    status: Annotated[str, Form()] = "",
    version: Version = None,
    message: Annotated[str, Form()] = "",
) -> Response:
    def change(incident: Incident) -> str:
        if status not in Status.__members__:
            _refuse("status", "choose the next status")
        data = IncidentUpdate(status=status, version=version, message=message or None)
        do_update(session=session, incident=incident, actor=actor, data=data, now=at)
        return f"Status is now {incident.status}."

    values = {"status": status, "message": message}
    return act(request, session, actor, ref, "status", change, values)


@router.post("/incidents/{ref}/severity")
def change_severity(
    ref: str,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    severity: Annotated[str, Form()] = "",
    version: Version = None,
    message: Annotated[str, Form()] = "",
) -> Response:
    def change(incident: Incident) -> str:
        if severity not in Severity.__members__:
            _refuse("severity", "choose a severity")
        data = IncidentUpdate(severity=severity, version=version, message=message or None)
        do_update(session=session, incident=incident, actor=actor, data=data, now=at)
        return f"Severity is now {incident.severity}."

    values = {"severity": severity, "message": message}
    return act(request, session, actor, ref, "severity", change, values)


@router.post("/incidents/{ref}/restriction")
def change_restriction(
    ref: str,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    restricted: Annotated[str, Form()] = "",
    version: Version = None,
    message: Annotated[str, Form()] = "",
) -> Response:
    def change(incident: Incident) -> str:
        wanted = {"true": True, "false": False}.get(restricted)
        if wanted is None:
            _refuse("restricted", "choose to restrict it or to lift the restriction")
        data = IncidentUpdate(restricted=wanted, version=version, message=message or None)
        do_update(session=session, incident=incident, actor=actor, data=data, now=at)
        return "Restricted." if incident.restricted else "The restriction is lifted."

    values = {"restricted": restricted, "message": message}
    return act(request, session, actor, ref, "restricted", change, values)


@router.post("/incidents/{ref}/notes")
def add_note(
    ref: str,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    text: Annotated[str, Form()] = "",
    occurred_at: Annotated[str, Form()] = "",
) -> Response:
    def change(incident: Incident) -> str:
        when = parse_local(occurred_at, actor.timezone, "occurred_at")
        note = NoteCreate(text=text, occurred_at=when)
        timeline.do_add_note(
            session=session,
            incident=incident,
            actor=actor,
            text=note.text,
            now=at,
            occurred_at=note.occurred_at,
        )
        return "Note added to the timeline."

    values = {"text": text, "occurred_at": occurred_at}
    return act(request, session, actor, ref, "note", change, values)


@router.post("/incidents/{ref}/roles")
def assign_role(
    ref: str,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    role: Annotated[str, Form()] = "",
    person: Annotated[str, Form()] = "",
) -> Response:
    def change(incident: Incident) -> str:
        if role not in IncidentRole.__members__:
            _refuse("role", "choose a role")
        who = check_person(session=session, email=person, field="person")
        people.do_assign_role(
            session=session,
            incident=incident,
            actor=actor,
            role=IncidentRole(role),
            person=who,
            now=at,
        )
        return f"{who.name} is {IncidentRole(role).label.lower()}."

    return act(request, session, actor, ref, "roles", change, {"role": role, "person": person})


@router.post("/incidents/{ref}/roles/{assignment_id}/unassign")
def unassign_role(
    ref: str,
    assignment_id: int,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
) -> Response:
    def change(incident: Incident) -> str:
        row = people.do_unassign_role(
            session=session, incident=incident, actor=actor, assignment_id=assignment_id, now=at
        )
        return f"{row.person.name} no longer holds that role."

    return act(request, session, actor, ref, "roles", change)


@router.post("/incidents/{ref}/participants")
def add_participant(
    ref: str,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    person: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    def change(incident: Incident) -> str:
        who = check_person(session=session, email=person, field="person")
        if not reason.strip():
            _refuse("reason", "say why they are needed")
        people.do_join(
            session=session, incident=incident, actor=actor, person=who, reason=reason, now=at
        )
        return f"{who.name} joined."

    values = {"person": person, "reason": reason}
    return act(request, session, actor, ref, "participants", change, values)


@router.post("/incidents/{ref}/participants/{participant_id}/release")
def release_participant(
    ref: str,
    participant_id: int,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
) -> Response:
    def change(incident: Incident) -> str:
        row = people.do_release(
            session=session, incident=incident, actor=actor, participant_id=participant_id, now=at
        )
        return f"{row.person.name} released: you're clear."

    return act(request, session, actor, ref, "participants", change)


def _refuse(field: str, detail: str) -> NoReturn:
    raise InvalidInput(field, detail)
