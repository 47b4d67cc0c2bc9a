"""Use cases for people, teams, tokens and sign-in. The caller owns the transaction."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warroom.access.models import ApiToken, AppSecret, Person, Team
from warroom.access.rules import Role, new_token, split_token, token_usable
from warroom.errors import Conflict, InvalidInput, NotFound

_hasher = PasswordHasher()
# A token secret is 256 random bits, so no amount of hashing cost changes how hard it is to
# guess; a light argon2 keeps every API call cheap while the database still holds no token.
_token_hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
# argon2 is slow by design; remember tokens already verified in this process (by digest, never
# the token itself) so each API call does not pay for it again. Revocation is still checked.
_verified: dict[str, int] = {}


@dataclass(frozen=True)
class Actor:
    """Who is acting, and with which role (a token may carry less than its owner)."""

    person_id: int
    name: str
    email: str
    role: Role
    timezone: str = "UTC"

    def allows(self, needed: Role) -> bool:
        return self.role.allows(needed)


def actor_for(person: Person, role: Role | None = None) -> Actor:
    own = Role(person.role)
    effective = own if role is None or own.rank < role.rank else role
    return Actor(person.id, person.name, person.email, effective, person.timezone)


def hash_secret(value: str) -> str:
    return _hasher.hash(value)


def check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput("timezone", f"unknown time zone {value!r}") from exc
    return value


def do_create_person(
    *,
    session: Session,
    name: str,
    email: str,
    now: datetime,
    role: Role = Role.viewer,
    password: str | None = None,
    phone: str | None = None,
    chat_handle: str | None = None,
    timezone: str = "UTC",
) -> Person:
    email = email.strip().lower()
    if session.scalar(select(Person.id).where(Person.email == email)) is not None:
        raise Conflict(f"a person with email {email} already exists")
    person = Person(
        name=name.strip(),
        email=email,
        role=role.value,
        password_hash=hash_secret(password) if password else None,
        phone=phone,
        chat_handle=chat_handle,
        timezone=check_timezone(timezone),
        created_at=now,
    )
    session.add(person)
    session.flush()
    return person


def access_person_by_email(*, session: Session, email: str) -> Person:
    person = session.scalar(select(Person).where(Person.email == email.strip().lower()))
    if person is None:
        raise NotFound(f"no person with email {email}")
    return person


def do_create_token(
    *,
    session: Session,
    person: Person,
    now: datetime,
    role: Role | None = None,
    name: str = "",
    expires_at: datetime | None = None,
) -> tuple[str, ApiToken]:
    """Returns the token text (shown once) and its stored row."""
    wanted = role or Role(person.role)
    if not Role(person.role).allows(wanted):
        raise InvalidInput("role", f"{person.email} is {person.role} and cannot hold a {wanted}")
    if expires_at is not None and expires_at <= now:
        raise InvalidInput("expires_at", "must be in the future")
    text, parts = new_token()
    row = ApiToken(
        key_id=parts.key_id,
        secret_hash=_token_hasher.hash(parts.secret),
        person_id=person.id,
        name=name,
        role=wanted.value,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return text, row


def authenticate_token(*, session: Session, token: str, now: datetime) -> Actor | None:
    parts = split_token(token)
    if parts is None:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.key_id == parts.key_id))
    if row is None or not row.person.active:
        return None
    if not token_usable(revoked_at=row.revoked_at, expires_at=row.expires_at, now=now):
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    if _verified.get(digest) != row.id:
        try:
            _token_hasher.verify(row.secret_hash, parts.secret)
        except (VerificationError, InvalidHashError):
            return None
        _verified[digest] = row.id
    return actor_for(row.person, Role(row.role))


def authenticate_password(*, session: Session, email: str, password: str) -> Person | None:
    person = session.scalar(select(Person).where(Person.email == email.strip().lower()))
    if person is None or not person.active or not person.password_hash:
        _hasher.hash(password)  # same cost whether or not the account exists
        return None
    try:
        _hasher.verify(person.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return person


def do_revoke_token(*, session: Session, token_id: int, actor: Actor, now: datetime) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None or (row.person_id != actor.person_id and not actor.allows(Role.admin)):
        raise NotFound(f"no token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = now
    return row


def list_tokens(*, session: Session, actor: Actor) -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.id)
    if not actor.allows(Role.admin):
        query = query.where(ApiToken.person_id == actor.person_id)
    return list(session.scalars(query))


def ensure_secret(*, session: Session, name: str = "session_key") -> str:
    """The installation's signing key: generated once, then read back on every start."""
    row = session.get(AppSecret, name)
    if row is None:
        row = AppSecret(name=name, value=secrets.token_urlsafe(48))
        session.add(row)
        session.flush()
    return row.value


def count_admins(*, session: Session) -> int:
    return session.scalar(select(func.count()).where(Person.role == Role.admin.value)) or 0


def do_create_team(
    *,
    session: Session,
    name: str,
    lead: Person | None = None,
    members: list[Person] | None = None,
    sees_restricted: bool = False,
) -> Team:
    if session.scalar(select(Team.id).where(Team.name == name)) is not None:
        raise Conflict(f"a team named {name} already exists")
    people = list(members or [])
    if lead is not None and lead not in people:
        people.append(lead)
    team = Team(name=name, lead=lead, members=people, sees_restricted=sees_restricted)
    session.add(team)
    session.flush()
    return team


def list_people(*, session: Session) -> list[Person]:
    """Active people, by name: who can be named commander, assigned or brought in."""
    query = select(Person).where(Person.active.is_(True)).order_by(Person.name)
    return list(session.scalars(query))
