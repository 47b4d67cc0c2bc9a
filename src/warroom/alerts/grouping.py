"""Putting one batch's alerts into their groups with a fixed number of statements, however many
groups the batch touches: the open groups of every bucket are read and locked in one query,
the missing ones are created in one insert, and memberships, host counts and the groups' new
counts each go in one statement. A storm of unique events (one new group per event) then
costs as little per event as a storm of one event.

Concurrency: groups are locked in id order (``SELECT … ORDER BY id FOR UPDATE``), and new rows
go in sorted, so two batches never wait on each other in a cycle. A group is created with
``INSERT … ON CONFLICT DO NOTHING`` against the partial unique index on open groups, so two
batches never open two groups for one key; exactly one of them sees a threshold crossed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, text, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from warroom.alerts.correlation_rules import RuleSpec, window_open
from warroom.alerts.escalate import GroupState, escalate
from warroom.alerts.models import Alert, AlertGroup, AlertGroupAlert, AlertGroupMember
from warroom.events import DomainEvent, emit

GROUPS = cast(Table, AlertGroup.__table__)
LINKS = cast(Table, AlertGroupAlert.__table__)
MEMBERS = cast(Table, AlertGroupMember.__table__)
OPEN_ONLY = text("status = 'open'")  # literal: a bound value cannot match a partial index


@dataclass
class Bucket:
    """The alerts of one batch that fall into one rule's group."""

    rule: RuleSpec
    key: str
    values: dict[str, str]
    alerts: list[Alert] = field(default_factory=list)

    @property
    def ident(self) -> tuple[int, str]:
        return self.rule.id, self.key


HostOf = Callable[[Alert], str]


def escalates(alert: Alert) -> bool:
    return not alert.expected and not alert.flapping


def add_to_groups(
    *, session: Session, buckets: Sequence[Bucket], host_of: HostOf, now: datetime
) -> list[int]:
    """Each bucket's alerts into its rule's open group, escalating groups that now meet their
    threshold; the group ids, in bucket order."""
    if not buckets:
        return []
    states = open_groups(session=session, buckets=buckets, now=now)
    new_links = _link(session, buckets, states)
    new_hosts = _add_members(session, buckets, states, host_of, now)
    newly_escalating = _mark_escalating(session, buckets, states, host_of)
    for bucket, state in zip(buckets, states, strict=True):
        linked = new_links[state.id]
        state.alert_count += len(linked)
        state.asset_count += new_hosts[state.id]
        state.escalating_alerts += sum(1 for a in bucket.alerts if a.id in linked and escalates(a))
        state.escalating_assets += newly_escalating[state.id]
        state.last_seen = now
        escalate(session=session, rule=bucket.rule, state=state, values=bucket.values, now=now)
    _save(session, states)
    for state in states:
        data = {"incident": state.incident_id, "grown": new_hosts[state.id], "at": now}
        emit(session, DomainEvent("alert_group.updated", str(state.id), data))
    return [state.id for state in states]


def open_groups(*, session: Session, buckets: Sequence[Bucket], now: datetime) -> list[GroupState]:
    """Each bucket's open group, locked; a new one where there is none or the open one's window
    has passed (which closes it)."""
    found = _locked(session, [b.ident for b in buckets])
    expired = [
        found.pop(b.ident).id
        for b in buckets
        if b.ident in found and not window_open(found[b.ident].first_seen, b.rule, now)
    ]
    if expired:
        session.execute(update(GROUPS).where(GROUPS.c.id.in_(expired)).values(status="closed"))
    missing = sorted((b for b in buckets if b.ident not in found), key=lambda b: b.ident)
    if missing:
        rows = [_new_group(b, now) for b in missing]
        insert = _insert(session, GROUPS).on_conflict_do_nothing(
            index_elements=["rule_id", "key"], index_where=OPEN_ONLY
        )
        session.connection().execute(insert, rows)
        # Inserted here, or by a batch that committed first: either way it is open now.
        found.update(_locked(session, [b.ident for b in missing]))
    return [found[b.ident] for b in buckets]


