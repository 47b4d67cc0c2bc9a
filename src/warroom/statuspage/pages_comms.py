"""The war room's "Communications" panel: when the next update is due (and loudly when it is
overdue), the updates sent so far, and one form to write an update once for the status page,
the stakeholders and the affected customers."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageResponder
from warroom.access.rules import Role
from warroom.errors import WarroomError
from warroom.incidents.models import Incident
from warroom.incidents.pages_room import PanelContext
from warroom.incidents.rules import Status, format_ref
from warroom.incidents.service import access_incident
from warroom.settings import Settings
from warroom.statuspage import cadence, updates
from warroom.statuspage.audiences import Audience
from warroom.statuspage.schemas import CommsUpdateIn
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
NEXT_UPDATE_CHOICES = (15, 30, 45, 60, 120)


def comms_panel(session: Session, incident: Incident, view: PanelContext) -> dict[str, Any]:
    """For an active incident with a cadence, or one that has had updates sent."""
    settings = view.settings or Settings()
    sent = cadence.last_sent_all(session, incident.id)[:5]
    due = cadence.update_due(session, incident, dict(settings.update_cadence_minutes))
    if due is None and not sent:
        return {}
    every = settings.update_cadence_minutes.get(incident.severity)
    return {
        "template": "statuspage/_room_comms.html",
        "due": due,
        "overdue": due is not None and due.overdue(view.now),
        "minutes": abs(due.minutes_left(view.now)) if due else 0,
        "sent": sent,
        "every": every,
        "can_send": view.actor.allows(Role.responder) and Status(incident.status).is_active,
        "audiences": list(Audience),
        "choices": NEXT_UPDATE_CHOICES,
        "default_next": every if every in NEXT_UPDATE_CHOICES else 30,
    }


@router.post("/incidents/{ref}/comms-updates")
def send_from_room(
    ref: str,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    audiences: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies form defaults
    what_happened: Annotated[str, Form()] = "",
    doing: Annotated[str, Form()] = "",
    next_in: Annotated[int, Form(ge=0, le=24 * 60)] = 0,
) -> Response:
    incident = access_incident(session=session, ref=ref, actor=actor)
    settings: Settings = request.app.state.settings
    try:
        data = CommsUpdateIn.model_validate(
            {
                "audiences": audiences,
                "what_happened": what_happened,
                "doing": doing,
                "next_update_at": at + timedelta(minutes=next_in) if next_in else None,
            }
        )
        facts = updates.facts_of(
            session, incident, data, settings.base_url, settings.statuspage_time_zone
        )
        row = updates.do_send(
            session=session, actor=actor, incident=incident, data=data, facts=facts, now=at
        )
    except (ValidationError, WarroomError) as exc:
        session.rollback()
        flash(request, f"Not sent: {_why(exc)}")
        return see_other(f"/incidents/{format_ref(incident.id)}#communications")
    told = [f"{n} {a}" for a, n in row.sent.items()]
    if row.public_update_id:
        told.insert(0, "a status page draft awaiting approval")
    flash(request, f"Update sent: {', '.join(told)}.")
    return see_other(f"/incidents/{format_ref(incident.id)}#communications")


def _why(exc: ValidationError | WarroomError) -> str:
    if isinstance(exc, WarroomError):
        return str(exc.detail)
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "input"
    return f"{where}: {first['msg']}"
