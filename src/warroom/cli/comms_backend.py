"""What ``warroom comms`` and ``warroom subscriber`` need, on the local database (acting as
``--as`` or the first admin, with the role the API route demands: a responder to send an update
or plan outreach, a viewer to read, a manager for subscribers) or over HTTP. Both answer with
the API's documents and raise ``Problem``.

The answer models are the API's (``statuspage/answers.py``); the subscriber's repeats the one
in ``subscribers_api.py``, whose module would load the web framework on every command. The
tests compare the two documents, so they cannot drift apart unnoticed."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol
from urllib.parse import quote

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from warroom.access.rules import Role
from warroom.access.service import ensure_secret
from warroom.cli.local import LocalBackend
from warroom.cli.remote import RemoteBackend
from warroom.db import make_engine, make_session_factory
from warroom.incidents.schemas import Strict
from warroom.incidents.service import access_incident
from warroom.settings import load_settings
from warroom.statuspage import cadence, followup, subscribers, templates, updates
from warroom.statuspage.answers import (
    AffectedOut,
    CadenceOut,
    CommsUpdateOut,
    MessageTemplateOut,
    PreviewOut,
    RecipientOut,
)
from warroom.statuspage.models import CommsUpdate, PublicUpdate, StatusComponent, Subscriber
from warroom.statuspage.schemas import CommsUpdateIn, MessageTemplateIn

SUBSCRIBERS = "/subscribers"
TEMPLATES = "/message-templates"


class SubscriberIn(Strict):
    kind: Literal["email", "webhook"] = "email"
    address: str = Field(min_length=3, max_length=2000)
    components: list[str] = Field(default_factory=list, max_length=500)


class SubscriberOut(BaseModel):
    id: int
    kind: str
    address: str
    components: list[str]
    confirmed: bool
    created_at: datetime


class CommsBackend(Protocol):
    def timezone(self) -> str: ...
    def preview(self, ref: str, data: CommsUpdateIn) -> PreviewOut: ...
    def send(self, ref: str, data: CommsUpdateIn) -> CommsUpdateOut: ...
    def sent(self, ref: str) -> list[CommsUpdateOut]: ...
    def due(self, ref: str) -> CadenceOut | None: ...
    def affected(self, ref: str, plan_outreach: bool) -> list[AffectedOut]: ...
    def subscribers(self) -> list[SubscriberOut]: ...
    def subscribe(self, data: SubscriberIn) -> SubscriberOut: ...
    def unsubscribe(self, subscriber_id: int) -> SubscriberOut | None: ...
    def templates(self) -> list[MessageTemplateOut]: ...
    def set_template(self, audience: str, data: MessageTemplateIn) -> MessageTemplateOut: ...
    def reset_template(self, audience: str) -> MessageTemplateOut: ...
    def close(self) -> None: ...


def _update_out(session: Session, row: CommsUpdate) -> CommsUpdateOut:
    public = session.get(PublicUpdate, row.public_update_id) if row.public_update_id else None
    return CommsUpdateOut(
        id=row.id, audiences=row.audiences, what_happened=row.what_happened, doing=row.doing,
        next_update_at=row.next_update_at, sent=row.sent,
        public_update=public.code if public else None,
        public_state=public.state if public else None, created_at=row.created_at,
    )  # fmt: skip


def _exposure_out(e: followup.Exposure) -> AffectedOut:
    return AffectedOut(
        customer=e.customer.name, tier=e.customer.tier, services=e.services,
        outage_minutes=round(e.outage_minutes, 1),
        budget_share=round(e.budget_share, 3) if e.budget_share is not None else None,
        response_missed=e.response_missed, task_id=e.task.id if e.task else None,
        task_status=e.task.status if e.task else None,
    )  # fmt: skip


def _subscriber_out(session: Session, found: Subscriber) -> SubscriberOut:
    names = [c.name for c in (session.get(StatusComponent, i) for i in found.components) if c]
    return SubscriberOut(
        id=found.id, kind=found.kind, address=found.address, components=names,
        confirmed=found.confirmed_at is not None, created_at=found.created_at,
    )  # fmt: skip


class LocalComms(LocalBackend):
    @classmethod
    def on(cls, database_url: str, as_email: str | None = None) -> LocalComms:
        engine = make_engine(database_url)
        return cls(make_session_factory(engine), as_email, engine=engine)

    def preview(self, ref: str, data: CommsUpdateIn) -> PreviewOut:
        settings = load_settings()
        with self._unit(Role.responder) as (session, actor):
            incident = access_incident(session=session, ref=ref, actor=actor)
            facts = updates.facts_of(
                session, incident, data, settings.base_url, settings.statuspage_time_zone
            )
            planned = updates.plan(session, incident, data, facts)
            people = {
                audience: [RecipientOut(name=r.name, email=r.email, why=r.why) for r in found]
                for audience, found in planned.recipients.items()
            }
            return PreviewOut(texts=planned.texts, recipients=people)

    def send(self, ref: str, data: CommsUpdateIn) -> CommsUpdateOut:
        settings, now = load_settings(), self._clock()
        with self._unit(Role.responder) as (session, actor):
            incident = access_incident(session=session, ref=ref, actor=actor)
            facts = updates.facts_of(
                session, incident, data, settings.base_url, settings.statuspage_time_zone
            )
            row = updates.do_send(
                session=session, actor=actor, incident=incident, data=data, facts=facts, now=now
            )
            return _update_out(session, row)

    def sent(self, ref: str) -> list[CommsUpdateOut]:
        with self._unit() as (session, actor):
            incident = access_incident(session=session, ref=ref, actor=actor)
            return [_update_out(session, r) for r in cadence.last_sent_all(session, incident.id)]

    def due(self, ref: str) -> CadenceOut | None:
        every, now = dict(load_settings().update_cadence_minutes), self._clock()
        with self._unit() as (session, actor):
            incident = access_incident(session=session, ref=ref, actor=actor)
            found = cadence.update_due(session, incident, every)
            if found is None:
                return None
            return CadenceOut(
                severity=incident.severity, last_update_at=found.last, due_at=found.due_at,
                overdue=found.overdue(now), minutes_left=found.minutes_left(now),
            )  # fmt: skip

    def affected(self, ref: str, plan_outreach: bool) -> list[AffectedOut]:
        now = self._clock()
        with self._unit(Role.responder if plan_outreach else Role.viewer) as (session, actor):
            incident = access_incident(session=session, ref=ref, actor=actor)
            if plan_outreach:
                followup.do_plan_outreach(session=session, incident=incident, actor=actor, now=now)
                session.flush()
            return [_exposure_out(e) for e in followup.affected(session, incident, now)]

    def subscribers(self) -> list[SubscriberOut]:
        with self._unit(Role.manager) as (session, _actor):
            return [_subscriber_out(session, s) for s in subscribers.list_subscribers(session)]

    def subscribe(self, data: SubscriberIn) -> SubscriberOut:
        now = self._clock()
        with self._unit(Role.manager) as (session, _actor):
            if data.kind == "webhook":
                made = subscribers.do_add_webhook(
                    session=session, endpoint=data.address, components=data.components, now=now
                )
                return _subscriber_out(session, made)
            found, confirm = subscribers.do_subscribe_email(
                session=session, address=data.address, components=data.components, now=now
            )
            if confirm:
                _send_confirmation(session, found, now)
            return _subscriber_out(session, found)

    def unsubscribe(self, subscriber_id: int) -> SubscriberOut | None:
        with self._unit(Role.manager) as (session, _actor):
            found = subscribers.access_subscriber(session=session, subscriber_id=subscriber_id)
            gone = _subscriber_out(session, found)
            subscribers.do_unsubscribe(session=session, subscriber=found)
            return gone

    def templates(self) -> list[MessageTemplateOut]:
        with self._unit() as (session, _actor):
            return [templates.template_out(w) for w in templates.wordings(session).values()]

    def set_template(self, audience: str, data: MessageTemplateIn) -> MessageTemplateOut:
        now = self._clock()
        with self._unit(Role.manager) as (session, actor):
            kept = templates.do_set_wording(
                session=session, actor=actor, audience=templates.check_audience(audience),
                subject=data.subject, body=data.body, now=now,
            )  # fmt: skip
            return templates.template_out(kept)

    def reset_template(self, audience: str) -> MessageTemplateOut:
        with self._unit(Role.manager) as (session, _actor):
            chosen = templates.check_audience(audience)
            return templates.template_out(
                templates.do_reset_wording(session=session, audience=chosen)
            )


def _send_confirmation(session: Session, found: Subscriber, now: datetime) -> None:
    """The confirmation email a server on this database would write: its link is signed with
    the key that server signs with (as ``create_app`` chooses it), so the link works there."""
    settings = load_settings()
    secret = settings.secret_key or ensure_secret(session=session)
    url = subscribers.link(settings.base_url, secret, "confirm", found)
    subscribers.write_confirmation(session, found, settings.statuspage_name, url, now)


def _incident(ref: str) -> str:
    return f"/incidents/{quote(ref.strip(), safe='')}"


class RemoteComms(RemoteBackend):
    def preview(self, ref: str, data: CommsUpdateIn) -> PreviewOut:
        body = data.model_dump(mode="json", exclude_none=True)
        path = _incident(ref) + "/comms-updates/preview"
        return PreviewOut.model_validate(self._call("POST", path, json=body))

    def send(self, ref: str, data: CommsUpdateIn) -> CommsUpdateOut:
        body = data.model_dump(mode="json", exclude_none=True)
        path = _incident(ref) + "/comms-updates"
        return CommsUpdateOut.model_validate(self._call("POST", path, json=body))

    def sent(self, ref: str) -> list[CommsUpdateOut]:
        rows = self._call("GET", _incident(ref) + "/comms-updates")
        return [CommsUpdateOut.model_validate(r) for r in rows]

    def due(self, ref: str) -> CadenceOut | None:
        found = self._call("GET", _incident(ref) + "/cadence")
        return None if found is None else CadenceOut.model_validate(found)

    def affected(self, ref: str, plan_outreach: bool) -> list[AffectedOut]:
        path = _incident(ref) + "/affected-customers"
        rows = self._call("POST", path + "/outreach") if plan_outreach else self._call("GET", path)
        return [AffectedOut.model_validate(r) for r in rows]

    def subscribers(self) -> list[SubscriberOut]:
        return [SubscriberOut.model_validate(r) for r in self._call("GET", SUBSCRIBERS)]

    def subscribe(self, data: SubscriberIn) -> SubscriberOut:
        body = data.model_dump(mode="json")
        return SubscriberOut.model_validate(self._call("POST", SUBSCRIBERS, json=body))

    def unsubscribe(self, subscriber_id: int) -> SubscriberOut | None:
        # The API answers 204 and reads no single subscriber: the list names the one removed.
        # One it does not hold is deleted all the same, so the server's 404 is what is shown.
        gone = next((s for s in self.subscribers() if s.id == subscriber_id), None)
        self._send("DELETE", f"{SUBSCRIBERS}/{subscriber_id}")
        return gone

    def templates(self) -> list[MessageTemplateOut]:
        return [MessageTemplateOut.model_validate(r) for r in self._call("GET", TEMPLATES)]

    def set_template(self, audience: str, data: MessageTemplateIn) -> MessageTemplateOut:
        path = f"{TEMPLATES}/{quote(audience.strip(), safe='')}"
        found = self._call("PUT", path, json=data.model_dump(mode="json"))
        return MessageTemplateOut.model_validate(found)

    def reset_template(self, audience: str) -> MessageTemplateOut:
        path = f"{TEMPLATES}/{quote(audience.strip(), safe='')}"
        return MessageTemplateOut.model_validate(self._call("DELETE", path))
