"""Cross-site request forgery protection for page forms.

The token lives in the signed session cookie (``sign_in`` stores one) and every form sends it
back in a hidden ``csrf`` field. SameSite=Lax already keeps most cross-site posts out; the
token also covers older browsers and same-site subdomains.
"""

from __future__ import annotations

import secrets

from fastapi import Request

from warroom.errors import PermissionDenied

FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def new_token() -> str:
    return secrets.token_urlsafe(32)


def ensure_token(request: Request) -> str:
    """The session's token, created for visitors not yet signed in (the login form)."""
    token = request.session.get(FIELD)
    if not isinstance(token, str) or not token:
        token = new_token()
        request.session[FIELD] = token
    return token


async def check_csrf(request: Request) -> None:
    """A router dependency: every unsafe request must carry the session's token."""
    if request.method in SAFE_METHODS:
        return
    form = await request.form()
    sent = form.get(FIELD)
    expected = request.session.get(FIELD)
    if not (isinstance(sent, str) and isinstance(expected, str) and expected):
        raise PermissionDenied("this form has expired or came from another site; reload the page")
    if not secrets.compare_digest(sent.encode(), expected.encode()):
        raise PermissionDenied("this form has expired or came from another site; reload the page")
