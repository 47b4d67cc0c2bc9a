"""The worker's reminders: a postmortem's owner hears a day before it is due and once it is
late; an action item's owner hears once it is late. Each is sent once per due time (a unique
row claims it, so several workers send it once), and only to people who may see the incident.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from warroom.access.models import Person
from warroom.db import transaction
from warroom.incidents.models import Incident
from warroom.incidents.rules import format_ref
from warroom.incidents.service import commander_of
from warroom.incidents.visibility import may_see_people
from warroom.oncall.notices import do_notify
from warroom.reviews.models import ActionItem, Postmortem, ReviewReminder
from warroom.reviews.rules import (
    DUE_SOON,
    OPEN_ACTION_STATUSES,
    PostmortemState,
    action_late_from,
    reminder_due,
)
from warroom.settings import Settings


def do_remind_reviews(*, session: Session, now: datetime, base_url: str) -> int:
    """Send the reminders owed at ``now``; returns how many went out."""
    return _postmortems(session, now, base_url) + _actions(session, now, base_url)


def _postmortems(session: Session, now: datetime, base_url: str) -> int:
    query = select(Postmortem, Incident).join(Incident, Incident.id == Postmortem.incident_id)
    query = query.where(
        Postmortem.state != PostmortemState.published.value,
        Postmortem.due_at.is_not(None),
        Postmortem.due_at <= now + DUE_SOON,
    )
    sent = 0
    for postmortem, incident in session.execute(query).all():
        owed = reminder_due(PostmortemState(postmortem.state), postmortem.due_at, now)
        if owed is None:
            continue
        kind, due = owed
        # Nobody to tell yet (no owner, no commander): not claimed, so it goes once one is set.
        person = _reader(session, incident, postmortem.owner or _commander(session, incident))
        if person and _claim(session, incident, f"postmortem:{postmortem.id}", kind, due, now):
            sent += _tell_postmortem(
                session, incident, postmortem, person, (kind, due), now, base_url
            )
    return sent


def _tell_postmortem(
    session: Session,
    incident: Incident,
    postmortem: Postmortem,
    person: Person,
    owed: tuple[str, datetime],
    now: datetime,
    base_url: str,
) -> int:
    kind, due = owed
    ref = format_ref(incident.id)
    late = "is overdue" if kind == "overdue" else "is due within a day"
    state = PostmortemState(postmortem.state).label
    body = (
        f"{ref} ({incident.severity}) {incident.title}\n\n"
        f"Its postmortem {late}: due {due:%Y-%m-%d %H:%M} UTC, still {state}. The incident "
        f"closes once it is published.\n\n{base_url.rstrip('/')}/incidents/{ref}/postmortem"
    )
    subject = f"Postmortem {'overdue' if kind == 'overdue' else 'due soon'}: {ref} {incident.title}"
    return _notify(session, incident, person, subject, body, now)


def _actions(session: Session, now: datetime, base_url: str) -> int:
    query = select(ActionItem, Incident).join(Incident, Incident.id == ActionItem.incident_id)
    query = query.where(
        ActionItem.status.in_(OPEN_ACTION_STATUSES),
        ActionItem.due_on.is_not(None),
        ActionItem.due_on < now.date(),
    )
    sent = 0
    for item, incident in session.execute(query).all():
        assert item.due_on is not None  # filtered above
        late_from = action_late_from(item.due_on)
        owner = _reader(session, incident, item.owner)
        if owner is None or not _claim(
            session, incident, f"action:{item.id}", "overdue", late_from, now
        ):
            continue
        ref = format_ref(incident.id)
        body = (
            f"{ref} {incident.title}\n\nAction item {item.id} ({item.type}) was due on "
            f"{item.due_on:%Y-%m-%d}: {item.title}\n\nMark it done, or say why it will not be "
            f"done: {base_url.rstrip('/')}/incidents/{ref}/postmortem#action-items"
        )
        subject = f"Action item overdue: {item.title} ({ref})"
        sent += _notify(session, incident, owner, subject, body, now)
    return sent


def _commander(session: Session, incident: Incident) -> Person | None:
    found = commander_of(session=session, incident=incident)
    return found.person if found else None


def _reader(session: Session, incident: Incident, person: Person | None) -> Person | None:
    """Who is told, if anyone: a restricted incident only to its members and the security
    team."""
    if person is None or person.id not in may_see_people(session, incident, [person.id]):
        return None
    return person


def _notify(
    session: Session, incident: Incident, person: Person, subject: str, body: str, now: datetime
) -> int:
    do_notify(session=session, people=[person], subject=subject, body=body, now=now,
              incident_id=incident.id)  # fmt: skip
    return 1


def _claim(
    session: Session, incident: Incident, subject: str, kind: str, due: datetime, now: datetime
) -> bool:
    try:
        with session.begin_nested():
            session.add(ReviewReminder(incident_id=incident.id, subject=subject, kind=kind,
                                       due_at=due, sent_at=now))  # fmt: skip
    except IntegrityError:
        return False
    return True


def worker_jobs(
    settings: Settings,
) -> list[tuple[str, Callable[[sessionmaker[Session], datetime], int]]]:
    """The worker's reminders of postmortems coming due and of late action items."""

    def remind(sessions: sessionmaker[Session], now: datetime) -> int:
        with transaction(sessions) as session:
            return do_remind_reviews(session=session, now=now, base_url=settings.base_url)

    return [("review reminders", remind)]
