"""Request dependencies: the one transaction per request, and who is asking with which role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.access.rules import Role
from warroom.access.service import Actor, actor_for, authenticate_token
from warroom.audit.recorder import acting
from warroom.db import transaction
from warroom.errors import PermissionDenied, Unauthenticated


def _session(request: Request) -> Iterator[Session]:
    """Commit when the handler returns, before the response is sent; roll back on error."""
    with transaction(request.app.state.sessions) as session:
        yield session


DbSession = Annotated[Session, Depends(_session, scope="function")]


def now(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


Now = Annotated[datetime, Depends(now)]


def session_actor(request: Request, session: Session) -> Actor | None:
    """The person signed in through the web session cookie, if any."""
    person_id = request.session.get("pid")
    if not isinstance(person_id, int):
        return None
    person = session.get(Person, person_id)
    if person is None or not person.active or request.session.get("pw") != _pw_mark(person):
        return None
    return _audited(session, actor_for(person))


def _audited(session: Session, actor: Actor) -> Actor:
    """The request's writes go into the audit log under this actor's name."""
    acting(session, f"person:{actor.person_id} {actor.email}")
    return actor


def _pw_mark(person: Person) -> str:
    # Changing the password ends every web session signed in with the old one.
    return (person.password_hash or "")[-16:]


def sign_in(request: Request, person: Person, csrf: str) -> None:
    request.session.clear()
    request.session.update({"pid": person.id, "pw": _pw_mark(person), "csrf": csrf})


def optional_actor(request: Request, session: DbSession, at: Now) -> Actor | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        actor = authenticate_token(session=session, token=token.strip(), now=at)
        if actor is None:
            raise Unauthenticated("the bearer token is unknown, expired or revoked")
        return _audited(session, actor)
    return session_actor(request, session)


def require(role: Role) -> Callable[..., Actor]:
    """A dependency that admits actors holding at least ``role``."""

    def check(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
        if actor is None:
            raise Unauthenticated("send 'Authorization: Bearer <token>' or sign in")
        if not actor.allows(role):
            raise PermissionDenied(f"this needs the {role} role; you are {actor.role}")
        return actor

    check.__name__ = f"require_{role.value}"
    return check


Viewer = Annotated[Actor, Depends(require(Role.viewer))]
Responder = Annotated[Actor, Depends(require(Role.responder))]
Manager = Annotated[Actor, Depends(require(Role.manager))]
Admin = Annotated[Actor, Depends(require(Role.admin))]
