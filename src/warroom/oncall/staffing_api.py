"""JSON routes for an incident's staffing plan and its handovers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from warroom.access.deps import DbSession, Now, Responder, Viewer
from warroom.errors import NotFound
from warroom.incidents import present
from warroom.incidents.rules import format_ref
from warroom.incidents.schemas import TimelineEventOut
from warroom.incidents.service import access_incident
from warroom.oncall import staffing
from warroom.oncall.models import Staffing

router = APIRouter(prefix="/api/v1/incidents", tags=["staffing"])


class StaffingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shift_hours: int = Field(ge=1, le=72, description="Hours each shift lasts before handover")


class StaffingOut(BaseModel):
    incident: str
    shift_hours: int
    next_handover_at: datetime | None


class HandoverIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]


def _out(plan: Staffing) -> StaffingOut:
    return StaffingOut(
        incident=format_ref(plan.incident_id),
        shift_hours=plan.shift_hours,
        next_handover_at=plan.next_handover_at,
    )


@router.get("/{ref}/staffing", response_model=StaffingOut)
def show_staffing(ref: str, session: DbSession, actor: Viewer) -> StaffingOut:
    incident = access_incident(session=session, ref=ref, actor=actor)
    plan = session.get(Staffing, incident.id)
    if plan is None:
        raise NotFound(f"{format_ref(incident.id)} has no staffing plan")
    return _out(plan)


@router.put("/{ref}/staffing", response_model=StaffingOut)
def set_staffing(
    ref: str, body: StaffingIn, session: DbSession, actor: Responder, at: Now
) -> StaffingOut:
    incident = access_incident(session=session, ref=ref, actor=actor)
    plan = staffing.do_set_staffing(
        session=session, incident=incident, actor=actor, shift_hours=body.shift_hours, now=at
    )
    return _out(plan)


@router.post("/{ref}/handover", status_code=201, response_model=TimelineEventOut)
def hand_over(
    ref: str, body: HandoverIn, session: DbSession, actor: Responder, at: Now
) -> TimelineEventOut:
    incident = access_incident(session=session, ref=ref, actor=actor)
    event = staffing.do_hand_over(
        session=session, incident=incident, actor=actor, note=body.note, now=at
    )
    session.flush()
    return present.event_out(event)
