"""Postmortem use cases: draft one from the incident, edit its sections, move it through
review to published, keep its due date in step with the incident, and list them for a viewer.

Every write goes on the incident's timeline too. The caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from warroom.access.models import Person
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.errors import Blocked, Conflict, NotFound, PermissionDenied, VersionConflict
from warroom.incidents.models import Incident
from warroom.incidents.rules import Status, format_ref
from warroom.incidents.service import check_person, commander_of, record
from warroom.incidents.visibility import sight, visible
from warroom.reviews.draft import compose
from warroom.reviews.facts import draft_facts
from warroom.reviews.models import ActionItem, Postmortem
from warroom.reviews.rules import (
    OPEN_ACTION_STATUSES,
    SECTION_KEYS,
    PostmortemState,
    check_transition,
    due_at,
    is_required,
)
from warroom.reviews.schemas import PostmortemPatch
from warroom.statuspage.followup import do_plan_outreach

State = PostmortemState


def find_postmortem(session: Session, incident: Incident) -> Postmortem | None:
    return session.scalar(select(Postmortem).where(Postmortem.incident_id == incident.id))


def access_postmortem(*, session: Session, incident: Incident) -> Postmortem:
    """The incident's postmortem (the incident already checked for the viewer), else 404."""
    found = find_postmortem(session, incident)
    if found is None:
        raise NotFound(f"{format_ref(incident.id)} has no postmortem yet; draft one first")
    return found


def do_draft(
    *,
    session: Session,
    incident: Incident,
    actor: Actor | None,
    now: datetime,
    redraft: bool = False,
) -> tuple[Postmortem, bool]:
    """The incident's postmortem, drafted from what is known when there is none yet (True);
    an existing one is returned untouched, or written over when ``redraft`` and still a draft."""
    found = find_postmortem(session, incident)
    if found is not None and not redraft:
        return found, False
    sections = compose(draft_facts(session, incident, now))
    ref = format_ref(incident.id)
    if found is not None:
        if State(found.state) is not State.draft:
            raise Conflict(f"the postmortem of {ref} is {State(found.state).label}: "
                           "only a draft is redrafted (reopen it first)")  # fmt: skip
        found.sections, found.drafted_at, found.updated_at = sections, now, now
        _note(session, incident, actor, now, "Postmortem redrafted from the timeline")
        session.flush()
        return found, False
    commander = commander_of(session=session, incident=incident)
    made = Postmortem(
        incident_id=incident.id,
        state=State.draft.value,
        sections=sections,
        owner_id=commander.person_id if commander else (actor.person_id if actor else None),
        due_at=due_at(incident.severity, incident.resolved_at),
        created_at=now,
        updated_at=now,
        drafted_at=now,
    )
    session.add(made)
    session.flush()
    _note(session, incident, actor, now, "Postmortem drafted from the timeline")
    return made, True


def check_version(postmortem: Postmortem, seen: int | None) -> None:
    if seen is not None and seen != postmortem.version:
        raise VersionConflict(
            f"the postmortem was changed by someone else (you saw version {seen}, it is now "
            f"{postmortem.version}); reload and try again"
        )


def do_edit(
    *,
    session: Session,
    incident: Incident,
    postmortem: Postmortem,
    actor: Actor,
    data: PostmortemPatch,
    now: datetime,
) -> Postmortem:
    check_version(postmortem, data.version)
    if State(postmortem.state) is State.published:
        raise Conflict("the postmortem is published: reopen it to edit")
    given = {k: getattr(data, k) for k in SECTION_KEYS if getattr(data, k) is not None}
    changed = [k for k, v in given.items() if postmortem.sections.get(k) != v]
    if changed:
        postmortem.sections = {**postmortem.sections, **given}
    if "owner" in data.model_fields_set:  # null: nobody drives it (reminders go to the IC)
        owner = (
            check_person(session=session, email=data.owner, field="owner") if data.owner else None
        )
        changed += ["owner"] if (owner.id if owner else None) != postmortem.owner_id else []
        postmortem.owner = owner
    if changed:
        postmortem.updated_at = now
        _flush(session)
        _note(session, incident, actor, now, f"Postmortem edited: {', '.join(changed)}")
    return postmortem


def do_move(
    *,
    session: Session,
    incident: Incident,
    postmortem: Postmortem,
    actor: Actor,
    target: PostmortemState,
    now: datetime,
    version: int | None = None,
) -> Postmortem:
    """Submit for review, publish, or reopen (a review sends it back; a correction)."""
    check_version(postmortem, version)
    current = State(postmortem.state)
    check_transition(current, target)
    if target is State.published:
        _check_publisher(session, incident, actor)
        if Status(incident.status).is_active:
            raise Conflict(f"{format_ref(incident.id)} is still {incident.status}: "
                           "publish its postmortem once it is resolved")  # fmt: skip
    if current is State.published and incident.status == Status.closed.value:
        raise Conflict(f"{format_ref(incident.id)} is closed: its published postmortem is "
                       "the record and stays as it is")  # fmt: skip
    postmortem.state, postmortem.updated_at = target.value, now
    if target is State.in_review:
        postmortem.submitted_at = now
    if target is State.published:
        postmortem.published_at = now
        postmortem.published_by = session.get(Person, actor.person_id)
    _flush(session)
    words = {State.in_review: "submitted for review", State.published: "published"}
    text = f"Postmortem {words.get(target, 'reopened as a draft')}"
    _note(session, incident, actor, now, text, kind=f"postmortem_{target.value}")
    return postmortem


