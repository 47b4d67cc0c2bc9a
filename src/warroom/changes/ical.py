"""The change calendar as iCalendar (RFC 5545): changes, freezes and maintenance windows, for
calendar apps to subscribe to through a private address (they cannot send a token)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from warroom.alerts.models import MaintenanceWindow
from warroom.changes.models import Change
from warroom.changes.notify import change_url
from warroom.changes.rules import ChangeState
from warroom.changes.schemas import ChangeFeedOut
from warroom.changes.service import ChangeFilter, format_change, list_changes
from warroom.changes.windows import list_windows, spans
from warroom.oncall.links import feed_token

PRODID = "-//warroom//change calendar//EN"
FEED_KIND = "changes"
BEHIND = timedelta(days=30)  # recent changes stay visible: they are the suspects
AHEAD = timedelta(days=120)


def change_calendar(*, session: Session, now: datetime, base_url: str) -> bytes:
    since, until = now - BEHIND, now + AHEAD
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "warroom changes")
    wanted = ChangeFilter(since=since, until=until, limit=5000)
    for change in list_changes(session=session, wanted=wanted):
        cal.add_component(_change_event(change, now, base_url))
    for window, start, end in spans(list_windows(session=session, now=since), since, until):
        cal.add_component(_window_event(window, start, end, now))
    return bytes(cal.to_ical())


def _change_event(change: Change, now: datetime, base_url: str) -> Event:
    event = Event()
    ref = format_change(change.id)
    event.add("uid", f"change-{change.id}@warroom")
    event.add("dtstamp", now.astimezone(UTC))
    start = change.actual_start or change.planned_start
    # A change started after its planned end and still running ends no sooner than it began.
    end = change.actual_end or max(change.planned_end, start)
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    event.add("summary", f"{ref} [{change.state}] {change.title}")
    scope = [s.name for s in change.services] + [a.hostname for a in change.assets]
    event.add("description", f"{change.type} change, risk {change.risk}\nScope: {', '.join(scope)}")
    event.add("url", change_url(base_url, change.id))
    event.add("categories", ["change", change.type])
    if change.state == ChangeState.cancelled.value:
        event.add("status", "CANCELLED")
    elif change.state in (ChangeState.draft.value, ChangeState.submitted.value):
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    return event


def _window_event(
    window: MaintenanceWindow, start: datetime, end: datetime, now: datetime
) -> Event:
    event = Event()
    event.add("uid", f"window-{window.id}-{start:%Y%m%dT%H%M%SZ}@warroom")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    label = "Freeze" if window.kind == "freeze" else "Maintenance"
    event.add("summary", f"{label}: {window.name}")
    scope = (window.services or []) + (window.assets or [])
    event.add("description", f"{window.reason}\nScope: {', '.join(scope) or 'everything'}".strip())
    event.add("categories", [window.kind])
    event.add("transp", "TRANSPARENT")
    return event


def feed_address(base_url: str, secret: str) -> ChangeFeedOut:
    """The private subscription address; the address is the feed's only credential."""
    url = f"{base_url}/calendar/changes/{feed_token(secret, FEED_KIND, 0)}.ics"
    return ChangeFeedOut(url=url, webcal="webcal://" + url.split("://", 1)[1])
