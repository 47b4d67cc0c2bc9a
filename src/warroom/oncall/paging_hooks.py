"""Paging reacts to incidents inside their transaction.

Why not the after-commit dispatcher: the pages and deliveries are an outbox and must commit
with the declaration or severity change that caused them (a crash between the two would lose
a page, or page for an incident that was rolled back). Why not a flush listener: paging needs
to flush (an acknowledge link carries the page's id), which a flush listener cannot. So
``install_paging`` registers a reaction through ``warroom.events.react``: incidents emit their
timeline events as always, and paging runs at once in the same session, importing incidents
while incidents never import on-call. Paging runs in a savepoint: it is kept whole or not at
all, and an error in it is noted on the timeline instead of failing the incident's change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from warroom.events import DomainEvent, react, reacts
from warroom.incidents.models import Incident
from warroom.incidents.rules import Severity, Status, parse_ref
from warroom.oncall.escalation_rules import (
    Urgency,
    pages_automatically,
    rise_urgency,
    urgency,
)
from warroom.oncall.paging import do_close_page_of, do_stop_paging
from warroom.oncall.paging_notify import PagingContext
from warroom.oncall.paging_start import do_start_paging, run_whole
from warroom.settings import Settings

REACTION = "oncall.paging"
ENDED = frozenset({Status.resolved.value, Status.closed.value})


def install_paging(factory: sessionmaker[Session], *, base_url: str, secret: str | None) -> None:
    """Page from every transaction of ``factory``; installing again replaces the settings."""
    context = PagingContext(base_url, secret)
    react(factory, REACTION, lambda session, event: on_incident_event(session, event, context))


def ensure_paging(factory: sessionmaker[Session], settings: Settings) -> None:
    """Page from a process that has no ``create_app`` (the CLI on the local database), with the
    settings' public URL and the signing secret the server keeps in the database."""
    if not reacts(factory, REACTION):
        install_paging(factory, base_url=settings.base_url, secret=settings.secret_key)


def on_incident_event(session: Session, event: DomainEvent, context: PagingContext) -> None:
    kind = event.data.get("kind")
    if not event.name.startswith("incident.") or kind not in _HANDLERS:
        return
    number = parse_ref(event.subject)
    incident = session.get(Incident, number) if number is not None else None
    if incident is not None:
        _HANDLERS[kind](session, incident, event.data, context)


def _declared(s: Session, inc: Incident, data: dict[str, Any], ctx: PagingContext) -> None:
    _page(s, inc, urgency(Severity(inc.severity)), f"{inc.severity} declared", _at(data), ctx)


def _severity(s: Session, inc: Incident, data: dict[str, Any], ctx: PagingContext) -> None:
    before, after = data.get("before"), data.get("after")
    if before and after:
        how = rise_urgency(Severity(before), Severity(after))
        _page(s, inc, how, f"severity rose {before} → {after}", _at(data), ctx)


def _page(
    s: Session, inc: Incident, how: Urgency, why: str, now: datetime, ctx: PagingContext
) -> None:
    if how is Urgency.never:
        return
    later = how is Urgency.business_hours
    run_whole(
        s, inc, now,
        lambda: do_start_paging(
            session=s, incident=inc, why=why, now=now, context=ctx, business_hours=later
        ),
    )  # fmt: skip


def _status(s: Session, inc: Incident, data: dict[str, Any], ctx: PagingContext) -> None:
    before, after, now = data.get("before"), data.get("after"), _at(data)
    if after in ENDED:
        why = f"incident {after}"
        run_whole(s, inc, now, lambda: do_stop_paging(session=s, incident=inc, why=why, now=now))
    elif before in ENDED and pages_automatically(Severity(inc.severity)):
        # A major incident that recurs needs people again: its escalations were stopped.
        why = f"{inc.severity} reopened"
        run_whole(
            s,
            inc,
            now,
            lambda: do_start_paging(session=s, incident=inc, why=why, now=now, context=ctx),
        )


def _released(s: Session, inc: Incident, data: dict[str, Any], _ctx: PagingContext) -> None:
    person_id = data.get("person_id")
    if isinstance(person_id, int):
        do_close_page_of(session=s, incident=inc, person_id=person_id, now=_at(data))


def _at(data: dict[str, Any]) -> datetime:
    at = data["at"]
    assert isinstance(at, datetime)
    return at


_HANDLERS = {
    "declared": _declared,
    "severity_changed": _severity,
    "status_changed": _status,
    "participant_released": _released,
}