def _check_publisher(session: Session, incident: Incident, actor: Actor) -> None:
    """The review is done when its commander (or a manager) says so."""
    commander = commander_of(session=session, incident=incident)
    if actor.allows(Role.manager) or (commander and commander.person_id == actor.person_id):
        return
    raise PermissionDenied("only the incident commander or a manager publishes the postmortem")


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise VersionConflict("the postmortem was changed by someone else; reload") from exc


def _note(
    session: Session,
    incident: Incident,
    actor: Actor | None,
    now: datetime,
    text: str,
    kind: str = "postmortem",
) -> None:
    record(session=session, incident=incident, kind=kind, actor=actor, now=now, text=text)


# ---------------------------------------------------------------- the incident's side


def sync_with_incident(*, session: Session, incident: Incident, now: datetime) -> None:
    """After the incident's severity, status or resolution changed: a resolved major incident
    gets its draft at once, and an outreach task for each of the customers it hurt most (the
    follow-up is then tracked like any task); the due date follows severity and resolution."""
    found = find_postmortem(session, incident)
    resolved = incident.status in (Status.resolved.value, Status.closed.value)
    if found is None and resolved and is_required(incident.severity):
        do_draft(session=session, incident=incident, actor=None, now=now)
        do_plan_outreach(session=session, incident=incident, actor=None, now=now)
        return
    if found is not None:
        found.due_at = due_at(incident.severity, incident.resolved_at)
        if found.state == State.published.value and Status(incident.status).is_active:
            # Reopened: what the postmortem says may no longer hold, and closing waits on it.
            found.state = State.draft.value
            _note(session, incident, None, now, "Postmortem reopened as a draft: the incident "
                  "was reopened", kind="postmortem_draft")  # fmt: skip


def check_closable(*, session: Session, incident: Incident) -> None:
    """A SEV1 or SEV2 closes only once its postmortem is published (closed = review done)."""
    if not is_required(incident.severity):
        return
    found = find_postmortem(session, incident)
    if found is not None and State(found.state) is State.published:
        return
    state = State(found.state).label if found else "not drafted yet"
    raise Blocked(
        f"{format_ref(incident.id)} is {incident.severity}: it closes once its postmortem is "
        f"published (the postmortem is {state})",
        extra={"postmortem": found.state if found else None},
    )


# ---------------------------------------------------------------- lists


@dataclass(frozen=True)
class PostmortemFilter:
    states: tuple[PostmortemState, ...] = ()
    overdue: bool | None = None


@dataclass(frozen=True)
class Listed:
    postmortem: Postmortem
    incident: Incident
    open_actions: int


def list_postmortems(
    *, session: Session, actor: Actor, wanted: PostmortemFilter, now: datetime, limit: int = 200
) -> list[Listed]:
    """Postmortems of the incidents this viewer may see, soonest due first."""
    query: Select[Postmortem, Incident] = (
        select(Postmortem, Incident)
        .join(Incident, Incident.id == Postmortem.incident_id)
        .where(visible(sight(session, actor), Postmortem.incident_id))
    )
    if wanted.states:
        query = query.where(Postmortem.state.in_([s.value for s in wanted.states]))
    late = Postmortem.due_at.is_not(None) & (Postmortem.due_at <= now)
    late = late & (Postmortem.state != State.published.value)
    if wanted.overdue is not None:
        query = query.where(late if wanted.overdue else ~late)
    order = (Postmortem.due_at.is_(None), Postmortem.due_at, Postmortem.id.desc())
    rows = session.execute(query.order_by(*order).limit(limit)).all()
    counts = _open_actions(session, [p.incident_id for p, _ in rows])
    return [Listed(p, i, counts.get(i.id, 0)) for p, i in rows]


def _open_actions(session: Session, incident_ids: list[int]) -> dict[int, int]:
    if not incident_ids:
        return {}
    query = (
        select(ActionItem.incident_id, func.count())
        .where(
            ActionItem.incident_id.in_(incident_ids),
            ActionItem.status.in_(OPEN_ACTION_STATUSES),
        )
        .group_by(ActionItem.incident_id)
    )
    return {int(i): int(n) for i, n in session.execute(query).all()}


def do_hold_review(
    *, session: Session, incident: Incident, actor: Actor, now: datetime
) -> Postmortem:
    """Record a review held outside warroom (the demo's history): the postmortem is drafted if
    need be and taken through review to published at once."""
    found, _ = do_draft(session=session, incident=incident, actor=actor, now=now)
    for target in (State.in_review, State.published):
        if State(found.state) is not State.published:
            do_move(session=session, incident=incident, postmortem=found, actor=actor,
                    target=target, now=now)  # fmt: skip
    return found
