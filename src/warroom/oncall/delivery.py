"""Draining the outbox: ``deliver_due`` claims due deliveries, sends them, and records what
happened, so that any number of workers on one database send each delivery once.

How workers share the outbox. A worker *claims* a few due rows in one short transaction:
``UPDATE deliveries SET claimed_by = <token>, claimed_until = now + lease WHERE id IN (SELECT …
WHERE status = 'pending' AND due_at <= now AND claim expired … FOR UPDATE SKIP LOCKED LIMIT n)``.
On PostgreSQL ``SKIP LOCKED`` lets concurrent claimers pass each other's rows instead of waiting;
on SQLite the UPDATE takes the database's single write lock, so claims are serialised. Either
way a row has one holder at a time, and no lock is held while sending (a slow SMTP relay
never blocks the web app). Each message is then sent and its outcome written in its own
transaction, guarded by ``claimed_by = <token>``.

The limits, stated plainly (docs/worker.md): delivery is *at least once*. A worker that dies
after a message left but before ``sent`` was committed leaves a claim that expires after the
lease; another worker then sends that one message again. Nothing is lost: claimed rows whose
worker died are taken over when the lease runs out. A worker does not start a send unless the
rest of its lease covers the send timeout, so a slow worker does not overlap the next holder.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from warroom.db import transaction
from warroom.incidents.models import Incident
from warroom.incidents.service import record
from warroom.oncall.channels import Channel, Message, SendError
from warroom.oncall.delivery_rules import RATE_WINDOW, after_failure, next_slot
from warroom.oncall.models import ContactMethod, Delivery, Page

log = logging.getLogger("warroom.delivery")
DEFAULT_LEASE = timedelta(seconds=60)
DEFAULT_SEND_BUDGET = timedelta(seconds=25)


def begin_writing(session: Session) -> None:
    """Take SQLite's write lock before the first read, so a read-then-write transaction cannot
    fail on a snapshot another process has moved past (PostgreSQL needs nothing here)."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def claim_token() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def message_of(row: Delivery) -> Message:
    return Message(
        delivery_id=row.id,
        channel=row.channel,
        address=row.address,
        purpose=row.purpose,
        subject=row.subject,
        body=row.body,
        incident_id=row.incident_id,
        page_id=row.page_id,
        created_at=row.created_at,
        attempts=row.attempts,
    )


def deliver_due(
    *,
    sessions: sessionmaker[Session],
    now: datetime,
    channels: Mapping[str, Channel],
    limit: int = 100,
    lease: timedelta = DEFAULT_LEASE,
    send_budget: timedelta = DEFAULT_SEND_BUDGET,
    batch: int = 8,
    concurrency: int = 4,
) -> int:
    """Send up to ``limit`` due deliveries, ``concurrency`` at a time; the number sent.

    Every claim of this call ends at ``now + lease``, and no send starts later than
    ``send_budget`` before that: whatever is left is released for the next round."""
    outbox = _Outbox(sessions, channels, claim_token(), now)
    deadline = time.monotonic() + (lease - send_budget).total_seconds()
    sent = 0
    with ThreadPoolExecutor(concurrency, thread_name_prefix="warroom-send") as pool:
        while limit > 0 and time.monotonic() < deadline:
            claimed = outbox.claim(min(batch, limit), lease)
            if not claimed.count:
                break
            limit -= claimed.count
            deadlines = [deadline] * len(claimed.messages)
            done = list(pool.map(outbox.send, claimed.messages, deadlines))
            sent += done.count("sent")
    return sent


@dataclass(frozen=True)
class _Claimed:
    count: int  # rows claimed, including those then held back by a rate limit
    messages: list[Message]


