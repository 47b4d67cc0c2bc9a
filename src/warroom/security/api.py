"""JSON routes of a security incident: its NIST phase and impact, indicators of compromise,
assets in scope, containment decisions, and evidence with its chain of custody. Each answers
the whole security record, so a client sees the result of what it did."""

from __future__ import annotations

from fastapi import APIRouter, Response

from warroom.access.deps import DbSession, Now, Responder, Viewer
from warroom.security import evidence, service
from warroom.security.present import security_out
from warroom.security.schemas import (
    ContainmentIn,
    CustodyIn,
    EvidenceIn,
    IndicatorIn,
    PhaseIn,
    ScopeIn,
    SecurityOut,
    SecurityPatch,
)

router = APIRouter(prefix="/api/v1/incidents/{ref}/security", tags=["security"])
Answer = SecurityOut


@router.get("", response_model=Answer)
def show(ref: str, session: DbSession, actor: Viewer, at: Now) -> Answer:
    incident = service.access_security_incident(session=session, ref=ref, actor=actor)
    return security_out(session, incident, at)


@router.patch("", response_model=Answer)
def update(ref: str, body: SecurityPatch, session: DbSession, actor: Responder, at: Now) -> Answer:
    """The NIST impact fields (functional, information, recoverability) and the TLP marking."""
    incident = service.access_security_incident(session=session, ref=ref, actor=actor)
    service.do_update_security(session=session, incident=incident, actor=actor, data=body, now=at)
    return security_out(session, incident, at)


@router.post("/phase", response_model=Answer)
def move_phase(ref: str, body: PhaseIn, session: DbSession, actor: Responder, at: Now) -> Answer:
    """Forward one phase (detection & analysis → containment → eradication → recovery →
    validation → post-incident), or back to an earlier one with a ``reason``."""
    incident = service.access_security_incident(session=session, ref=ref, actor=actor)
    service.do_move_phase(session=session, incident=incident, actor=actor, data=body, now=at)
    return security_out(session, incident, at)


@router.post("/indicators", status_code=201, response_model=Answer)
def add_indicator(
    ref: str, body: IndicatorIn, session: DbSession, actor: Responder, at: Now
) -> Answer:
    """Typed (ip, domain, url, hash, account, path, email), validated and normalised; a value
    that is not of its type is a 422 naming ``value``; the same indicator twice is a 409."""
    incident = service.access_security_incident(session=session, ref=ref, actor=actor)
    service.do_add_indicator(session=session, incident=incident, actor=actor, data=body, now=at)
    return security_out(session, incident, at)


@router.delete("/indicators/{indicator_id}", status_code=204)
def remove_indicator(
    ref: str, indicator_id: int, session: DbSession, actor: Responder, at: Now
) -> Response:
    incident = service.access_security_incident(session=session, ref=ref, actor=actor)
    service.do_remove_indicator(session=session, incident=incident, actor=actor,
                                indicator_id=indicator_id, now=at)  # fmt: skip
    return Response(status_code=204)


@router.put("/scope/{hostname}", response_model=Answer)
def set_scope(
    ref: str, hostname: str, body: ScopeIn, session: DbSession, actor: Responder, at: Now
) -> Answer:
    """Put an asset in scope with its compromise status (suspected, confirmed, contained,
    eradicated, recovered, clean), or change it. Each asset in scope comes with what taking
    it offline would cost, from the tier of the services it runs."""
    incident = service.access_security_incident(session=session, ref=ref, actor=actor)
    service.do_set_scope(session=session, incident=incident, actor=actor, hostname=hostname,
                         data=body, now=at)  # fmt: skip
    return security_out(session, incident, at)


@router.post("/containment", status_code=201, response_model=Answer)
def contain(ref: str, body: ContainmentIn, session: DbSession, actor: Responder, at: Now) -> Answer:
    """A containment decision: emergency, temporary or permanent, with the advice its asset's
    service tier gave at the time."""
    incident = service.access_security_incident(session=session, ref=ref, actor=actor)
    evidence.do_contain(session=session, incident=incident, actor=actor, data=body, now=at)
    return security_out(session, incident, at)


@router.post("/evidence", status_code=201, response_model=Answer)
def add_evidence(
    ref: str, body: EvidenceIn, session: DbSession, actor: Responder, at: Now
) -> Answer:
    """An item collected (its sha256, where it is kept, its TLP), held by ``holder`` (default:
    whoever logs it): the first entry of its chain of custody."""
    incident = service.access_security_incident(session=session, ref=ref, actor=actor)
    evidence.do_add_evidence(session=session, incident=incident, actor=actor, data=body, now=at)
    return security_out(session, incident, at)


@router.post("/evidence/{evidence_id}/custody", response_model=Answer)
def transfer(
    ref: str, evidence_id: int, body: CustodyIn, session: DbSession, actor: Responder, at: Now
) -> Answer:
    """Hand the item to someone else; the chain of custody keeps who held it and when."""
    incident = service.access_security_incident(session=session, ref=ref, actor=actor)
    evidence.do_transfer(session=session, incident=incident, actor=actor,
                         evidence_id=evidence_id, data=body, now=at)  # fmt: skip
    return security_out(session, incident, at)
