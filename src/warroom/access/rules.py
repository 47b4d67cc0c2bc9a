"""Roles and credentials, as pure values."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

TOKEN_PREFIX = "wr"  # noqa: S105 - a public marker, not a secret


class Role(StrEnum):
    """Roles in rising order of power; each includes the ones below it."""

    viewer = "viewer"
    responder = "responder"
    manager = "manager"
    admin = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


@dataclass(frozen=True)
class TokenParts:
    key_id: str
    secret: str


def new_token() -> tuple[str, TokenParts]:
    """A token is ``wr_<key id>_<secret>``: the id finds the row, the secret is checked
    against its argon2 hash, so the database never holds a usable token."""
    parts = TokenParts(secrets.token_hex(6), secrets.token_urlsafe(32))
    return f"{TOKEN_PREFIX}_{parts.key_id}_{parts.secret}", parts


def split_token(token: str) -> TokenParts | None:
    pieces = token.split("_", 2)
    if len(pieces) != 3 or pieces[0] != TOKEN_PREFIX or not pieces[1] or not pieces[2]:
        return None
    return TokenParts(pieces[1], pieces[2])


def token_usable(
    *, revoked_at: datetime | None, expires_at: datetime | None, now: datetime
) -> bool:
    if revoked_at is not None:
        return False
    return expires_at is None or expires_at > now
