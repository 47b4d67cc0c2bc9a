"""Subscribers hear each published update: written to the worker's outbox in the transaction
that publishes it (a reaction to ``statuspage.published``), so a rolled-back approval tells
nobody and a crash after it loses no message. The worker sends them and keeps the delivery
log."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from warroom.access.service import ensure_secret
from warroom.events import DomainEvent, react, reacts
from warroom.oncall.models import Delivery
from warroom.settings import Settings
from warroom.statuspage.models import PublicIncident, PublicUpdate, Subscriber
from warroom.statuspage.publishing import access_public_incident
from warroom.statuspage.subscribers import interested, link

log = logging.getLogger("warroom.statuspage")
REACTION = "statuspage.subscribers"
WEBHOOK_PURPOSE = "status_webhook"  # the body is the document itself (Statuspage's shape)


@dataclass(frozen=True)
class Page:
    base_url: str
    secret: str
    name: str


def install_subscriber_notices(factory: sessionmaker[Session], *, page: Page) -> None:
    react(factory, REACTION, lambda session, event: on_event(session, event, page))


def ensure_subscriber_notices(factory: sessionmaker[Session], settings: Settings) -> None:
    """For a process without ``create_app`` (the CLI on the local database): the links are
    signed with the key the server keeps in the database, read when first needed."""
    if not reacts(factory, REACTION):
        page = Page(settings.base_url, settings.secret_key or "", settings.statuspage_name)
        install_subscriber_notices(factory, page=page)


def on_event(session: Session, event: DomainEvent, page: Page) -> None:
    if event.name != "statuspage.published":
        return
    try:
        with session.begin_nested():
            public = access_public_incident(session=session, ref=event.subject)
            if not page.secret:
                page = replace(page, secret=ensure_secret(session=session))
            do_tell_subscribers(session=session, public=public, page=page, now=event.data["at"])
    except Exception:
        log.exception("writing subscriber notices failed", extra={"public": event.subject})


def do_tell_subscribers(
    *, session: Session, public: PublicIncident, page: Page, now: datetime
) -> int:
    update = next((u for u in public.updates if u.state == "published"), None)
    if update is None:
        return 0
    told = 0
    for subscriber in interested(session, public):
        session.add(_message(subscriber, public, update, page, now))
        told += 1
    return told


def _message(
    subscriber: Subscriber, public: PublicIncident, update: PublicUpdate, page: Page, now: datetime
) -> Delivery:
    leave = link(page.base_url, page.secret, "unsubscribe", subscriber)
    if subscriber.kind == "webhook":
        subject, purpose = public.name, WEBHOOK_PURPOSE
        body = json.dumps(webhook_body(public, leave))
    else:
        subject = f"[{page.name}] {public.name}: {update.status.replace('_', ' ')}"
        body, purpose = email_body(public, update, page, leave), "subscriber"
    return Delivery(
        channel=subscriber.kind,
        address=subscriber.address,
        purpose=purpose,
        subject=subject[:300],
        body=body,
        status="pending",
        due_at=now,
        attempts=0,
        created_at=now,
    )


def email_body(public: PublicIncident, update: PublicUpdate, page: Page, leave: str) -> str:
    affected = ", ".join(c.name for c in public.components) or "no component in particular"
    return "\n".join(
        [
            f"{update.status.replace('_', ' ').capitalize()}: {update.body}",
            "",
            f"Affected: {affected}",
            f"Follow it on {page.base_url}/status/incidents/{public.code}",
            "",
            f"Stop these messages: {leave}",
        ]
    )


def webhook_body(public: PublicIncident, leave: str) -> dict[str, object]:
    """Statuspage's incident webhook, with the fields its receivers read."""
    return {
        "meta": {"unsubscribe": leave, "documentation": "/docs"},
        "incident": {
            "id": public.code,
            "name": public.name,
            "status": public.status,
            "impact": public.impact,
            "created_at": _iso(public.created_at),
            "updated_at": _iso(public.updated_at),
            "monitoring_at": _iso(public.monitoring_at),
            "resolved_at": _iso(public.resolved_at),
            "incident_updates": [
                {
                    "id": u.code,
                    "incident_id": public.code,
                    "status": u.status,
                    "body": u.body,
                    "created_at": _iso(u.created_at),
                    "updated_at": _iso(u.display_at or u.created_at),
                    "display_at": _iso(u.display_at),
                }
                for u in public.updates
                if u.state == "published"
            ],
        },
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None
