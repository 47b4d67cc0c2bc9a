"""A security incident's records as the API answers them."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.incidents.models import Incident
from warroom.incidents.rules import format_ref
from warroom.security.evidence import advice_for, asset_tier
from warroom.security.models import (
    ContainmentDecision,
    Evidence,
    Indicator,
    PhaseChange,
    ScopeAsset,
    SecurityRecord,
)
from warroom.security.schemas import (
    AdviceOut,
    ContainmentOut,
    CustodyOut,
    EvidenceOut,
    IndicatorOut,
    PhaseChangeOut,
    ScopeOut,
    SecurityOut,
)


def _name(person: Person | None) -> str | None:
    return person.name if person is not None else None


Row = TypeVar("Row", PhaseChange, Indicator, ScopeAsset, ContainmentDecision, Evidence)


def _rows(session: Session, model: type[Row], incident: Incident) -> list[Row]:
    query = select(model).where(model.incident_id == incident.id).order_by(model.id)
    return list(session.scalars(query))


def security_out(session: Session, incident: Incident, now: datetime) -> SecurityOut:
    row = session.get(SecurityRecord, incident.id)
    return SecurityOut(
        ref=format_ref(incident.id),
        phase=row.phase if row else "detection_analysis",
        phase_since=row.phase_since if row else incident.declared_at or now,
        functional_impact=row.functional_impact if row else None,
        information_impact=row.information_impact if row else None,
        recoverability=row.recoverability if row else None,
        tlp=row.tlp if row else "amber",
        phases=[_phase(p) for p in _rows(session, PhaseChange, incident)],
        indicators=[indicator_out(i) for i in _rows(session, Indicator, incident)],
        scope=[scope_out(s) for s in _rows(session, ScopeAsset, incident)],
        containment=[containment_out(c) for c in _rows(session, ContainmentDecision, incident)],
        evidence=[evidence_out(e) for e in _rows(session, Evidence, incident)],
    )


def _phase(p: PhaseChange) -> PhaseChangeOut:
    return PhaseChangeOut(from_phase=p.from_phase, to_phase=p.to_phase, reason=p.reason,
                          at=p.at, by=_name(p.by))  # fmt: skip


def indicator_out(i: Indicator) -> IndicatorOut:
    return IndicatorOut(id=i.id, type=i.type, value=i.value, description=i.description,
                        tlp=i.tlp, added_at=i.added_at, added_by=_name(i.added_by))  # fmt: skip


def scope_out(s: ScopeAsset) -> ScopeOut:
    advice = advice_for(s.asset)
    return ScopeOut(
        hostname=s.asset.hostname, exposure=s.asset.exposure, tier=asset_tier(s.asset),
        compromise=s.compromise, note=s.note, updated_at=s.updated_at,
        offline=AdviceOut(severity=advice.severity, text=advice.text),
    )  # fmt: skip


def containment_out(c: ContainmentDecision) -> ContainmentOut:
    return ContainmentOut(
        id=c.id, kind=c.kind, action=c.action, hostname=c.asset.hostname if c.asset else None,
        advice=c.advice, decided_at=c.decided_at, decided_by=_name(c.decided_by),
    )  # fmt: skip


def evidence_out(e: Evidence) -> EvidenceOut:
    custody = [
        CustodyOut(
            from_person=_name(t.from_person),
            to_person=_name(t.to_person),
            purpose=t.purpose,
            at=t.at,
        )
        for t in e.custody
    ]
    return EvidenceOut(
        id=e.id, label=e.label, kind=e.kind, sha256=e.sha256, location=e.location, tlp=e.tlp,
        collected_at=e.collected_at, holder=_name(e.holder), custody=custody,
    )  # fmt: skip
