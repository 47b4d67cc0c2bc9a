"""Changes: create, edit, find, and their own timeline. Transitions are in ``lifecycle``;
conflicts in ``conflicts``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.access.service import Actor
from warroom.catalog.parties import check_assets
from warroom.catalog.service import check_services
from warroom.changes.models import Change, ChangeLog
from warroom.changes.rules import ChangeState, ChangeType, Risk
from warroom.changes.schemas import ChangeCreate, ChangeUpdate
from warroom.errors import InvalidInput, NotFound, VersionConflict
from warroom.events import DomainEvent, emit
from warroom.incidents.models import Incident
from warroom.incidents.rules import parse_ref
from warroom.incidents.service import check_person
from warroom.incidents.visibility import can_see

EDITABLE = ("title", "description", "backout_plan", "reboot_required")


def format_change(number: int) -> str:
    return f"CHG-{number}"


def parse_change(ref: str) -> int | None:
    text = ref.strip().upper().removeprefix("CHG-")
    return int(text) if text.isdigit() and len(text) < 12 else None


def access_change(*, session: Session, ref: str | int) -> Change:
    number = ref if isinstance(ref, int) else parse_change(ref)
    change = session.get(Change, number) if number is not None else None
    if change is None:
        raise NotFound(f"no change {ref}")
    return change


def log(
    *,
    session: Session,
    change: Change,
    kind: str,
    actor: Actor | None,
    now: datetime,
    text: str = "",
    data: dict[str, object] | None = None,
) -> ChangeLog:
    """Append to the change's timeline and announce it once committed."""
    item = ChangeLog(
        change_id=change.id,
        kind=kind,
        actor_id=actor.person_id if actor else None,
        at=now,
        text=text,
        data=data or {},
    )
    session.add(item)
    emit(
        session, DomainEvent(f"change.{kind}", format_change(change.id), {"kind": kind, "at": now})
    )
    return item


def change_log(*, session: Session, change: Change) -> list[ChangeLog]:
    query = select(ChangeLog).where(ChangeLog.change_id == change.id)
    return list(session.scalars(query.order_by(ChangeLog.at, ChangeLog.id)))


def check_window(start: datetime, end: datetime, field: str = "planned_end") -> None:
    if end <= start:
        raise InvalidInput(field, "must be after the start")


def _person(session: Session, email: str | None, field: str) -> Person | None:
    return check_person(session=session, email=email, field=field) if email else None


def check_incident_ref(session: Session, ref: str | None, actor: Actor | None) -> Incident | None:
    """The incident a change names (``INC-7`` or ``7``); unknown ones, and restricted ones the
    actor may not see, name the field alike."""
    if not ref:
        return None
    number = parse_ref(ref)
    incident = session.get(Incident, number) if number is not None else None
    if incident is None or not can_see(session, actor, incident):
        raise InvalidInput("incident", f"unknown incident {ref!r}")
    return incident


def do_create_change(
    *,
    session: Session,
    actor: Actor | None,
    data: ChangeCreate,
    now: datetime,
    source: str = "manual",
    state: ChangeState = ChangeState.draft,
) -> Change:
    check_window(data.planned_start, data.planned_end)
    incident = check_incident_ref(session, data.incident, actor)
    change = Change(
        title=data.title,
        type=data.type.value,
        state=state.value,
        description=data.description,
        backout_plan=data.backout_plan,
        risk=(data.risk or Risk.medium).value,
        reboot_required=data.reboot_required,
        planned_start=data.planned_start,
        planned_end=data.planned_end,
        owner_id=actor.person_id if actor else None,
        implementer=_person(session, data.implementer, "implementer"),
        authority=_person(session, data.authority, "authority"),
        incident_id=incident.id if incident else None,
        source=source,
        created_at=now,
        updated_at=now,
        services=check_services(session=session, names=data.services),
        assets=check_assets(session=session, hostnames=data.assets),
    )
    session.add(change)
    session.flush()
    if data.risk is None:
        from warroom.changes.present import risk_of  # present reads the catalog for hints

        change.risk = risk_of(session, change, now)[0].value
    log(session=session, change=change, kind="created", actor=actor, now=now, text=change.title)
    return change


