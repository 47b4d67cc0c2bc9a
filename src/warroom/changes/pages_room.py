"""The war room's change panels: "Changes at risk" (planned changes touching a major
incident's scope in the next day, each with a one-click Hold) and "Suspect changes" (recent
changes ranked against the incident, which responders mark as suspect or cause)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageResponder
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.changes import gate, lifecycle
from warroom.changes.models import Change
from warroom.changes.pages_change import base_url
from warroom.changes.rules import HOLDABLE, MAJOR, ChangeState, Conflict
from warroom.changes.service import access_change, format_change
from warroom.errors import WarroomError
from warroom.incidents.models import Incident
from warroom.incidents.pages_room import PanelContext
from warroom.incidents.rules import Status, format_ref
from warroom.incidents.service import access_incident
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
AT_RISK_HOURS = 24
MARKS = ("suspect", "cause", "clear")


def hold_reason(incident: Incident) -> str:
    return f"Held from {format_ref(incident.id)}: scope under an active incident"


@dataclass(frozen=True)
class AtRiskRow:
    change: Change
    conflict: Conflict
    can_hold: bool

    @property
    def ref(self) -> str:
        return format_change(self.change.id)


def _may_hold(session: Session, change: Change, actor: Actor) -> bool:
    if not actor.allows(Role.responder) or ChangeState(change.state) not in HOLDABLE:
        return False
    return lifecycle.can_hold(session, change, actor)


def at_risk_panel(session: Session, incident: Incident, view: PanelContext) -> dict[str, Any]:
    """For a major incident while it is active: shown even when empty, so the commander knows
    the check ran and found nothing to hold."""
    if incident.severity not in MAJOR or not Status(incident.status).is_active:
        return {}
    found = gate.at_risk(session=session, incident=incident, now=view.now, hours=AT_RISK_HOURS)
    rows = [
        AtRiskRow(f.change, f.conflict, _may_hold(session, f.change, view.actor)) for f in found
    ]
    return {
        "template": "changes/_room_at_risk.html",
        "rows": rows,
        "hours": AT_RISK_HOURS,
        "reason": hold_reason(incident),
    }


def suspects_panel(session: Session, incident: Incident, view: PanelContext) -> dict[str, Any]:
    """Shown when recent changes touch the incident's scope, or a responder marked one."""
    ranked = gate.suspects(session=session, incident=incident, now=view.now)
    if not ranked:
        return {}
    return {
        "template": "changes/_room_suspects.html",
        "rows": ranked,
        "can_mark": view.actor.allows(Role.responder),
    }


def _back(request: Request, incident: Incident, anchor: str, message: str) -> Response:
    flash(request, message)
    return see_other(f"/incidents/{format_ref(incident.id)}#{anchor}")


@router.post("/incidents/{ref}/changes/{change_id:int}/hold")
def hold_from_room(
    ref: str,
    change_id: int,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    reason: Annotated[str, Form()] = "",
) -> Response:
    """One click: hold the change because of this incident, on both timelines."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    change = access_change(session=session, ref=change_id)
    why = reason.strip()[:2000] or hold_reason(incident)
    try:
        lifecycle.do_hold(
            session=session,
            change=change,
            actor=actor,
            reason=why,
            now=at,
            incident=incident,
            base_url=base_url(request),
        )
    except WarroomError as exc:  # someone else held, started or ended it meanwhile
        session.rollback()
        return _back(request, incident, "changes-at-risk", f"Not held: {exc.detail}.")
    message = f"{format_change(change.id)} is on hold; its owner and implementer are told."
    return _back(request, incident, "changes-at-risk", message)


@router.post("/incidents/{ref}/suspects/{change_id:int}")
def mark_suspect(
    ref: str,
    change_id: int,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    mark: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    incident = access_incident(session=session, ref=ref, actor=actor)
    change = access_change(session=session, ref=change_id)
    if mark not in MARKS:
        return _back(request, incident, "suspect-changes", "Nothing marked: choose a mark.")
    gate.do_mark(
        session=session,
        incident=incident,
        change=change,
        actor=actor,
        mark=None if mark == "clear" else mark,
        note=note.strip()[:2000],
        now=at,
    )
    ref_text = format_change(change.id)
    done = f"Mark on {ref_text} cleared." if mark == "clear" else f"{ref_text} marked as {mark}."
    return _back(request, incident, "suspect-changes", done)
