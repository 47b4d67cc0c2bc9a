"""Action item use cases: add one to an incident, change it, and list them across incidents
for a viewer (by status, owner, lateness). The caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from warroom.access.models import Person
from warroom.access.service import Actor
from warroom.errors import NotFound, VersionConflict
from warroom.incidents.models import Incident
from warroom.incidents.service import check_person, record
from warroom.incidents.visibility import can_see, sight, visible
from warroom.reviews.models import ActionItem
from warroom.reviews.rules import OPEN_ACTION_STATUSES, ActionStatus
from warroom.reviews.schemas import ActionItemIn, ActionItemPatch


def access_action(*, session: Session, item_id: int, actor: Actor) -> tuple[ActionItem, Incident]:
    """The item and its incident; 404 when either is missing or hidden from this viewer."""
    item = session.get(ActionItem, item_id)
    incident = session.get(Incident, item.incident_id) if item is not None else None
    if item is None or incident is None or not can_see(session, actor, incident):
        raise NotFound(f"no action item {item_id}")
    return item, incident


def incident_actions(*, session: Session, incident: Incident) -> list[ActionItem]:
    query = select(ActionItem).where(ActionItem.incident_id == incident.id)
    return list(session.scalars(query.order_by(ActionItem.id)))


def do_add_action(
    *, session: Session, incident: Incident, actor: Actor, data: ActionItemIn, now: datetime
) -> ActionItem:
    owner = check_person(session=session, email=data.owner, field="owner") if data.owner else None
    item = ActionItem(
        incident_id=incident.id,
        title=data.title,
        type=data.type.value,
        status=data.status.value,
        owner=owner,
        due_on=data.due_on,
        tracker_url=data.tracker_url,
        created_at=now,
        updated_at=now,
        created_by_id=actor.person_id,
        completed_at=None if data.status.is_open else now,
    )
    session.add(item)
    session.flush()
    _note(session, incident, actor, now, f"Action item {item.id} added ({item.type}): {item.title}")
    return item


def do_update_action(
    *,
    session: Session,
    incident: Incident,
    item: ActionItem,
    actor: Actor,
    data: ActionItemPatch,
    now: datetime,
) -> ActionItem:
    if data.version is not None and data.version != item.version:
        raise VersionConflict(
            f"action item {item.id} was changed by someone else (you saw version "
            f"{data.version}, it is now {item.version}); reload and try again"
        )
    sent = data.model_fields_set - {"version"}
    changed = [name for name in sorted(sent) if _apply(session, item, data, name, now)]
    if not changed:
        return item
    item.updated_at = now
    try:
        session.flush()
    except StaleDataError as exc:
        raise VersionConflict("the action item was changed by someone else; reload") from exc
    words = ", ".join(changed)
    status = f" (now {ActionStatus(item.status).label})" if "status" in changed else ""
    _note(session, incident, actor, now, f"Action item {item.id} changed: {words}{status}")
    return item


def _apply(
    session: Session, item: ActionItem, data: ActionItemPatch, name: str, now: datetime
) -> bool:
    value = getattr(data, name)
    if name in ("title", "type", "status") and value is None:
        return False  # these cannot be cleared; null leaves them as they are
    if name == "owner":
        owner = check_person(session=session, email=value, field="owner") if value else None
        if item.owner_id == (owner.id if owner else None):
            return False
        item.owner = owner  # the relationship, so the answer shows the new owner
        return True
    new: object = value
    if name in ("type", "status"):
        new = value.value
    if getattr(item, name) == new:
        return False
    setattr(item, name, new)
    if name == "status":
        item.completed_at = None if ActionStatus(str(new)).is_open else now
    return True


def _note(session: Session, incident: Incident, actor: Actor, now: datetime, text: str) -> None:
    record(session=session, incident=incident, kind="action_item", actor=actor, now=now, text=text)


@dataclass(frozen=True)
class ActionFilter:
    statuses: tuple[ActionStatus, ...] = ()
    owner: str | None = None  # an email
    overdue: bool | None = None
    incident_id: int | None = None


def list_actions(
    *, session: Session, actor: Actor, wanted: ActionFilter, now: datetime, limit: int = 500
) -> list[tuple[ActionItem, Incident]]:
    """Action items of the incidents this viewer may see: the late ones first, then by due
    date (none last)."""
    query: Select[ActionItem, Incident] = (
        select(ActionItem, Incident)
        .join(Incident, Incident.id == ActionItem.incident_id)
        .where(visible(sight(session, actor), ActionItem.incident_id))
    )
    if wanted.statuses:
        query = query.where(ActionItem.status.in_([s.value for s in wanted.statuses]))
    if wanted.owner is not None:
        email = wanted.owner.strip().lower()
        query = query.join(Person, Person.id == ActionItem.owner_id).where(Person.email == email)
    if wanted.incident_id is not None:
        query = query.where(ActionItem.incident_id == wanted.incident_id)
    late = ActionItem.status.in_(OPEN_ACTION_STATUSES) & ActionItem.due_on.is_not(None)
    late = late & (ActionItem.due_on < now.date())
    if wanted.overdue is not None:
        query = query.where(late if wanted.overdue else ~late)
    order = (ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
    return [(i, n) for i, n in session.execute(query.order_by(*order).limit(limit)).all()]
