"""Signed acknowledge links: a page's email carries a link that acknowledges it with one click
and no login, so it must be unguessable, bound to one page, and expire."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

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
