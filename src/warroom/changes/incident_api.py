"""The incident's side of changes, as JSON: the upcoming changes that touch its scope (the
gate) and the recent changes ranked as suspects, which responders mark as suspect or cause."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from warroom.access.deps import DbSession, Now, Responder, Viewer
from warroom.changes import gate, present, service
from warroom.changes.schemas import AtRiskOut, MarkIn, SuspectOut
from warroom.incidents.service import access_incident

router = APIRouter(prefix="/api/v1", tags=["changes"])


def _base(request: Request) -> str:
    return str(request.app.state.settings.base_url)


@router.get("/incidents/{ref}/changes", response_model=list[AtRiskOut])
def changes_at_risk(
    request: Request,
    ref: str,
    session: DbSession,
    actor: Viewer,
    at: Now,
    hours: Annotated[int, Query(ge=1, le=24 * 14)] = 24,
) -> list[AtRiskOut]:
    """Planned changes starting within ``hours`` (or under way) that touch the incident's
    scope, soonest first: what to hold."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    found = gate.at_risk(session=session, incident=incident, now=at, hours=hours)
    return present.at_risk_out(session, found, at, _base(request))


@router.get("/incidents/{ref}/suspects", response_model=list[SuspectOut])
def suspects(
    request: Request,
    ref: str,
    session: DbSession,
    actor: Viewer,
    at: Now,
    hours: Annotated[int, Query(ge=1, le=24 * 30)] = 72,
) -> list[SuspectOut]:
    """Changes made in the ``hours`` before the incident started (or since), most likely
    first, each with why it is suspected and any mark responders gave it."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    return present.suspects_out(
        session,
        gate.suspects(session=session, incident=incident, now=at, hours=hours),
        at,
        _base(request),
    )


@router.put("/incidents/{ref}/suspects/{change}", response_model=list[SuspectOut])
def mark_suspect(
    request: Request,
    ref: str,
    change: str,
    body: MarkIn,
    session: DbSession,
    actor: Responder,
    at: Now,
) -> list[SuspectOut]:
    """Mark a change as ``suspect`` or ``cause`` of the incident; kept for the postmortem."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    target = service.access_change(session=session, ref=change)
    gate.do_mark(
        session=session,
        incident=incident,
        change=target,
        actor=actor,
        mark=body.mark,
        note=body.note,
        now=at,
    )
    ranked = gate.suspects(session=session, incident=incident, now=at)
    return present.suspects_out(session, ranked, at, _base(request))


@router.delete("/incidents/{ref}/suspects/{change}", status_code=204, response_class=Response)
def clear_mark(ref: str, change: str, session: DbSession, actor: Responder, at: Now) -> Response:
    incident = access_incident(session=session, ref=ref, actor=actor)
    target = service.access_change(session=session, ref=change)
    gate.do_mark(
        session=session, incident=incident, change=target, actor=actor, mark=None, note="", now=at
    )
    return Response(status_code=204)
