"""Signed acknowledge links: a page's email carries a link that acknowledges it with one click
and no login, so it must be unguessable, bound to one page, and expire."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from warroom.errors import NotFound

SALT = "warroom.page-ack"
MAX_AGE_SECONDS = 7 * 24 * 3600  # a page older than a week is long settled


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def ack_token(secret: str, page_id: int) -> str:
    return _serializer(secret).dumps(page_id)


def ack_url(base_url: str, secret: str, page_id: int) -> str:
    return f"{base_url.rstrip('/')}/ack/{ack_token(secret, page_id)}"


def page_of_token(secret: str, token: str, max_age: int = MAX_AGE_SECONDS) -> int:
    """The page id a token was made for; ``NotFound`` for a forged, altered or expired one (a
    link that does not work looks the same whatever is wrong with it)."""
    try:
        page_id = _serializer(secret).loads(token, max_age=max_age)
    except BadSignature:
        raise NotFound("this acknowledge link is not valid (or has expired)") from None
    if not isinstance(page_id, int):
        raise NotFound("this acknowledge link is not valid (or has expired)")
    return page_id


FEED_SALT = "warroom.calendar-feed"


def feed_token(secret: str, kind: str, ident: int) -> str:
    """A calendar subscription's secret: calendar apps cannot send a bearer token, so the
    feed's address itself is the credential (as with other tools' private iCal links). It does
    not expire, and is the same every time it is asked for (untimed: a calendar app keeps
    the address it was given); changing the server's secret key revokes every feed at once."""
    return str(URLSafeSerializer(secret, salt=FEED_SALT).dumps([kind, ident]))


def feed_of_token(
    secret: str, token: str, kinds: tuple[str, ...] = ("schedule", "person")
) -> tuple[str, int]:
    """``(kind, id)`` for one of ``kinds``; ``NotFound`` for anything not made here."""
    try:
        value = URLSafeSerializer(secret, salt=FEED_SALT).loads(token)
    except BadSignature:
        raise NotFound("no such calendar feed") from None
    match value:
        case [str(kind), int(ident)] if kind in kinds:
            return kind, ident
    raise NotFound("no such calendar feed")
