"""The war room's "Security" panel, on security incidents only: the NIST phase with the step
to the next one (or back, with a reason), impact and TLP, indicators, assets in scope with
what taking each offline would cost, containment decisions, and evidence with its custody."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageResponder
from warroom.access.rules import Role
from warroom.access.service import list_people
from warroom.errors import WarroomError
from warroom.incidents.models import Incident
from warroom.incidents.pages_room import PanelContext
from warroom.incidents.rules import format_ref
from warroom.security import evidence, service
from warroom.security.present import security_out
from warroom.security.rules import (
    ORDER,
    Compromise,
    Containment,
    FunctionalImpact,
    InformationImpact,
    IocType,
    Phase,
    Recoverability,
    Tlp,
)
from warroom.security.schemas import (
    ContainmentIn,
    CustodyIn,
    EvidenceIn,
    IndicatorIn,
    PhaseIn,
    ScopeIn,
    SecurityPatch,
)
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, form_errors, label, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
ANCHOR = "security"
BASE = "/incidents/{ref}/security"
FormText = Annotated[str, Form()]
CHOICES = {
    "compromise": [c.value for c in Compromise],
    "containment": [c.value for c in Containment],
    "functional": [c.value for c in FunctionalImpact],
    "information": [c.value for c in InformationImpact],
    "recoverability": [c.value for c in Recoverability],
    "tlp": [t.value for t in Tlp],
    "ioc_types": [t.value for t in IocType],
}


def security_panel(session: Session, incident: Incident, view: PanelContext) -> dict[str, Any]:
    if incident.kind != service.SECURITY:
        return {}
    found = security_out(session, incident, view.now)
    phase = Phase(found.phase)
    at = ORDER.index(phase)
    return {
        "template": "security/_room.html",
        "sec": found,
        "phase_label": phase.label,
        "phases": [(p.value, p.label, n < at, n == at) for n, p in enumerate(ORDER)],
        "next": ORDER[at + 1] if at + 1 < len(ORDER) else None,
        "earlier": [(p.value, p.label) for p in ORDER[:at]],
        "can_write": view.actor.allows(Role.responder),
        "choices": CHOICES,
        "people": [p for p in list_people(session=session) if p.active],
    }


def _run(
    request: Request, session: Session, ref: str, actor: Any, act: Callable[[Incident], str]
) -> Response:
    """Do ``act``; back to the panel with what happened, or why nothing did."""
    incident = service.access_security_incident(session=session, ref=ref, actor=actor)
    try:
        message = act(incident)
        session.flush()
    except (ValidationError, WarroomError) as exc:
        session.rollback()  # nothing the service flushed before refusing may commit
        why = "; ".join(f"{label(f)}: {t}" if f != "form" else t
                        for f, t in form_errors(exc).items())  # fmt: skip
        message = f"Nothing saved: {why}"
    flash(request, message)
    return see_other(f"/incidents/{format_ref(incident.id)}#{ANCHOR}")


@router.post(f"{BASE}/phase")
def move_phase(
    ref: str, request: Request, session: DbSession, actor: PageResponder, at: Now,
    phase: FormText = "", reason: FormText = "",
) -> Response:  # fmt: skip
    def act(incident: Incident) -> str:
        data = PhaseIn.model_validate({"phase": phase, "reason": reason})
        service.do_move_phase(session=session, incident=incident, actor=actor, data=data, now=at)
        return f"The incident is in {data.phase.label.lower()}."

    return _run(request, session, ref, actor, act)


@router.post(BASE)
def update(
    ref: str, request: Request, session: DbSession, actor: PageResponder, at: Now,
    functional_impact: FormText = "", information_impact: FormText = "",
    recoverability: FormText = "", tlp: FormText = "",
) -> Response:  # fmt: skip
    fields = {"functional_impact": functional_impact, "information_impact": information_impact,
              "recoverability": recoverability, "tlp": tlp}  # fmt: skip

    def act(incident: Incident) -> str:
        data = SecurityPatch.model_validate({k: v for k, v in fields.items() if v})
        service.do_update_security(session=session, incident=incident, actor=actor, data=data,
                                   now=at)  # fmt: skip
        return "Impact and marking saved."

    return _run(request, session, ref, actor, act)


@router.post(f"{BASE}/indicators")
def add_indicator(
    ref: str, request: Request, session: DbSession, actor: PageResponder, at: Now,
    type: FormText = "", value: FormText = "", description: FormText = "",
    tlp: FormText = "amber",
) -> Response:  # fmt: skip
    def act(incident: Incident) -> str:
        data = IndicatorIn.model_validate({"type": type, "value": value,
                                           "description": description, "tlp": tlp})  # fmt: skip
        found = service.do_add_indicator(session=session, incident=incident, actor=actor,
                                         data=data, now=at)  # fmt: skip
        return f"Indicator added: {found.type} {found.value}."

    return _run(request, session, ref, actor, act)


@router.post(f"{BASE}/scope")
def set_scope(
    ref: str, request: Request, session: DbSession, actor: PageResponder, at: Now,
    hostname: FormText = "", compromise: FormText = "", note: FormText = "",
) -> Response:  # fmt: skip
    def act(incident: Incident) -> str:
        data = ScopeIn.model_validate({"compromise": compromise, "note": note})
        row = service.do_set_scope(session=session, incident=incident, actor=actor,
                                   hostname=hostname, data=data, now=at)  # fmt: skip
        return f"{row.asset.hostname} is {row.compromise}."

    return _run(request, session, ref, actor, act)


@router.post(f"{BASE}/containment")
def contain(
    ref: str, request: Request, session: DbSession, actor: PageResponder, at: Now,
    kind: FormText = "", action: FormText = "", hostname: FormText = "",
) -> Response:  # fmt: skip
    def act(incident: Incident) -> str:
        data = ContainmentIn.model_validate({"kind": kind, "action": action,
                                             "hostname": hostname or None})  # fmt: skip
        evidence.do_contain(session=session, incident=incident, actor=actor, data=data, now=at)
        return f"Containment decision recorded ({data.kind.value})."

    return _run(request, session, ref, actor, act)


@router.post(f"{BASE}/evidence")
def add_evidence(
    ref: str, request: Request, session: DbSession, actor: PageResponder, at: Now,
    label_: Annotated[str, Form(alias="label")] = "", kind: FormText = "",
    sha256: FormText = "", location: FormText = "", tlp: FormText = "red",
) -> Response:  # fmt: skip
    def act(incident: Incident) -> str:
        data = EvidenceIn.model_validate({"label": label_, "kind": kind, "sha256": sha256,
                                          "location": location, "tlp": tlp})  # fmt: skip
        item = evidence.do_add_evidence(session=session, incident=incident, actor=actor,
                                        data=data, now=at)  # fmt: skip
        return f"Evidence logged: {item.label}."

    return _run(request, session, ref, actor, act)


@router.post(f"{BASE}/evidence/{{evidence_id:int}}/custody")
def transfer(
    ref: str, evidence_id: int, request: Request, session: DbSession, actor: PageResponder,
    at: Now, to: FormText = "", purpose: FormText = "",
) -> Response:  # fmt: skip
    def act(incident: Incident) -> str:
        data = CustodyIn.model_validate({"to": to, "purpose": purpose})
        item = evidence.do_transfer(session=session, incident=incident, actor=actor,
                                    evidence_id=evidence_id, data=data, now=at)  # fmt: skip
        return f"{item.label} is now held by {item.holder.name if item.holder else 'nobody'}."

    return _run(request, session, ref, actor, act)
