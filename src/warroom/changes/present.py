"""Changes as their JSON bodies: scope, risk hints, conflicts, approvals and timeline."""

from __future__ import annotations

from collections.abc import Set
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.changes import gate
from warroom.changes.conflicts import stored
from warroom.changes.facts import Catalog, eol_hosts, load_catalog, slot_of
from warroom.changes.lifecycle import conflict_json
from warroom.changes.models import Change, ChangeApproval, ChangeConflict
from warroom.changes.notify import change_url
from warroom.changes.rules import Risk, RiskHint, risk_hints, suggested_risk
from warroom.changes.schemas import (
    ApprovalOut,
    AtRiskOut,
    ChangeDetail,
    ChangeOut,
    ConflictOut,
    LogOut,
    RiskHintOut,
    ScopeOut,
    SuspectOut,
)
from warroom.changes.service import change_log, format_change
from warroom.incidents.rules import format_ref
from warroom.incidents.schemas import PersonRef


def person_ref(person: Person | None) -> PersonRef | None:
    return PersonRef(id=person.id, name=person.name, email=person.email) if person else None


def risk_of(
    session: Session, change: Change, now: datetime, catalog: Catalog | None = None
) -> tuple[Risk, list[RiskHint]]:
    catalog = catalog or load_catalog(session)
    slot = slot_of(change, catalog)
    tiers = {s.name: s.tier for s in change.services}
    tiers |= _tiers(session, slot.services - tiers.keys())
    hints = risk_hints(tiers, sorted(eol_hosts(session, slot.hosts, now)), change.reboot_required)
    return suggested_risk(hints), hints


def _tiers(session: Session, names: Set[str]) -> dict[str, int]:
    from warroom.catalog.models import Service

    if not names:
        return {}
    query = select(Service.name, Service.tier).where(Service.name.in_(names))
    # The rows, not the Result: a Result has keys(), so dict() would take it for a mapping.
    return dict(session.execute(query).all())


def conflict_out(row: ChangeConflict) -> ConflictOut:
    return ConflictOut(
        reason=row.reason,
        severity=row.severity,
        detail=row.detail,
        incident=format_ref(row.incident_id) if row.incident_id else None,
        data=row.data or {},
    )


def change_out(
    change: Change,
    conflicts: list[ChangeConflict],
    risk: tuple[Risk, list[RiskHint]],
    base_url: str = "",
) -> ChangeOut:
    return ChangeOut(
        id=change.id,
        ref=format_change(change.id),
        title=change.title,
        type=change.type,
        state=change.state,
        held_from=change.held_from,
        risk=change.risk,
        suggested_risk=risk[0],
        risk_hints=[RiskHintOut(code=h.code, text=h.text) for h in risk[1]],
        reboot_required=change.reboot_required,
        planned_start=change.planned_start,
        planned_end=change.planned_end,
        actual_start=change.actual_start,
        actual_end=change.actual_end,
        services=[s.name for s in change.services],
        assets=[a.hostname for a in change.assets],
        owner=person_ref(change.owner),
        implementer=person_ref(change.implementer),
        authority=person_ref(change.authority),
        incident=format_ref(change.incident_id) if change.incident_id else None,
        source=change.source,
        conflicts=[conflict_out(c) for c in _worst_first(conflicts)],
        override_reason=change.override_reason,
        override_by=person_ref(change.override_by),
        override_at=change.override_at,
        created_at=change.created_at,
        updated_at=change.updated_at,
        version=change.version,
        url=change_url(base_url, change.id),
    )


SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def _worst_first(rows: list[ChangeConflict]) -> list[ChangeConflict]:
    return sorted(rows, key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), r.reason, r.key))


def changes_out(
    session: Session, changes: list[Change], now: datetime, base_url: str = ""
) -> list[ChangeOut]:
    catalog = load_catalog(session)
    kept = stored(session=session, change_ids=[c.id for c in changes])
    return [change_out(c, kept[c.id], risk_of(session, c, now, catalog), base_url) for c in changes]


def change_detail(
    session: Session, change: Change, now: datetime, base_url: str = ""
) -> ChangeDetail:
    catalog = load_catalog(session)
    slot = slot_of(change, catalog)
    graph = catalog.graph(slot.services)
    kept = stored(session=session, change_ids=[change.id])[change.id]
    base = change_out(change, kept, risk_of(session, change, now, catalog), base_url)
    approvals = session.scalars(
        select(ChangeApproval)
        .where(ChangeApproval.change_id == change.id)
        .order_by(ChangeApproval.id)
    )
    return ChangeDetail(
        **base.model_dump(),
        description=change.description,
        backout_plan=change.backout_plan,
        scope=ScopeOut(
            services=sorted(slot.services),
            hosts=sorted(slot.hosts),
            dependencies=sorted(graph.dependencies),
            dependents=sorted(graph.dependents),
        ),
        approvals=[
            ApprovalOut(
                person=person_ref(a.person),
                decision=a.decision,
                comment=a.comment,
                decided_at=a.decided_at,
            )
            for a in approvals
        ],
        log=[
            LogOut(kind=e.kind, at=e.at, actor=person_ref(e.actor), text=e.text, data=e.data or {})
            for e in change_log(session=session, change=change)
        ],
    )


def suspects_out(
    session: Session, ranked: list[gate.Ranked], now: datetime, base_url: str
) -> list[SuspectOut]:
    shown = changes_out(session, [r.change for r in ranked], now, base_url)
    return [
        SuspectOut(
            change=c,
            score=r.suspect.score,
            reasons=r.suspect.reasons,
            mark=r.mark.mark if r.mark else None,
            note=r.mark.note if r.mark else "",
            marked_by=person_ref(r.mark.marked_by) if r.mark else None,
        )
        for c, r in zip(shown, ranked, strict=True)
    ]


def at_risk_out(
    session: Session, found: list[gate.AtRisk], now: datetime, base_url: str
) -> list[AtRiskOut]:
    shown = changes_out(session, [f.change for f in found], now, base_url)
    return [
        AtRiskOut(change=c, conflict=ConflictOut.model_validate(conflict_json(f.conflict)))
        for c, f in zip(shown, found, strict=True)
    ]