class _Outbox:
    """One ``deliver_due`` call's claims, under one token."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        channels: Mapping[str, Channel],
        token: str,
        now: datetime,
    ) -> None:
        self.sessions, self.channels, self.token, self.now = sessions, channels, token, now

    def claim(self, count: int, lease: timedelta) -> _Claimed:
        now = self.now
        due = (
            select(Delivery.id)
            .where(
                Delivery.status == "pending",
                Delivery.due_at <= now,
                or_(Delivery.claimed_until.is_(None), Delivery.claimed_until <= now),
            )
            .order_by(Delivery.due_at, Delivery.id)
            .limit(count)
            .with_for_update(skip_locked=True)
        )
        claim = (
            update(Delivery)
            .where(Delivery.id.in_(due))
            .values(claimed_by=self.token, claimed_until=now + lease)
            .returning(Delivery.id)
            .execution_options(synchronize_session=False)
        )
        with transaction(self.sessions) as session:
            ids = list(session.scalars(claim))
            if not ids:
                return _Claimed(0, [])
            query = select(Delivery).where(Delivery.id.in_(ids))
            rows = list(session.scalars(query.order_by(Delivery.due_at, Delivery.id)))
            _hold_back_over_limit(session, rows, self.token, now)
            return _Claimed(len(ids), [message_of(r) for r in rows if r.claimed_by == self.token])

    def send(self, message: Message, deadline: float) -> str:
        """``sent``, ``failed`` (perhaps to be retried) or ``released`` (out of lease time)."""
        if time.monotonic() > deadline:
            self._finish(message, status="pending", claimed_by=None, claimed_until=None)
            return "released"
        try:
            self._send(message)
        except SendError as exc:
            self._failed(message, exc)
            return "failed"
        self._finish(
            message,
            status="sent",
            sent_at=self.now,
            attempts=message.attempts + 1,
            claimed_by=None,
            claimed_until=None,
        )
        log.info(
            "delivery sent",
            extra={"delivery_id": message.delivery_id, "channel": message.channel},
        )
        return "sent"

    def _send(self, message: Message) -> None:
        channel = self.channels.get(message.channel)
        if channel is None:
            raise SendError(f"no {message.channel!r} channel in this worker", permanent=True)
        try:
            channel.send(message)
        except SendError:
            raise
        except Exception as exc:  # a fault in a channel must not leave the row claimed
            log.exception("channel failed", extra={"delivery_id": message.delivery_id})
            raise SendError(f"{type(exc).__name__}: {exc}"[:300]) from exc

    def _failed(self, message: Message, exc: SendError) -> None:
        retry = after_failure(message.attempts, permanent=exc.permanent, now=self.now)
        values: dict[str, object] = {"status": "failed"}
        if retry.due_at is not None:
            values = {"status": "pending", "due_at": retry.due_at}
        self._finish(
            message,
            gave_up=None if retry.due_at else exc.reason,
            **values,
            attempts=retry.attempts,
            last_error=exc.reason,
            claimed_by=None,
            claimed_until=None,
        )
        log.warning(
            "delivery failed",
            extra={
                "delivery_id": message.delivery_id,
                "channel": message.channel,
                "attempts": retry.attempts,
                "reason": exc.reason,
                "retry_at": retry.due_at.isoformat() if retry.due_at else None,
            },
        )

    def _finish(self, message: Message, gave_up: str | None = None, **values: object) -> None:
        mine = update(Delivery).where(
            Delivery.id == message.delivery_id, Delivery.claimed_by == self.token
        )
        with transaction(self.sessions) as session:
            statement = mine.values(**values).execution_options(synchronize_session=False)
            result = cast(CursorResult[Any], session.execute(statement))
            if result.rowcount and gave_up and message.incident_id:
                _note_gave_up(session, message, gave_up, self.now)
        if result.rowcount == 0:
            # Our lease ran out and another worker took the row: it may go out twice.
            log.warning("delivery claim lost", extra={"delivery_id": message.delivery_id})


def _note_gave_up(session: Session, message: Message, reason: str, now: datetime) -> None:
    """A message that will never arrive goes on its incident's timeline: the commander must
    know who was not reached. The address stays out (webhook and Apprise URLs hold tokens)."""
    incident = session.get(Incident, message.incident_id)
    if incident is None:
        return
    page = session.get(Page, message.page_id) if message.page_id else None
    to = f" to {page.person.name}" if page else ""
    attempts = message.attempts + 1
    text = (
        f"Could not send the {message.purpose}{to} by {message.channel}: {reason} "
        f"(gave up after {attempts} attempt{'s' if attempts > 1 else ''})"
    )
    data = {"delivery_id": message.delivery_id, "channel": message.channel}
    record(
        session=session,
        incident=incident,
        kind="delivery_failed",
        actor=None,
        now=now,
        text=text,
        data=data,
    )


def _hold_back_over_limit(
    session: Session, rows: Sequence[Delivery], token: str, now: datetime
) -> None:
    """Postpone the claimed rows whose contact method used up its hourly allowance."""
    limits = _lock_limits(session, {r.contact_method_id for r in rows if r.contact_method_id})
    if not limits:
        return
    used = _recent_sends(session, list(limits), token, now)
    for row in rows:
        limit = limits.get(row.contact_method_id or 0)
        if limit is None:
            continue
        slot = next_slot(used[row.contact_method_id or 0], limit, now)
        if slot is None:
            used[row.contact_method_id or 0].append(now)
            continue
        row.due_at, row.claimed_by, row.claimed_until = slot, None, None
        row.last_error = (
            f"rate limited: {limit} per hour through this contact method; "
            f"postponed to {slot.isoformat(timespec='seconds')}"
        )
        log.info("delivery postponed", extra={"delivery_id": row.id, "due_at": slot.isoformat()})


def _lock_limits(session: Session, method_ids: set[int]) -> dict[int, int]:
    """Each method's ``max_per_hour``, its row locked (PostgreSQL) so that two workers count
    one method's allowance one after the other; NO KEY UPDATE leaves inserts of deliveries
    referring to it free."""
    if not method_ids:
        return {}
    query = (
        select(ContactMethod.id, ContactMethod.max_per_hour)
        .where(ContactMethod.id.in_(method_ids))
        .order_by(ContactMethod.id)
        .with_for_update(key_share=True)
    )
    return dict(session.execute(query).all())


def _recent_sends(
    session: Session, method_ids: list[int], token: str, now: datetime
) -> dict[int, list[datetime]]:
    """Sends in the last hour per method, counting other workers' sends in flight as now."""
    used: dict[int, list[datetime]] = defaultdict(list)
    sent = select(Delivery.contact_method_id, Delivery.sent_at).where(
        Delivery.contact_method_id.in_(method_ids),
        Delivery.status == "sent",
        Delivery.sent_at > now - RATE_WINDOW,
    )
    for method_id, sent_at in session.execute(sent):
        if method_id is not None and sent_at is not None:
            used[method_id].append(sent_at)
    in_flight = select(Delivery.contact_method_id).where(
        Delivery.contact_method_id.in_(method_ids),
        Delivery.status == "pending",
        Delivery.claimed_by != token,
        Delivery.claimed_until > now,
    )
    for method_id in session.scalars(in_flight):
        if method_id is not None:
            used[method_id].append(now)
    return used
