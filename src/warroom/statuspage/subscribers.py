"""Status page subscribers: email addresses confirmed by double opt-in, webhooks added by
staff, each for every component or the ones chosen. Links in their messages carry a signed
token (confirm, unsubscribe) instead of a stored secret: the token names the subscriber and
the action, and changing the server's secret key voids them all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.errors import Conflict, InvalidInput, NotFound
from warroom.oncall.models import Delivery
from warroom.statuspage.components import check_component
from warroom.statuspage.models import PublicIncident, Subscriber

SALT = "warroom.status-subscription"
ACTIONS = ("confirm", "unsubscribe")


def token(secret: str, action: str, subscriber_id: int) -> str:
    return str(URLSafeSerializer(secret, salt=SALT).dumps([action, subscriber_id]))


def link(base_url: str, secret: str, action: str, subscriber: Subscriber) -> str:
    return f"{base_url}/status/subscriptions/{token(secret, action, subscriber.id)}/{action}"


def access_by_token(*, session: Session, secret: str, action: str, value: str) -> Subscriber:
    """The subscriber a link names; ``NotFound`` for a link not made here, or for a
    subscriber since removed."""
    try:
        found = URLSafeSerializer(secret, salt=SALT).loads(value)
    except BadSignature:
        raise NotFound("this link is not valid") from None
    match found:
        case [str(kind), int(ident)] if kind == action:
            subscriber = session.get(Subscriber, ident)
            if subscriber is not None:
                return subscriber
    raise NotFound("this link is not valid, or the subscription has ended")


def check_email(address: str) -> str:
    value = address.strip().lower()
    local, _, domain = value.partition("@")
    if not local or "." not in domain or len(value) > 320 or " " in value:
        raise InvalidInput("email", f"not an email address: {address!r}")
    return value


def check_webhook(address: str) -> str:
    parts = urlsplit(address.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput("endpoint", "an http(s) URL")
    return address.strip()


def component_ids(session: Session, refs: Sequence[str]) -> list[int]:
    return sorted({check_component(session, ref, "components").id for ref in refs})


def do_subscribe_email(
    *, session: Session, address: str, components: Sequence[str], now: datetime
) -> tuple[Subscriber, bool]:
    """A pending subscriber (or the existing one, with the components updated); True when a
    confirmation must be sent. Asking again never reveals whether the address was known."""
    email = check_email(address)
    ids = component_ids(session, components)
    found = session.scalars(
        select(Subscriber).where(Subscriber.kind == "email", Subscriber.address == email)
    ).first()
    if found is None:
        found = Subscriber(kind="email", address=email, components=ids, created_at=now)
        session.add(found)
        session.flush()
        return found, True
    found.components = ids
    return found, found.confirmed_at is None


def do_add_webhook(
    *, session: Session, endpoint: str, components: Sequence[str], now: datetime
) -> Subscriber:
    url = check_webhook(endpoint)
    known = select(Subscriber.id).where(Subscriber.kind == "webhook", Subscriber.address == url)
    if session.scalar(known) is not None:
        raise Conflict(f"{url} is subscribed already")
    found = Subscriber(
        kind="webhook",
        address=url,
        components=component_ids(session, components),
        confirmed_at=now,  # staff added it: nobody else's inbox to protect
        created_at=now,
    )
    session.add(found)
    session.flush()
    return found


def do_confirm(*, subscriber: Subscriber, now: datetime) -> None:
    subscriber.confirmed_at = subscriber.confirmed_at or now


def do_unsubscribe(*, session: Session, subscriber: Subscriber) -> None:
    session.delete(subscriber)
    session.flush()


def list_subscribers(session: Session) -> list[Subscriber]:
    return list(session.scalars(select(Subscriber).order_by(Subscriber.id)))


def access_subscriber(*, session: Session, subscriber_id: int) -> Subscriber:
    found = session.get(Subscriber, subscriber_id)
    if found is None:
        raise NotFound(f"no subscriber {subscriber_id}")
    return found


def interested(session: Session, public: PublicIncident) -> list[Subscriber]:
    """Confirmed subscribers to every component, or to one the public incident names."""
    named = {c.id for c in public.components}
    query = select(Subscriber).where(Subscriber.confirmed_at.is_not(None))
    return [
        s for s in session.scalars(query.order_by(Subscriber.id))
        if not s.components or named & set(s.components)
    ]  # fmt: skip


def write_confirmation(
    session: Session, subscriber: Subscriber, page_name: str, confirm_url: str, now: datetime
) -> Delivery:
    body = (
        f"Someone (we hope you) asked to hear from {page_name} when its status changes.\n\n"
        f"Confirm here: {confirm_url}\n\n"
        "If it was not you, ignore this message: nothing will be sent unless you confirm."
    )
    row = Delivery(
        channel="email",
        address=subscriber.address,
        purpose="subscription",
        subject=f"Confirm your subscription to {page_name}",
        body=body,
        status="pending",
        due_at=now,
        attempts=0,
        created_at=now,
    )
    session.add(row)
    return row
