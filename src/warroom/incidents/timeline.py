"""Notes on the timeline and the timeline's Markdown export."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.errors import InvalidInput
from warroom.incidents.models import Incident, TimelineEvent
from warroom.incidents.rules import format_ref
from warroom.incidents.service import record


def do_add_note(
    *,
    session: Session,
    incident: Incident,
    actor: Actor,
    text: str,
    now: datetime,
    occurred_at: datetime | None = None,
) -> TimelineEvent:
    """A note may be back-dated to when something happened; its entry time is kept too."""
    if occurred_at is not None and occurred_at > now:
        raise InvalidInput("occurred_at", "cannot be in the future")
    return record(
        session=session,
        incident=incident,
        kind="note",
        actor=actor,
        now=now,
        text=text,
        occurred_at=occurred_at,
    )


def _when(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z") if value else "—"


def export_markdown(incident: Incident, events: list[TimelineEvent], zone: ZoneInfo) -> str:
    """The timeline as a Markdown document, times in the reader's zone."""
    lines = [
        f"# {format_ref(incident.id)}: {incident.title}",
        "",
        f"- **Severity:** {incident.severity}",
        f"- **Kind:** {incident.kind}",
        f"- **Status:** {incident.status}",
        f"- **Services:** {', '.join(s.name for s in incident.services) or '—'}",
    ]
    for label in ("started", "detected", "acknowledged", "mitigated", "resolved"):
        lines.append(f"- **{label.capitalize()}:** {_when(getattr(incident, label + '_at'), zone)}")
    lines += ["", "## Timeline", "", "| When | Who | What |", "|---|---|---|"]
    for event in events:
        who = event.actor.name if event.actor else "warroom"
        what = event.text.replace("|", "\\|").replace("\n", "<br>")
        when = _when(event.occurred_at, zone)
        if event.occurred_at != event.recorded_at:
            when += f" (entered {_when(event.recorded_at, zone)})"
        lines.append(f"| {when} | {who} | {what} |")
    return "\n".join(lines) + "\n"
