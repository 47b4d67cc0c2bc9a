"""Every write appends to the audit log, in the transaction that makes it.

Installed on each session factory (``make_session_factory``): each flush notes every row
inserted, updated or deleted (with the digests of the row before and after), and each
statement that writes many rows at once; just before the outermost commit the notes are
chained onto the log's head and written. The head row is locked for that moment only, so
concurrent transactions append one after the other without a gap or a fork, and a rolled
back transaction (or savepoint) leaves nothing behind.

Who acted comes from ``acting(session, who)``, which the request's authentication and the
command line call; anything else (the worker, the alert intake) is ``system``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import insert, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction
from sqlalchemy.orm import sessionmaker as SessionMaker  # noqa: N812 - the type, not a call

from warroom.audit.models import AuditEntry, AuditHead
from warroom.audit.rules import Draft, Head, chain, digest

AUDIT_ACTOR = "warroom.audit_actor"
_DRAFTS = "warroom.audit_drafts"
_MARKS = "warroom.audit_marks"  # drafts noted when each savepoint began
SYSTEM = "system"
OWN_TABLES = frozenset({"audit_entries", "audit_head"})
Clock = Callable[[], datetime]


def acting(session: Session, who: str) -> None:
    """Name who the session's writes are by, e.g. ``person:12``."""
    session.info[AUDIT_ACTOR] = who


def install_audit(factory: SessionMaker[Session], clock: Clock) -> None:
    recorder = _Recorder(clock)
    sa_event.listen(factory, "after_flush", recorder.note_flush)
    sa_event.listen(factory, "do_orm_execute", recorder.note_statement)
    sa_event.listen(factory, "before_commit", recorder.append)
    sa_event.listen(factory, "after_transaction_create", _mark)
    sa_event.listen(factory, "after_soft_rollback", _forget)


class _Recorder:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def note_flush(self, session: Session, _context: UOWTransaction) -> None:
        at, who = self.clock(), _actor(session)
        notes = _drafts(session)
        for obj in session.new:
            notes.extend(_draft(at, who, "insert", obj, None, _row(obj)))
        for obj in session.dirty:
            if session.is_modified(obj, include_collections=False):
                notes.extend(_draft(at, who, "update", obj, _row_before(obj), _row(obj)))
        for obj in session.deleted:
            notes.extend(_draft(at, who, "delete", obj, _row(obj), None))

    def note_statement(self, state: ORMExecuteState) -> None:
        """A statement writing rows in bulk: one entry naming the table and the statement."""
        if not (state.is_insert or state.is_update or state.is_delete):
            return
        table = getattr(getattr(state.statement, "table", None), "name", "")
        if not table or table in OWN_TABLES:
            return
        kind = "insert" if state.is_insert else "update" if state.is_update else "delete"
        what = {"statement": str(state.statement), "parameters": state.parameters}
        draft = Draft(self.clock(), _actor(state.session), f"bulk_{kind}", table, "*",
                      "", _safe_digest(what))  # fmt: skip
        _drafts(state.session).append(draft)

    def append(self, session: Session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint released: the outer transaction may still roll back
        session.flush()  # the last changes are noted before they are chained
        notes = session.info.pop(_DRAFTS, [])
        session.info.pop(_MARKS, None)
        if notes:
            write_entries(session, notes)


def write_entries(session: Session, notes: list[Draft]) -> Head:
    """Chain ``notes`` onto the head (locked until this transaction ends) and write them."""
    connection = session.connection()
    locked = select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()
    seq, hash_ = connection.execute(locked).one()
    head = Head(seq, hash_) if seq else None
    rows = []
    for note in notes:
        entry = chain(head, note)
        rows.append(_columns(entry))
        head = entry.head
    connection.execute(insert(AuditEntry), rows)
    assert head is not None  # notes is never empty
    moved = update(AuditHead).where(AuditHead.id == 1).values(seq=head.seq, hash=head.hash)
    connection.execute(moved)
    return head


def _columns(entry: Any) -> dict[str, object]:
    names = ("seq", "at", "actor", "action", "object_type", "object_id", "before_digest",
             "after_digest", "prev_hash", "hash")  # fmt: skip
    return {n: getattr(entry, n) for n in names}


def _actor(session: Session) -> str:
    who: str = session.info.get(AUDIT_ACTOR, SYSTEM)
    return who


def _drafts(session: Session) -> list[Draft]:
    found: list[Draft] = session.info.setdefault(_DRAFTS, [])
    return found


def _draft(
    at: datetime, who: str, action: str, obj: object, before: Mapping[str, object] | None,
    after: Mapping[str, object] | None,
) -> list[Draft]:  # fmt: skip
    mapper = inspect(obj).mapper
    table = mapper.local_table.name
    if table in OWN_TABLES:
        return []
    key = ":".join(str(v) for v in mapper.primary_key_from_instance(obj))
    return [Draft(at, who, action, table, key, _safe_digest(before), _safe_digest(after))]


def _row(obj: object) -> dict[str, object]:
    state = inspect(obj)
    loaded = state.dict
    return {a.key: loaded[a.key] for a in state.mapper.column_attrs if a.key in loaded}


def _row_before(obj: object) -> dict[str, object]:
    """The row as it was before this flush: each changed column's old value."""
    state = inspect(obj)
    row = _row(obj)
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.deleted:
            row[attr.key] = history.deleted[0]
    return row


def _safe_digest(row: Mapping[str, object] | None) -> str:
    """The digest of ``row``; a value the canonical encoding refuses is digested as text
    rather than failing the write it records."""
    try:
        return digest(row)
    except (TypeError, ValueError):
        return digest(None if row is None else {k: repr(v) for k, v in row.items()})


def _mark(session: Session, trans: SessionTransaction) -> None:
    if trans.nested:
        session.info.setdefault(_MARKS, {})[id(trans)] = len(_drafts(session))


def _forget(session: Session, trans: SessionTransaction) -> None:
    mark = session.info.get(_MARKS, {}).pop(id(trans), None)
    if trans.nested and mark is not None:
        del _drafts(session)[mark:]
    elif not trans.nested:
        session.info.pop(_DRAFTS, None)
        session.info.pop(_MARKS, None)
