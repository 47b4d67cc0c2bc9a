"""What ingest reads on every batch but people rarely change: the enabled correlation rules,
the maintenance windows, and which asset a host name is. ``Direct`` asks the database each
time; ``Cached`` (what the server's ``Intake`` uses) keeps the answers for ``ttl`` seconds.

A change made through this process (API, web, plan apply) is seen by the next batch: the
sessions are watched and the cache is dropped when a transaction that wrote a rule, window,
service or asset commits. A change made by another process (the CLI, another server worker)
is seen within ``ttl`` seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import chain
from typing import Any, Protocol

from sqlalchemy import and_, or_, select
from sqlalchemy import event as sa_event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from warroom.alerts.correlation_rules import RuleSpec
from warroom.alerts.matching import HostMatch, match_hosts
from warroom.alerts.models import CorrelationRule, MaintenanceWindow
from warroom.catalog.models import Asset, AssetService, Service
from warroom.recurrence import occurrences

TTL_SECONDS = 5.0
HORIZON = timedelta(days=1)  # how far ahead a repeating window's occurrences are read
MAX_HOSTS = 100_000  # names remembered (found or not) before the host cache starts over
WATCHED = (Asset, AssetService, Service, CorrelationRule, MaintenanceWindow)
_DIRTY = "warroom.lookups_dirty"


@dataclass(frozen=True)
class Window:
    """A maintenance window as ``is_expected`` reads it, safe to share between threads."""

    starts_at: datetime
    ends_at: datetime
    assets: tuple[str, ...]
    services: tuple[str, ...]


def window_of(row: MaintenanceWindow) -> Window:
    return Window(row.starts_at, row.ends_at, tuple(row.assets or ()), tuple(row.services or ()))


class Lookups(Protocol):
    def rules(self, session: Session) -> list[RuleSpec]: ...

    def windows(self, session: Session, now: datetime) -> list[Window]: ...

    def hosts(self, session: Session, names: list[str]) -> dict[str, HostMatch]: ...


def enabled_rules(*, session: Session) -> list[RuleSpec]:
    from warroom.alerts.correlate import rule_spec  # correlate imports this module

    query = select(CorrelationRule).where(CorrelationRule.enabled.is_(True))
    rows = session.scalars(query.order_by(CorrelationRule.position, CorrelationRule.id))
    return [rule_spec(r) for r in rows]


def windows_from(session: Session, now: datetime) -> list[Window]:
    """Maintenance windows (each occurrence of a repeating one, for the next day) that have
    not ended at ``now``; freezes say nothing about alerts."""
    query = select(MaintenanceWindow).where(
        MaintenanceWindow.kind == "maintenance",
        or_(
            MaintenanceWindow.ends_at > now,
            and_(
                MaintenanceWindow.rrule.is_not(None),
                or_(MaintenanceWindow.repeat_until.is_(None), MaintenanceWindow.repeat_until > now),
            ),
        ),
    )
    found = []
    for row in session.scalars(query):
        spans = occurrences(row.starts_at, row.ends_at, row.rrule, since=now, until=now + HORIZON)
        found += [
            Window(a, b, tuple(row.assets or ()), tuple(row.services or ())) for a, b in spans
        ]
    return found


class Direct:
    def rules(self, session: Session) -> list[RuleSpec]:
        return enabled_rules(session=session)

    def windows(self, session: Session, now: datetime) -> list[Window]:
        return windows_from(session, now)

    def hosts(self, session: Session, names: list[str]) -> dict[str, HostMatch]:
        return match_hosts(session=session, names=names)


DIRECT = Direct()


class Cached:
    """Per process, thread-safe; ``watch`` a session factory to see its changes at once."""

    def __init__(self, ttl: float = TTL_SECONDS, timer: Callable[[], float] = time.monotonic):
        self._ttl, self._timer, self._lock = ttl, timer, threading.Lock()
        self._rules: tuple[float, list[RuleSpec]] | None = None
        self._windows: tuple[float, datetime, list[Window]] | None = None
        self._hosts: dict[str, tuple[float, HostMatch | None]] = {}

    def invalidate(self) -> None:
        with self._lock:
            self._rules, self._windows, self._hosts = None, None, {}

    def rules(self, session: Session) -> list[RuleSpec]:
        held = self._rules
        if held is not None and held[0] > self._timer():
            return held[1]
        rules = enabled_rules(session=session)
        self._rules = (self._timer() + self._ttl, rules)
        return rules

    def windows(self, session: Session, now: datetime) -> list[Window]:
        held = self._windows
        # Read at or before ``now`` (a clock never runs back in production; tests move it).
        if held is not None and held[0] > self._timer() and held[1] <= now:
            return [w for w in held[2] if w.ends_at > now]
        windows = windows_from(session, now)
        self._windows = (self._timer() + self._ttl, now, windows)
        return windows

    def hosts(self, session: Session, names: list[str]) -> dict[str, HostMatch]:
        found: dict[str, HostMatch] = {}
        missing: list[str] = []
        moment = self._timer()
        for name in names:
            held = self._hosts.get(name)
            if held is None or held[0] <= moment:
                missing.append(name)
            elif held[1] is not None:
                found[name] = held[1]
        if missing:
            fresh = match_hosts(session=session, names=missing)
            self._remember(missing, fresh)
            found.update(fresh)
        return found

    def _remember(self, names: Iterable[str], fresh: dict[str, HostMatch]) -> None:
        expires = self._timer() + self._ttl
        with self._lock:
            if len(self._hosts) > MAX_HOSTS:
                self._hosts = {}
            for name in names:
                self._hosts[name] = (expires, fresh.get(name))

    def watch(self, sessions: sessionmaker[Session]) -> None:
        """Drop the cache when a transaction that changed what it holds commits."""
        sa_event.listen(sessions, "after_flush", _note_flush)
        sa_event.listen(sessions, "do_orm_execute", _note_statement)
        sa_event.listen(sessions, "after_commit", self._after_commit)

    def _after_commit(self, session: Session) -> None:
        # SQLAlchemy also calls this when a savepoint is released; wait for the real commit.
        if not session.in_nested_transaction() and session.info.pop(_DIRTY, False):
            self.invalidate()


def _note_flush(session: Session, _context: Any) -> None:
    if any(isinstance(o, WATCHED) for o in chain(session.new, session.dirty, session.deleted)):
        session.info[_DIRTY] = True


def _note_statement(state: ORMExecuteState) -> None:
    if state.is_select:
        return
    if any(mapper.class_ in WATCHED for mapper in state.all_mappers):
        state.session.info[_DIRTY] = True


def covering(windows: Sequence[Window], now: datetime) -> list[Window]:
    return [w for w in windows if w.starts_at <= now < w.ends_at]
