"""Public incidents and maintenances: written once, approved, then published. Nothing written
reaches the page until the communications lead or the incident commander (or a manager)
approves it; approving publishes the update, moves the public status, and sets the named
components' statuses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied
from warroom.incidents.models import Incident
from warroom.incidents.rules import IncidentRole, format_ref, parse_ref
from warroom.incidents.service import active_roles, record
from warroom.incidents.visibility import can_see
from warroom.statuspage.components import announce, check_component, do_set_status, new_code
from warroom.statuspage.models import PublicIncident, PublicUpdate
from warroom.statuspage.rules import (
    SEVERITY_TO_IMPACT,
    ComponentStatus,
    Impact,
    IncidentStatus,
    MaintenanceStatus,
    is_open,
)
from warroom.statuspage.schemas import AffectedIn, PublicIncidentIn, UpdateIn

APPROVERS = (IncidentRole.commander.value, IncidentRole.comms_lead.value)


def access_public_incident(*, session: Session, ref: str) -> PublicIncident:
    """By public code or numeric id."""
    query = select(PublicIncident).where(PublicIncident.code == ref)
    found = session.scalars(query).first()
    if found is None and ref.isdigit():
        found = session.get(PublicIncident, int(ref))
    if found is None:
        raise NotFound(f"no public incident {ref!r}")
    return found


def access_update(*, session: Session, ref: str) -> PublicUpdate:
    found = session.scalars(select(PublicUpdate).where(PublicUpdate.code == ref)).first()
    if found is None and ref.isdigit():
        found = session.get(PublicUpdate, int(ref))
    if found is None:
        raise NotFound(f"no public update {ref!r}")
    return found


def check_status(kind: str, status: str) -> str:
    words = IncidentStatus if kind == "incident" else MaintenanceStatus
    if status not in {w.value for w in words}:
        allowed = ", ".join(w.value for w in words)
        raise InvalidInput("status", f"a public {kind} is one of {allowed}")
    return status


def _internal(session: Session, ref: str | None, actor: Actor | None) -> Incident | None:
    if not ref:
        return None
    number = parse_ref(ref)
    incident = session.get(Incident, number) if number is not None else None
    if incident is None or not can_see(session, actor, incident):
        raise InvalidInput("incident", f"unknown incident {ref!r}")
    return incident


def do_open(
    *, session: Session, actor: Actor | None, data: PublicIncidentIn, now: datetime
) -> PublicIncident:
    """A public incident or maintenance with its first update, waiting for approval."""
    check_status(data.kind, data.status)
    incident = _internal(session, data.incident, actor)
    if data.kind == "maintenance" and not (data.scheduled_for and data.scheduled_until):
        raise InvalidInput("scheduled_for", "a maintenance names its window")
    if data.scheduled_for and data.scheduled_until and data.scheduled_until <= data.scheduled_for:
        raise InvalidInput("scheduled_until", "must be after scheduled_for")
    impact = data.impact or _impact(data.kind, incident)
    public = PublicIncident(
        code=new_code(),
        kind=data.kind,
        name=data.name,
        status=data.status,
        impact=impact.value,
        incident_id=incident.id if incident else None,
        scheduled_for=data.scheduled_for,
        scheduled_until=data.scheduled_until,
        created_at=now,
        updated_at=now,
        components=[check_component(session, a.component, "components") for a in data.components],
    )
    session.add(public)
    session.flush()
    _write(session, public, actor, data.status, data.body, data.components, now)
    return public


def _impact(kind: str, incident: Incident | None) -> Impact:
    if kind == "maintenance":
        return Impact.maintenance
    return SEVERITY_TO_IMPACT.get(incident.severity, Impact.none) if incident else Impact.minor


def do_add_update(
    *, session: Session, actor: Actor | None, public: PublicIncident, data: UpdateIn, now: datetime
) -> PublicUpdate:
    check_status(public.kind, data.status)
    ended = not is_open(public.status) and public.published_at is not None
    if ended and data.status != IncidentStatus.postmortem.value:
        raise IllegalTransition("status", f"the public {public.kind} is {public.status}")
    update = _write(session, public, actor, data.status, data.body, data.components, now)
    # Like its status and components, the new impact waits for approval.
    update.impact = data.impact.value if data.impact is not None else None
    return update


def _write(
    session: Session,
    public: PublicIncident,
    actor: Actor | None,
    status: str,
    body: str,
    affected: list[AffectedIn],
    now: datetime,
) -> PublicUpdate:
    changes = []
    for item in affected:
        component = check_component(session, item.component, "components")
        changes.append({"code": component.code, "name": component.name, "new_status": item.status})
    update = PublicUpdate(
        code=new_code(),
        public_incident_id=public.id,
        status=status,
        body=body,
        affected_components=changes,
        state="draft",
        written_by_id=actor.person_id if actor else None,
        created_at=now,
    )
    session.add(update)
    session.flush()
    session.refresh(public, ["updates"])
    if public.incident_id is not None:
        incident = session.get(Incident, public.incident_id)
        if incident is not None:
            text = f"Public update drafted ({status}), waiting for approval: {body[:200]}"
            record(session=session, incident=incident, kind="public_update_drafted",
                   actor=actor, now=now, text=text, data={"update": update.code})  # fmt: skip
    return update


def can_approve(
    session: Session, public: PublicIncident, update: PublicUpdate, actor: Actor
) -> bool:
    """Managers; for a public incident tied to an internal one, its commander or communications
    lead. The writer approves their own text only as the commander, who decides anyway."""
    if actor.allows(Role.manager):
        return True
    incident = session.get(Incident, public.incident_id) if public.incident_id else None
    if incident is None:
        return False
    roles = {
        r.role
        for r in active_roles(session=session, incident=incident)
        if r.person_id == actor.person_id
    }
    if update.written_by_id == actor.person_id:
        return IncidentRole.commander.value in roles
    return bool(roles & set(APPROVERS))


def do_approve(
    *, session: Session, actor: Actor, update: PublicUpdate, now: datetime
) -> PublicIncident:
    """Publish the update: the public incident takes its status, its components their new
    statuses, and the page (and its export and subscribers) follows."""
    public = update.public_incident
    if update.state != "draft":
        raise IllegalTransition("state", "this update is already published")
    if not can_approve(session, public, update, actor):
        raise PermissionDenied(
            "public text is approved by the incident's communications lead or commander"
        )
    update.state, update.display_at = "published", now
    update.approved_by_id = actor.person_id
    _apply_status(public, update.status, now)
    public.impact = update.impact or public.impact
    _apply_components(session, public, update, now)
    public.published_at = public.published_at or now
    public.updated_at = now
    _note_published(session, public, update, actor, now)
    announce(session, "published", public.code, now)
    return public


def _apply_status(public: PublicIncident, status: str, now: datetime) -> None:
    public.status = status
    public.started_at = public.started_at or now
    if status == IncidentStatus.monitoring.value:
        public.monitoring_at = public.monitoring_at or now
    if status in (IncidentStatus.resolved.value, MaintenanceStatus.completed.value):
        public.resolved_at = now


def _apply_components(
    session: Session, public: PublicIncident, update: PublicUpdate, now: datetime
) -> None:
    # A new list of new items: the JSON column sees no change made inside the loaded one.
    applied = []
    for item in update.affected_components:
        component = check_component(session, item["code"], "components")
        if component not in public.components:
            public.components.append(component)
        applied.append({**item, "old_status": component.status})
        do_set_status(
            session=session,
            component=component,
            status=ComponentStatus(item["new_status"]),
            now=now,
        )
    update.affected_components = applied


def _note_published(
    session: Session, public: PublicIncident, update: PublicUpdate, actor: Actor, now: datetime
) -> None:
    if public.incident_id is None:
        return
    incident = session.get(Incident, public.incident_id)
    if incident is not None:
        text = f"Status page updated ({update.status}): {update.body[:200]}"
        record(session=session, incident=incident, kind="public_update_published", actor=actor,
               now=now, text=text, data={"update": update.code, "public": public.code})  # fmt: skip


def public_ref(public: PublicIncident) -> str:
    return format_ref(public.incident_id) if public.incident_id else ""
