"""The war room's "Customer follow-up" panel: after a major incident, the customers it hurt
most (tier, how much of their SLA it used, a missed response time) and where the outreach to
each stands, tracked as a task on the incident; one button adds the missing tasks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageResponder
from warroom.access.rules import Role
from warroom.incidents.models import Incident
from warroom.incidents.pages_room import PanelContext
from warroom.incidents.rules import format_ref
from warroom.incidents.service import access_incident
from warroom.statuspage import followup
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
ANCHOR = "followup"
MAJOR = ("SEV1", "SEV2")


def followup_panel(session: Session, incident: Incident, view: PanelContext) -> dict[str, Any]:
    """For an incident with customers under an SLA on its services: shown once it is major or
    has follow-up tasks, since that is when someone owes those customers a call."""
    exposures = followup.affected(session, incident, view.now)
    if not exposures:
        return {}
    planned = sum(e.task is not None for e in exposures)
    if incident.severity not in MAJOR and not planned:
        return {}
    done = sum(e.task is not None and e.task.status == "done" for e in exposures)
    return {
        "template": "statuspage/_room_followup.html",
        "exposures": exposures,
        "planned": planned,
        "done": done,
        "missing": len(exposures) - planned,
        "can_plan": view.actor.allows(Role.responder),
    }


@router.post("/incidents/{ref}/affected-customers/outreach")
def plan_outreach(
    ref: str, request: Request, session: DbSession, actor: PageResponder, at: Now
) -> Response:
    incident = access_incident(session=session, ref=ref, actor=actor)
    made = followup.do_plan_outreach(session=session, incident=incident, actor=actor, now=at)
    flash(request, f"{len(made)} outreach task(s) added." if made else "Every customer has one.")
    return see_other(f"/incidents/{format_ref(incident.id)}#{ANCHOR}")
