"""How reviews follow incidents without incidents knowing about reviews: a reaction inside the
transaction of every incident change (``warroom.events.react``). Resolving a SEV1 or SEV2
drafts its postmortem at once; severity and resolution keep the due date in step; and closing
a major incident is refused, rolling the whole change back, until its postmortem is published.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from warroom.events import DomainEvent, react, reacts
from warroom.incidents.models import Incident
from warroom.incidents.rules import Status, parse_ref
from warroom.reviews.service import check_closable, sync_with_incident

REACTION = "reviews.postmortems"
FOLLOWED = frozenset({"status_changed", "severity_changed", "milestone_changed"})


def install_reviews(factory: sessionmaker[Session]) -> None:
    react(factory, REACTION, on_incident_event)


def ensure_reviews(factory: sessionmaker[Session]) -> None:
    """For processes without ``create_app`` (the CLI on the local database)."""
    if not reacts(factory, REACTION):
        install_reviews(factory)


def on_incident_event(session: Session, event: DomainEvent) -> None:
    kind = event.data.get("kind")
    if not event.name.startswith("incident.") or kind not in FOLLOWED:
        return
    number = parse_ref(event.subject)
    incident = session.get(Incident, number) if number is not None else None
    if incident is None:
        return
    if kind == "status_changed" and event.data.get("after") == Status.closed.value:
        check_closable(session=session, incident=incident)
    at = event.data.get("at")
    if isinstance(at, datetime):
        sync_with_incident(session=session, incident=incident, now=at)
