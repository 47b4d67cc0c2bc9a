"""Use cases of a security incident: its NIST phase and impact, indicators of compromise and
the assets in scope. Every change is also told on the incident's timeline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.catalog.assets import access_asset
from warroom.errors import Conflict, NotFound
from warroom.incidents.models import Incident
from warroom.incidents.rules import Kind, Severity, format_ref
from warroom.incidents.service import access_incident, record
from warroom.incidents.tasks import applied_template_ids, do_apply_template, matching_templates
from warroom.security.iocs import check_ioc
from warroom.security.models import Indicator, PhaseChange, ScopeAsset, SecurityRecord
from warroom.security.rules import ORDER, Phase, check_phase_move
from warroom.security.schemas import IndicatorIn, PhaseIn, ScopeIn, SecurityPatch

SECURITY = "security"


def access_security_incident(*, session: Session, ref: str, actor: Actor) -> Incident:
    incident = access_incident(session=session, ref=ref, actor=actor)
    if incident.kind != SECURITY:
        raise Conflict(f"{format_ref(incident.id)} is a {incident.kind} incident, not security")
    return incident


def security_record(session: Session, incident: Incident, now: datetime) -> SecurityRecord:
    """The incident's security record, begun in detection & analysis when first written."""
    found = session.get(SecurityRecord, incident.id)
    if found is None:
        found = SecurityRecord(incident_id=incident.id, phase=Phase.detection_analysis.value,
                               phase_since=incident.declared_at or now, tlp="amber")  # fmt: skip
        session.add(found)
        session.flush()
    return found


def do_move_phase(
    *, session: Session, incident: Incident, actor: Actor, data: PhaseIn, now: datetime
) -> SecurityRecord:
    row = security_record(session, incident, now)
    current = Phase(row.phase)
    check_phase_move(current, data.phase, data.reason)
    row.phase, row.phase_since = data.phase.value, now
    session.add(PhaseChange(incident_id=incident.id, from_phase=current.value,
                            to_phase=data.phase.value, reason=data.reason.strip(), at=now,
                            by_id=actor.person_id))  # fmt: skip
    text = f"Phase: {current.label} → {data.phase.label}"
    text += f" ({data.reason.strip()})" if data.reason.strip() else ""
    record(session=session, incident=incident, kind="security_phase", actor=actor, now=now,
           text=text, before=current.value, after=data.phase.value)  # fmt: skip
    # Only a forward move brings the entered phase's playbook: a move back returns to work
    # whose tasks the incident already has (the detection one came with the declaration).
    if ORDER.index(data.phase) > ORDER.index(current):
        _apply_playbooks(session, incident, actor, data.phase, now)
    return row


def _apply_playbooks(
    session: Session, incident: Incident, actor: Actor, phase: Phase, now: datetime
) -> None:
    """The entered phase's playbooks become tasks, once: entering it again after going back
    adds none twice (a playbook edited since is not applied again either)."""
    done = applied_template_ids(session=session, incident=incident)
    found = matching_templates(session=session, kind=Kind.security,
                               severity=Severity(incident.severity), phase=phase)  # fmt: skip
    for template in found:
        if template.id not in done:
            do_apply_template(session=session, incident=incident, actor=actor,
                              template=template, now=now)  # fmt: skip


def do_update_security(
    *, session: Session, incident: Incident, actor: Actor, data: SecurityPatch, now: datetime
) -> SecurityRecord:
    row = security_record(session, incident, now)
    changed = []
    for name, value in data.model_dump(exclude_none=True).items():
        if getattr(row, name) != str(value):
            changed.append(f"{name.replace('_', ' ')} {getattr(row, name) or 'unset'} → {value}")
            setattr(row, name, str(value))
    if changed:
        record(session=session, incident=incident, kind="security_updated", actor=actor,
               now=now, text="; ".join(changed))  # fmt: skip
    return row


def do_add_indicator(
    *, session: Session, incident: Incident, actor: Actor, data: IndicatorIn, now: datetime
) -> Indicator:
    kind, value = check_ioc(data.type, data.value)
    same = select(Indicator).where(
        Indicator.incident_id == incident.id, Indicator.type == kind.value,
        Indicator.value == value,
    )  # fmt: skip
    if session.scalars(same).first() is not None:
        raise Conflict(f"the {kind.value} indicator {value} is already listed")
    security_record(session, incident, now)
    found = Indicator(incident_id=incident.id, type=kind.value, value=value,
                      description=data.description.strip(), tlp=data.tlp.value, added_at=now,
                      added_by_id=actor.person_id)  # fmt: skip
    session.add(found)
    session.flush()
    text = f"Indicator added: {kind.value} {value} (TLP:{data.tlp.value.upper()})"
    record(session=session, incident=incident, kind="security_indicator", actor=actor, now=now,
           text=text)  # fmt: skip
    return found


def do_remove_indicator(
    *, session: Session, incident: Incident, actor: Actor, indicator_id: int, now: datetime
) -> None:
    found = session.get(Indicator, indicator_id)
    if found is None or found.incident_id != incident.id:
        raise NotFound(f"no indicator {indicator_id} on this incident")
    session.delete(found)
    record(session=session, incident=incident, kind="security_indicator", actor=actor, now=now,
           text=f"Indicator removed: {found.type} {found.value}")  # fmt: skip


def do_set_scope(
    *, session: Session, incident: Incident, actor: Actor, hostname: str, data: ScopeIn,
    now: datetime,
) -> ScopeAsset:  # fmt: skip
    """Put an asset in scope, or change how far it is compromised."""
    asset = access_asset(session=session, hostname=hostname)
    security_record(session, incident, now)
    query = select(ScopeAsset).where(ScopeAsset.incident_id == incident.id,
                                     ScopeAsset.asset_id == asset.id)  # fmt: skip
    row = session.scalars(query).first()
    before = row.compromise if row else None
    if row is None:
        row = ScopeAsset(incident_id=incident.id, asset_id=asset.id, asset=asset)
        session.add(row)
    row.compromise, row.note, row.updated_at = data.compromise.value, data.note.strip(), now
    session.flush()
    text = f"{asset.hostname}: {before or 'not in scope'} → {data.compromise.value}"
    record(session=session, incident=incident, kind="security_scope", actor=actor, now=now,
           text=text, before=before, after=data.compromise.value)  # fmt: skip
    return row
