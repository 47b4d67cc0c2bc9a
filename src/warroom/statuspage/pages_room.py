"""The war room's "Status page" panel: the public incidents telling customers about this
incident, each update marked draft or published, a form to open one (filled in from the
incident: its title, an impact suggested by its severity, the components of its services), a
form to post the next update, and Approve on the drafts the viewer may publish."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageResponder
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.errors import NotFound, WarroomError
from warroom.incidents.models import Incident
from warroom.incidents.pages_room import PanelContext
from warroom.incidents.rules import format_ref
from warroom.incidents.service import access_incident
from warroom.statuspage import manage, publishing
from warroom.statuspage.components import list_components
from warroom.statuspage.models import PublicIncident, PublicUpdate
from warroom.statuspage.rules import (
    IMPACT_TO_STATUS,
    SEVERITY_TO_IMPACT,
    ComponentStatus,
    Impact,
    IncidentStatus,
    MaintenanceStatus,
    is_open,
)
from warroom.statuspage.schemas import PublicIncidentIn, UpdateIn
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, form_errors, label, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
ANCHOR = "status-page"
# Maintenance is announced ahead from the calendar, not opened from an incident's room.
ROOM_IMPACTS = [Impact.none, Impact.minor, Impact.major, Impact.critical]
FormText = Annotated[str, Form()]
FormList = Annotated[list[str], Form()]


@dataclass(frozen=True)
class UpdateRow:
    update: PublicUpdate
    can_approve: bool


@dataclass(frozen=True)
class PublicRow:
    public: PublicIncident
    updates: list[UpdateRow]
    statuses: list[str]  # what its next update may say

    @property
    def component_codes(self) -> set[str]:
        return {c.code for c in self.public.components}


def _statuses(public: PublicIncident) -> list[str]:
    words = IncidentStatus if public.kind == "incident" else MaintenanceStatus
    if public.published_at is not None and not is_open(public.status):
        return [IncidentStatus.postmortem.value] if public.kind == "incident" else []
    return [w.value for w in words]


def _row(session: Session, public: PublicIncident, actor: Actor) -> PublicRow:
    # Only responders reach the approve route, so nobody else is offered the button.
    may = actor.allows(Role.responder)
    updates = [
        UpdateRow(
            u, may and u.state == "draft" and publishing.can_approve(session, public, u, actor)
        )
        for u in public.updates
    ]
    return PublicRow(public, updates, _statuses(public))


def public_panel(session: Session, incident: Incident, view: PanelContext) -> dict[str, Any]:
    """Shown on every incident's room: even with nothing published, the form to start."""
    linked = manage.list_public_incidents(session, incident_id=incident.id)
    pickable = [c for c in list_components(session) if not c.is_group]
    services = {s.id for s in incident.services}
    impact = SEVERITY_TO_IMPACT.get(incident.severity, Impact.none)
    return {
        "template": "statuspage/_room_public.html",
        "rows": [_row(session, p, view.actor) for p in linked],
        "can_write": view.actor.allows(Role.responder),
        "components": pickable,
        "preselected": {c.code for c in pickable if c.service_id in services},
        "impacts": [i.value for i in ROOM_IMPACTS],
        "impact": impact.value,
        "component_status": IMPACT_TO_STATUS[impact].value,
        "statuses": [s.value for s in IncidentStatus],
        "component_statuses": [s.value for s in ComponentStatus],
    }


def _affected(codes: list[str], status: str) -> list[dict[str, str]]:
    """The components ticked, each to take the one status chosen (none: left as they are)."""
    return [{"component": c, "status": status} for c in codes] if status else []


def _run(
    request: Request, session: Session, incident: Incident, act: Callable[[], str]
) -> Response:
    """Do ``act``; go back to the panel with what happened, or with why nothing did."""
    back = f"/incidents/{format_ref(incident.id)}#{ANCHOR}"
    try:
        message = act()
        session.flush()
    except (ValidationError, WarroomError) as exc:
        # Roll back before answering: the request's transaction would otherwise commit
        # whatever the service flushed before it refused.
        session.rollback()
        why = "; ".join(
            text if field == "form" else f"{label(field)}: {text}"
            for field, text in form_errors(exc).items()
        )
        message = f"Nothing saved: {why}"
    flash(request, message)
    return see_other(back)


@router.post("/incidents/{ref}/status-page")
def open_from_room(
    ref: str,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    name: FormText = "",
    impact: FormText = "",
    status: FormText = "investigating",
    body: FormText = "",
    components: FormList = [],  # noqa: B006 - FastAPI copies form defaults
    component_status: FormText = "",
) -> Response:
    incident = access_incident(session=session, ref=ref, actor=actor)

    def act() -> str:
        data = PublicIncidentIn.model_validate(
            {
                "name": name, "impact": impact or None, "status": status, "body": body,
                "incident": format_ref(incident.id),
                "components": _affected(components, component_status),
            }
        )  # fmt: skip
        public = publishing.do_open(session=session, actor=actor, data=data, now=at)
        return f"Draft saved: “{public.name}” goes on the status page once approved."

    return _run(request, session, incident, act)


@router.post("/incidents/{ref}/status-page/{code}/updates")
def update_from_room(
    ref: str,
    code: str,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    status: FormText = "",
    body: FormText = "",
    components: FormList = [],  # noqa: B006 - FastAPI copies form defaults
    component_status: FormText = "",
) -> Response:
    incident = access_incident(session=session, ref=ref, actor=actor)

    def act() -> str:
        public = _linked(session, incident, code)
        data = UpdateIn.model_validate(
            {"status": status, "body": body, "components": _affected(components, component_status)}
        )
        publishing.do_add_update(session=session, actor=actor, public=public, data=data, now=at)
        return f"Draft update saved for “{public.name}”; it is published once approved."

    return _run(request, session, incident, act)


@router.post("/incidents/{ref}/status-page/updates/{code}/approve")
def approve_from_room(
    ref: str, code: str, request: Request, session: DbSession, actor: PageResponder, at: Now
) -> Response:
    incident = access_incident(session=session, ref=ref, actor=actor)

    def act() -> str:
        update = publishing.access_update(session=session, ref=code)
        _linked(session, incident, update.public_incident.code)
        public = publishing.do_approve(session=session, actor=actor, update=update, now=at)
        return f"Published: “{public.name}” is {label(public.status).lower()} on the status page."

    return _run(request, session, incident, act)


def _linked(session: Session, incident: Incident, code: str) -> PublicIncident:
    """A public incident of this room's incident: another room's is not acted on here."""
    public = publishing.access_public_incident(session=session, ref=code)
    if public.incident_id != incident.id:
        raise NotFound(f"no public incident {code!r} for {format_ref(incident.id)}")
    return public
