"""Staff routes for status page subscribers: list them, add an email (sent a confirmation
link: nobody is written to without saying yes) or a webhook, and remove one."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from warroom.access.deps import DbSession, Manager, Now
from warroom.incidents.schemas import Strict
from warroom.settings import Settings
from warroom.statuspage import subscribers
from warroom.statuspage.models import StatusComponent, Subscriber

router = APIRouter(prefix="/api/v1", tags=["status page"])


class SubscriberIn(Strict):
    kind: Literal["email", "webhook"] = "email"
    address: str = Field(min_length=3, max_length=2000, description="Email or http(s) URL")
    components: list[str] = Field(
        default_factory=list, max_length=500, description="Codes or names; none: everything"
    )


class SubscriberOut(BaseModel):
    id: int
    kind: str
    address: str
    components: list[str]
    confirmed: bool
    created_at: datetime


def subscriber_out(session: DbSession, found: Subscriber) -> SubscriberOut:
    names = [c.name for c in (session.get(StatusComponent, i) for i in found.components) if c]
    return SubscriberOut(
        id=found.id,
        kind=found.kind,
        address=found.address,
        components=names,
        confirmed=found.confirmed_at is not None,
        created_at=found.created_at,
    )


@router.get("/subscribers", response_model=list[SubscriberOut])
def list_subscribers(session: DbSession, actor: Manager) -> list[SubscriberOut]:
    return [subscriber_out(session, s) for s in subscribers.list_subscribers(session)]


@router.post("/subscribers", status_code=201, response_model=SubscriberOut)
def add_subscriber(
    request: Request, body: SubscriberIn, session: DbSession, actor: Manager, at: Now
) -> SubscriberOut:
    """An email subscriber is sent a confirmation link and hears nothing until it is used;
    a webhook is subscribed at once."""
    if body.kind == "webhook":
        made = subscribers.do_add_webhook(
            session=session, endpoint=body.address, components=body.components, now=at
        )
        return subscriber_out(session, made)
    found, confirm = subscribers.do_subscribe_email(
        session=session, address=body.address, components=body.components, now=at
    )
    if confirm:
        send_confirmation(request, session, found, at)
    return subscriber_out(session, found)


def send_confirmation(
    request: Request, session: DbSession, found: Subscriber, now: datetime
) -> None:
    settings: Settings = request.app.state.settings
    secret: str = request.app.state.secret_key
    url = subscribers.link(settings.base_url, secret, "confirm", found)
    subscribers.write_confirmation(session, found, settings.statuspage_name, url, now)


@router.delete("/subscribers/{subscriber_id}", status_code=204, response_class=Response)
def remove_subscriber(subscriber_id: int, session: DbSession, actor: Manager) -> Response:
    found = subscribers.access_subscriber(session=session, subscriber_id=subscriber_id)
    subscribers.do_unsubscribe(session=session, subscriber=found)
    return Response(status_code=204)