def _new_group(bucket: Bucket, now: datetime) -> dict[str, Any]:
    return {
        "rule_id": bucket.rule.id,
        "key": bucket.key,
        "values": bucket.values,
        "title": "",
        "status": "open",
        "first_seen": now,
        "last_seen": now,
        "service_id": bucket.rule.service_id or bucket.alerts[0].service_id,
    }


def _locked(session: Session, idents: list[tuple[int, str]]) -> dict[tuple[int, str], GroupState]:
    query = (
        select(GROUPS)
        .where(GROUPS.c.status == "open", tuple_(GROUPS.c.rule_id, GROUPS.c.key).in_(idents))
        .order_by(GROUPS.c.id)
        .with_for_update()
    )
    states = (GroupState.from_row(dict(row)) for row in session.execute(query).mappings())
    return {(s.rule_id, s.key): s for s in states}


def _insert(session: Session, table: Table) -> postgresql.Insert | sqlite.Insert:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _insert_returning(
    session: Session, table: Table, rows: list[dict[str, Any]], column: str
) -> list[tuple[int, Any]]:
    """Insert ``rows`` (sorted, for one lock order), skipping those already there; the
    ``(group_id, column)`` of each row inserted. One statement, compiled once per process."""
    statement = (
        _insert(session, table)
        .on_conflict_do_nothing()
        .returning(table.c.group_id, table.c[column])
    )
    ordered = sorted(rows, key=lambda r: (r["group_id"], r[column]))
    return [(row[0], row[1]) for row in session.connection().execute(statement, ordered)]


def _link(
    session: Session, buckets: Sequence[Bucket], states: Sequence[GroupState]
) -> dict[int, set[int]]:
    """Alert ids newly linked to each group (a repeat of a linked alert adds nothing)."""
    rows = [
        {"group_id": s.id, "alert_id": a.id}
        for b, s in zip(buckets, states, strict=True)
        for a in b.alerts
    ]
    linked: dict[int, set[int]] = {s.id: set() for s in states}
    for group_id, alert_id in _insert_returning(session, LINKS, rows, "alert_id"):
        linked[group_id].add(alert_id)
    return linked


def _hosts(
    buckets: Sequence[Bucket], states: Sequence[GroupState], host_of: HostOf, only_escalating: bool
) -> list[tuple[int, str]]:
    pairs = {
        (s.id, host_of(a))
        for b, s in zip(buckets, states, strict=True)
        for a in b.alerts
        if escalates(a) or not only_escalating
    }
    return sorted(pairs)


def _add_members(
    session: Session,
    buckets: Sequence[Bucket],
    states: Sequence[GroupState],
    host_of: HostOf,
    now: datetime,
) -> Counter[int]:
    """How many hosts each group gained."""
    pairs = _hosts(buckets, states, host_of, only_escalating=False)
    rows = [{"group_id": g, "member": h, "first_seen": now} for g, h in pairs]
    return Counter(g for g, _ in _insert_returning(session, MEMBERS, rows, "member"))


def _mark_escalating(
    session: Session, buckets: Sequence[Bucket], states: Sequence[GroupState], host_of: HostOf
) -> Counter[int]:
    """How many of each group's hosts now escalate for the first time."""
    pairs = _hosts(buckets, states, host_of, only_escalating=True)
    if not pairs:
        return Counter()
    statement = (
        update(MEMBERS)
        .where(tuple_(MEMBERS.c.group_id, MEMBERS.c.member).in_(pairs))
        .where(MEMBERS.c.escalating.is_(False))
        .values(escalating=True)
        .returning(MEMBERS.c.group_id)
    )
    return Counter(row[0] for row in session.connection().execute(statement))


def _save(session: Session, states: Sequence[GroupState]) -> None:
    """Every group's new counts in one executemany."""
    names = list(states[0].counts())
    statement = (
        update(GROUPS)
        .where(GROUPS.c.id == bindparam("group_id"))
        .values({name: bindparam(f"new_{name}") for name in names})
    )
    rows = [{"group_id": s.id, **{f"new_{k}": v for k, v in s.counts().items()}} for s in states]
    session.connection().execute(statement, rows)
