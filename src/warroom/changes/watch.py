"""Conflicts are evaluated again, inside the transaction that caused it, whenever a change is
saved, an incident opens or changes severity, scope or status, an alert group gains a host, or
a freeze is set or lifted.

Why a reaction (``warroom.events.react``) and not an after-commit listener: the conflicts kept
on a change, and the notices about new ones, must commit with their cause (a notice about an
incident that rolled back would be false; one lost in a crash would be the failure this product
exists to prevent). It runs in a savepoint: a failure is logged and never blocks declaring an
incident or ingesting alerts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from warroom.changes.conflicts import do_brief_commander, do_refresh, do_refresh_live
from warroom.changes.deploys import do_record_change_event
from warroom.changes.gate import any_due, do_go_no_go
from warroom.changes.models import Change
from warroom.changes.rules import ENDED
from warroom.changes.service import access_change
from warroom.db import transaction, utcnow
from warroom.events import DomainEvent, react, reacts
from warroom.incidents.models import Incident
from warroom.incidents.rules import parse_ref
from warroom.oncall.delivery import begin_writing
from warroom.settings import Settings

log = logging.getLogger("warroom.changes")
REACTION = "changes.conflicts"
CHANGE_KINDS = frozenset({"created", "edited", "state_changed"})
INCIDENT_KINDS = frozenset({"declared", "severity_changed", "services_changed", "status_changed"})
# A change whose window ended this long ago without being closed is still checked.
GRACE = timedelta(days=1)


def install_change_watch(factory: sessionmaker[Session], *, base_url: str) -> None:
    react(factory, REACTION, lambda session, event: on_event(session, event, base_url))


def ensure_change_watch(factory: sessionmaker[Session], settings: Settings) -> None:
    if not reacts(factory, REACTION):
        install_change_watch(factory, base_url=settings.base_url)


def on_event(session: Session, event: DomainEvent, base_url: str) -> None:
    if event.name == "change_event.recorded":
        _record_deploy(session, event)
        return
    if event.data.get("kind") == "role_assigned" and event.data.get("role") == "commander":
        _brief(session, event, base_url)
        return
    refresh = _refresh_for(session, event, base_url)
    if refresh is None:
        return
    try:
        with session.begin_nested():
            refresh()
    except Exception:
        log.exception(
            "conflict check failed", extra={"event": event.name, "subject": event.subject}
        )


def _record_deploy(session: Session, event: DomainEvent) -> None:
    """A deploy reported to ``/v2/change/enqueue`` becomes a completed change; a failure here
    never loses the event, which alert intake has kept."""
    try:
        with session.begin_nested():
            now = event.data.get("at") or utcnow()
            do_record_change_event(session=session, event_id=event.data["id"], now=now)
    except Exception:
        log.exception("recording a change event failed", extra={"subject": event.subject})


def _brief(session: Session, event: DomainEvent, base_url: str) -> None:
    number = parse_ref(event.subject)
    incident = session.get(Incident, number) if number is not None else None
    if incident is None:
        return
    try:
        with session.begin_nested():
            do_brief_commander(
                session=session, incident=incident, now=event.data["at"], base_url=base_url
            )
    except Exception:
        log.exception("briefing the commander failed", extra={"subject": event.subject})


def _refresh_for(
    session: Session, event: DomainEvent, base_url: str
) -> Callable[[], object] | None:
    """What to check again after ``event``: the change saved, or every live change when an
    incident or an alert group moved; None when the event changes nothing checked."""
    kind = event.data.get("kind")
    if event.name.startswith("change.") and kind in CHANGE_KINDS:
        change = access_change(session=session, ref=event.subject)
        now = event.data.get("at") or change.updated_at
        return lambda: do_refresh(session=session, changes=[change], now=now, base_url=base_url)
    moved = (
        (event.name.startswith("incident.") and kind in INCIDENT_KINDS)
        or (event.name == "alert_group.updated" and event.data.get("grown"))
        or event.name == "window.changed"
    )
    if not moved:
        return None
    at = event.data.get("at") or utcnow()
    where = [Change.planned_end > at - GRACE]
    return lambda: do_refresh_live(session=session, where=where, now=at, base_url=base_url)


def live_changes(session: Session, now: datetime | None) -> list[Change]:
    """Changes not ended whose window has not long passed: those a conflict can still stop."""
    query = select(Change).where(Change.state.not_in([s.value for s in ENDED]))
    if now is not None:
        query = query.where(Change.planned_end > now - GRACE)
    return list(session.scalars(query.order_by(Change.planned_start)))


def worker_jobs(
    settings: Settings,
) -> list[tuple[str, Callable[[sessionmaker[Session], datetime], int]]]:
    """The worker's periodic change jobs: the go/no-go check before each change starts."""
    lead = settings.change_check_minutes

    def go_no_go(sessions: sessionmaker[Session], now: datetime) -> int:
        with sessions() as session:
            if not any_due(session=session, now=now, lead_minutes=lead):
                return 0
        with transaction(sessions) as session:
            begin_writing(session)
            return do_go_no_go(
                session=session, now=now, lead_minutes=lead, base_url=settings.base_url
            )

    return [("go/no-go checks", go_no_go)]
