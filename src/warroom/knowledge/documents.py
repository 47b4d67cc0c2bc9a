"""What the knowledge base reads of an incident, a solution or a runbook: a title, the words,
the fix, and the keys (services, hosts, alerts) that tie it to other incidents. The same
reading serves the index and the incident a lookup starts from, so both sides agree."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.alerts.models import Alert, AlertGroup, AlertGroupAlert, AlertGroupMember
from warroom.catalog.models import Service
from warroom.incidents.models import Incident, TimelineEvent
from warroom.knowledge.models import Solution
from warroom.knowledge.rules import key_of
from warroom.reviews.models import Postmortem

# Timeline events that say what happened and what fixed it; the rest (the declaration, which
# repeats the title, tasks, pages, roles) read alike in every incident and blur the match.
TELLING = ("note", "status_changed", "field_changed")
MAX_ALERTS = 50
MAX_BODY = 20_000


@dataclass(frozen=True)
class Document:
    source: str  # incident, solution, runbook
    source_id: int
    title: str
    body: str
    fix: str
    keys: tuple[str, ...]
    incident_id: int | None
    status: str
    occurred_at: datetime | None

    @property
    def digest(self) -> str:
        raw = json.dumps([self.title, self.body, self.fix, sorted(self.keys), self.status])
        return hashlib.sha256(raw.encode()).hexdigest()


def incident_document(session: Session, incident: Incident) -> Document:
    events = list(session.scalars(
        select(TimelineEvent)
        .where(TimelineEvent.incident_id == incident.id, TimelineEvent.kind.in_(TELLING))
        .order_by(TimelineEvent.occurred_at, TimelineEvent.id)
    ))  # fmt: skip
    summaries, hosts, alerts = _alerts(session, incident.id)
    body = "\n".join([incident.description, *[e.text for e in events], *summaries])
    keys = [key_of("service", s.name) for s in incident.services]
    keys += [key_of("host", h) for h in hosts] + alerts
    return Document("incident", incident.id, incident.title, body[:MAX_BODY], _fix(events),
                    tuple(dict.fromkeys(keys)), incident.id, incident.status,
                    incident.started_at or incident.declared_at)  # fmt: skip


def _fix(events: list[TimelineEvent]) -> str:
    """What fixed it: the message given when it was resolved (or mitigated), else the last
    note before that."""
    for event in reversed(events):
        if event.kind == "status_changed" and event.after in ("resolved", "monitoring"):
            _, _, message = event.text.partition(": ")
            if message.strip():
                return message.strip()
    notes = [e.text for e in events if e.kind == "note"]
    return notes[-1] if notes else ""


def _alerts(session: Session, incident_id: int) -> tuple[list[str], list[str], list[str]]:
    """The alert summaries, hosts and alert keys of the incident's alert groups."""
    groups = select(AlertGroup.id).where(AlertGroup.incident_id == incident_id)
    hosts = list(session.scalars(
        select(AlertGroupMember.member).where(AlertGroupMember.group_id.in_(groups)).limit(500)
    ))  # fmt: skip
    rows = session.execute(
        select(Alert.summary, Alert.event, Alert.fingerprint)
        .join(AlertGroupAlert, AlertGroupAlert.alert_id == Alert.id)
        .where(AlertGroupAlert.group_id.in_(groups))
        .limit(MAX_ALERTS)
    ).all()
    summaries = list(dict.fromkeys(r[0] for r in rows))
    keys = [key_of("alert", r[1]) for r in rows if r[1]]
    keys += [key_of("fingerprint", r[2]) for r in rows if r[2]]
    return summaries, hosts, list(dict.fromkeys(keys))


# What a postmortem teaches, for search: its timeline and impact repeat the incident's entry.
LESSONS = ("summary", "trigger", "contributing_factors", "detection", "response", "went_well",
           "went_wrong", "lucky")  # fmt: skip


def postmortem_document(postmortem: Postmortem, incident: Document) -> Document:
    """A published postmortem: its lessons, the recovery as its fix, the incident's keys."""
    sections = postmortem.sections
    body = "\n".join(sections.get(key, "") for key in LESSONS)
    return Document("postmortem", postmortem.id, f"Postmortem: {incident.title}",
                    body[:MAX_BODY], sections.get("response", ""), incident.keys,
                    incident.incident_id, postmortem.state, incident.occurred_at)  # fmt: skip


def solution_document(solution: Solution) -> Document:
    body = "\n".join([solution.symptoms, solution.cause])
    keys = tuple(key_of("service", s) for s in solution.services)
    return Document("solution", solution.id, solution.title, body, solution.fix, keys,
                    solution.incident_id, "", solution.updated_at)  # fmt: skip


def runbook_document(service: Service) -> Document:
    title = f"Runbook: {service.name}"
    return Document("runbook", service.id, title, service.runbook, "",
                    (key_of("service", service.name),), None, "", None)  # fmt: skip