def do_edit_change(
    *, session: Session, change: Change, actor: Actor | None, data: ChangeUpdate, now: datetime
) -> list[str]:
    """Apply the field edits (not the state); the names of the fields that changed."""
    if data.version is not None and data.version != change.version:
        raise VersionConflict(
            f"change {change.id} is at version {change.version}, not {data.version}"
        )
    changed = [name for name in EDITABLE if _set(change, name, getattr(data, name))]
    changed += _edit_window(change, data)
    changed += _edit_scope(session, change, data)
    changed += _edit_people(session, change, data)
    if data.type is not None and data.type.value != change.type:
        change.type, changed = data.type.value, [*changed, "type"]
    if data.risk is not None and data.risk.value != change.risk:
        change.risk, changed = data.risk.value, [*changed, "risk"]
    if changed:
        change.updated_at = now
        text = "Changed " + ", ".join(changed)
        log(session=session, change=change, kind="edited", actor=actor, now=now, text=text)
    return changed


def _set(change: Change, name: str, value: object) -> bool:
    if value is None or getattr(change, name) == value:
        return False
    setattr(change, name, value)
    return True


def _edit_window(change: Change, data: ChangeUpdate) -> list[str]:
    start = data.planned_start or change.planned_start
    end = data.planned_end or change.planned_end
    check_window(start, end)
    if data.actual_start and data.actual_end:
        check_window(data.actual_start, data.actual_end, "actual_end")
    names = ("planned_start", "planned_end", "actual_start", "actual_end")
    return [n for n in names if _set(change, n, getattr(data, n))]


def _edit_scope(session: Session, change: Change, data: ChangeUpdate) -> list[str]:
    changed = []
    if data.services is not None:
        services = check_services(session=session, names=data.services)
        if [s.id for s in services] != [s.id for s in change.services]:
            change.services, changed = services, ["services"]
    if data.assets is not None:
        assets = check_assets(session=session, hostnames=data.assets)
        if [a.id for a in assets] != [a.id for a in change.assets]:
            change.assets, changed = assets, [*changed, "assets"]
    return changed


def _edit_people(session: Session, change: Change, data: ChangeUpdate) -> list[str]:
    changed = []
    for name in ("implementer", "authority"):
        email = getattr(data, name)
        if email is None:
            continue
        person = _person(session, email, name) if email.strip() else None
        if getattr(change, name) != person:
            setattr(change, name, person)
            changed.append(name)
    return changed


@dataclass(frozen=True)
class ChangeFilter:
    states: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    since: datetime | None = None  # planned to end after
    until: datetime | None = None  # planned to start before
    service: str | None = None
    limit: int = 500


def list_changes(*, session: Session, wanted: ChangeFilter) -> list[Change]:
    query: Select[tuple[Change]] = select(Change)
    if wanted.states:
        query = query.where(Change.state.in_(wanted.states))
    if wanted.types:
        query = query.where(Change.type.in_(wanted.types))
    if wanted.since is not None:
        query = query.where(Change.planned_end > wanted.since)
    if wanted.until is not None:
        query = query.where(Change.planned_start < wanted.until)
    if wanted.service:
        from warroom.catalog.models import Service
        from warroom.changes.models import ChangeService

        query = (
            query.join(ChangeService, ChangeService.change_id == Change.id)
            .join(Service, Service.id == ChangeService.service_id)
            .where(Service.name == wanted.service)
        )
    query = query.order_by(Change.planned_start, Change.id).limit(wanted.limit)
    return list(session.scalars(query))


def is_emergency(change: Change) -> bool:
    return change.type == ChangeType.emergency.value
