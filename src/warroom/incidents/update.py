"""Changing an incident: fields, severity, status and milestones, with an edit-conflict check."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from warroom.access.service import Actor
from warroom.catalog.service import check_services
from warroom.errors import InvalidInput, VersionConflict
from warroom.incidents.declare import (
    assign_declarer_as_commander,
    bring_owners,
    owner_as_commander,
)
from warroom.incidents.models import Incident
from warroom.incidents.rules import (
    MILESTONES,
    Severity,
    Status,
    check_milestone_order,
    check_transition,
    milestones_for_status,
    needs_commander,
)
from warroom.incidents.schemas import IncidentUpdate
from warroom.incidents.service import commander_of, record


def check_version(incident: Incident, seen: int | None) -> None:
    if seen is not None and seen != incident.version:
        raise VersionConflict(
            f"{incident.title!r} was changed by someone else (you saw version {seen}, "
            f"it is now {incident.version}); reload and try again"
        )


def do_update(
    *,
    session: Session,
    incident: Incident,
    actor: Actor | None,
    data: IncidentUpdate,
    now: datetime,
) -> Incident:
    """Apply ``data``; ``actor`` None is warroom itself (a storm that spread, say)."""
    check_version(incident, data.version)
    changed = _texts(session, incident, actor, data, now)
    changed |= _services(session, incident, actor, data, now)
    changed |= _milestones(session, incident, actor, data, now)
    changed |= _severity(session, incident, actor, data, now)
    changed |= _status(session, incident, actor, data, now)
    changed |= _restriction(session, incident, actor, data, now)
    if changed:
        incident.updated_at = now
        try:
            session.flush()
        except StaleDataError as exc:
            raise VersionConflict("the incident was changed by someone else; reload") from exc
    return incident


def _restriction(
    session: Session, incident: Incident, actor: Actor | None, data: IncidentUpdate, now: datetime
) -> bool:
    if data.restricted is None or data.restricted == incident.restricted:
        return False
    if not data.restricted and not (data.message and data.message.strip()):
        raise InvalidInput("message", "say why the restriction is lifted (it goes on the timeline)")
    incident.restricted = data.restricted
    text = (
        "Restricted: only its members and the security team can see it"
        if data.restricted
        else "Restriction lifted: everyone with access to warroom can see it"
    )
    reason = f" ({data.message.strip()})" if data.message and data.message.strip() else ""
    record(session=session, incident=incident, kind="restriction", actor=actor, now=now,
           text=text + reason, before=str(not data.restricted).lower(),
           after=str(data.restricted).lower())  # fmt: skip
    return True


def _texts(
    s: Session, inc: Incident, actor: Actor | None, data: IncidentUpdate, now: datetime
) -> bool:
    changed = False
    for field in ("title", "description"):
        new = getattr(data, field)
        old = getattr(inc, field)
        if new is not None and new != old:
            setattr(inc, field, new)
            record(
                session=s,
                incident=inc,
                kind="field_changed",
                actor=actor,
                now=now,
                text=f"{field.capitalize()} changed",
                before=old[:500],
                after=new[:500],
                data={"field": field},
            )
            changed = True
    return changed


def _services(
    s: Session, inc: Incident, actor: Actor | None, data: IncidentUpdate, now: datetime
) -> bool:
    if data.services is None:
        return False
    services = check_services(session=s, names=data.services)
    old = [x.name for x in inc.services]
    new = [x.name for x in services]
    if sorted(old) == sorted(new):
        return False
    added = [x for x in services if x.name not in old]
    inc.services = services
    record(
        session=s,
        incident=inc,
        kind="services_changed",
        actor=actor,
        now=now,
        text=f"Impacted services: {', '.join(new) or 'none'}",
        before=", ".join(old),
        after=", ".join(new),
    )
    bring_owners(s, inc, actor, added, now)
    return True


def _milestones(
    s: Session, inc: Incident, actor: Actor | None, data: IncidentUpdate, now: datetime
) -> bool:
    given = {m: getattr(data, m) for m in MILESTONES if getattr(data, m) is not None}
    if not given:
        return False
    merged = {m: getattr(inc, m) for m in MILESTONES} | given
    check_milestone_order(merged, now)
    for name, value in given.items():
        old = getattr(inc, name)
        if old != value:
            setattr(inc, name, value)
            record(
                session=s,
                incident=inc,
                kind="milestone_changed",
                actor=actor,
                now=now,
                text=f"{name.removesuffix('_at').capitalize()} set",
                before=old.isoformat() if old else None,
                after=value.isoformat(),
                data={"milestone": name},
            )
    return True


def _severity(
    s: Session, inc: Incident, actor: Actor | None, data: IncidentUpdate, now: datetime
) -> bool:
    if data.severity is None or data.severity.value == inc.severity:
        return False
    old = inc.severity
    inc.severity = data.severity.value
    text = f"Severity {old} → {data.severity}"
    record(
        session=s,
        incident=inc,
        kind="severity_changed",
        actor=actor,
        now=now,
        text=text + (f": {data.message}" if data.message else ""),
        before=old,
        after=data.severity.value,
    )
    if needs_commander(Severity(inc.severity)) and commander_of(session=s, incident=inc) is None:
        if actor is not None:
            assign_declarer_as_commander(session=s, incident=inc, actor=actor, now=now)
        else:
            owner_as_commander(s, inc, now)
    return True


def _status(
    s: Session, inc: Incident, actor: Actor | None, data: IncidentUpdate, now: datetime
) -> bool:
    if data.status is None or data.status.value == inc.status:
        return False
    old = Status(inc.status)
    check_transition(old, data.status)
    current = {m: getattr(inc, m) for m in MILESTONES}
    for name, value in milestones_for_status(data.status, current, now).items():
        setattr(inc, name, value)
    inc.status = data.status.value
    inc.closed_at = now if data.status is Status.closed else None
    text = f"Status {old} → {data.status}"
    record(
        session=s,
        incident=inc,
        kind="status_changed",
        actor=actor,
        now=now,
        text=text + (f": {data.message}" if data.message else ""),
        before=old.value,
        after=data.status.value,
    )
    return True


def do_resolve(
    *,
    session: Session,
    incident: Incident,
    actor: Actor,
    message: str | None,
    now: datetime,
    version: int | None = None,
) -> Incident:
    data = IncidentUpdate(status=Status.resolved, message=message, version=version)
    return do_update(session=session, incident=incident, actor=actor, data=data, now=now)
