"""A small in-process dispatcher for domain events.

Services call ``emit(session, event)``; the event is held on the session and published only
after the transaction commits, so nobody reacts to work that was rolled back. Listeners run
synchronously in the committing thread; async waiters (live pages) are woken through
``Changes``.

A few reactions must instead happen *inside* the transaction that emits, so they commit or
roll back with their cause: paging writes its outbox (pages and deliveries) in the very
transaction that declared the incident. ``react(factory, name, reaction)`` registers such a
reaction on a session factory; ``emit`` calls it at once, with the session. A domain below
(incidents) thereby triggers one above (on-call) without importing it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

log = logging.getLogger("warroom.events")
_PENDING = "warroom.pending_events"
_REACTIONS = "warroom.reactions"
_MARKS = "warroom.savepoint_marks"  # events pending when each savepoint began


@dataclass(frozen=True)
class DomainEvent:
    name: str
    subject: str
    data: dict[str, Any] = field(default_factory=dict)


Listener = Callable[[DomainEvent], None]
Reaction = Callable[[Session, DomainEvent], None]


def emit(session: Session, event: DomainEvent) -> None:
    session.info.setdefault(_PENDING, []).append(event)
    # An error in a reaction propagates: the caller's whole transaction rolls back.
    for reaction in list(session.info.get(_REACTIONS, {}).values()):
        reaction(session, event)


def react(factory: sessionmaker[Session], name: str, reaction: Reaction) -> None:
    """Call ``reaction(session, event)`` inside every transaction of ``factory`` that emits,
    as the event is emitted. Registering a ``name`` again replaces its reaction."""
    # Sessions copy the factory's ``info`` when made, sharing this one dict of reactions.
    info: dict[str, Any] = factory.kw.setdefault("info", {})
    info.setdefault(_REACTIONS, {})[name] = reaction


def reacts(factory: sessionmaker[Session], name: str) -> bool:
    return name in factory.kw.get("info", {}).get(_REACTIONS, {})


class Changes:
    """Wakes waiting async tasks (possibly on another thread's loop) when something changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()

    def notify(self) -> None:
        with self._lock:
            waiters = list(self._waiters)
        for loop, flag in waiters:
            if not loop.is_closed():
                loop.call_soon_threadsafe(flag.set)

    async def wait(self, timeout: float) -> None:
        flag = asyncio.Event()
        entry = (asyncio.get_running_loop(), flag)
        with self._lock:
            self._waiters.add(entry)
        try:
            await asyncio.wait_for(flag.wait(), timeout)
        except TimeoutError:
            pass
        finally:
            with self._lock:
                self._waiters.discard(entry)


class Dispatcher:
    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = defaultdict(list)
        self.changes = Changes()

    def subscribe(self, name: str, listener: Listener) -> None:
        """``name`` is an event name or ``*`` for all."""
        self._listeners[name].append(listener)

    def publish(self, event: DomainEvent) -> None:
        for listener in [*self._listeners[event.name], *self._listeners["*"]]:
            try:
                listener(event)
            except Exception:
                log.exception("listener failed", extra={"event": event.name})
        self.changes.notify()

    def bind(self, factory: sessionmaker[Session]) -> None:
        """Publish each session's events after it commits; drop them on rollback.

        SQLAlchemy reports a released savepoint as a commit too, and a savepoint rolled back
        as a rollback: only the outermost commit publishes, and a savepoint rolled back drops
        just the events emitted inside it."""

        def after_create(session: Session, trans: SessionTransaction) -> None:
            if trans.nested:
                session.info.setdefault(_MARKS, {})[id(trans)] = len(_pending(session))

        def after_commit(session: Session) -> None:
            if session.in_nested_transaction():
                return
            session.info.pop(_MARKS, None)
            for item in session.info.pop(_PENDING, []):
                self.publish(item)

        def after_rollback(session: Session, trans: SessionTransaction) -> None:
            mark = session.info.get(_MARKS, {}).pop(id(trans), None)
            if trans.nested and mark is not None:
                del _pending(session)[mark:]
            elif not trans.nested:
                session.info.pop(_PENDING, None)
                session.info.pop(_MARKS, None)

        sa_event.listen(factory, "after_transaction_create", after_create)
        sa_event.listen(factory, "after_commit", after_commit)
        sa_event.listen(factory, "after_soft_rollback", after_rollback)


def _pending(session: Session) -> list[DomainEvent]:
    found: list[DomainEvent] = session.info.setdefault(_PENDING, [])
    return found
