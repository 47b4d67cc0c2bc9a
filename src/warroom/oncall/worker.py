"""The background worker: one loop that, every tick, advances due escalations, reminds
responders whose shift has ended, sends due deliveries, and (every interval) runs the alert
checks (missed heartbeats, alert groups whose window has passed).

It runs inside ``warroom serve`` (``WARROOM_WORKER=true``) and as ``warroom worker`` on its
own; any number may run against one database. Everything due is found in the database by its
time, so a worker that was killed picks up where it stopped, and a tick that fails is logged
and tried again on the next one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from warroom.db import transaction
from warroom.events import Dispatcher
from warroom.oncall.channels import Channel, channels_from
from warroom.oncall.delivery import begin_writing, deliver_due
from warroom.oncall.models import Delivery, Escalation, Staffing
from warroom.settings import Settings

log = logging.getLogger("warroom.worker")
MIN_GAP_SECONDS = 0.2  # a burst of changes wakes the worker once, not once per change
# A periodic job from a domain above on-call (the change gate's go/no-go check): given by the
# composition root so that on-call never imports those domains. It opens its own sessions
# (a cheap look first, as every part here does) and returns how much it did.
Job = tuple[str, Callable[[sessionmaker[Session], datetime], int]]


@dataclass(frozen=True)
class Tick:
    escalated: int = 0
    reminded: int = 0
    sent: int = 0

    def __bool__(self) -> bool:
        return bool(self.escalated or self.reminded or self.sent)


@dataclass
class Worker:
    sessions: sessionmaker[Session]
    clock: Callable[[], datetime]
    settings: Settings
    secret: str
    channels: Mapping[str, Channel]
    jobs: Sequence[Job] = ()
    _checked_at: float = field(default=float("-inf"), init=False)

    @classmethod
    def build(
        cls,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        settings: Settings,
        secret: str,
        jobs: Sequence[Job] = (),
    ) -> Worker:
        return cls(sessions, clock, settings, secret, channels_from(settings, secret), jobs)

    def tick(self) -> Tick:
        """One round of everything due now; each part fails alone."""
        result = Tick(
            escalated=self._part("escalations", self.run_escalations),
            reminded=self._part("handover reminders", self.send_handover_reminders),
            sent=self._part("deliveries", self.deliver),
        )
        if time.monotonic() - self._checked_at >= self.settings.worker_interval_seconds:
            self._checked_at = time.monotonic()
            self._part("alert checks", self.run_alert_checks)
            for name, job in self.jobs:
                self._part(name, lambda job=job: self._run_job(job))  # type: ignore[misc]
        if result:
            log.info("worker tick", extra=vars(result))
        return result

    def _part(self, name: str, part: Callable[[], int]) -> int:
        try:
            return part()
        except Exception:
            log.exception("worker: %s failed; trying again next tick", name)
            return 0

    def run_escalations(self) -> int:
        now = self.clock()
        due = select(Escalation.id).where(Escalation.status == "active", Escalation.next_at <= now)
        if not self._any(due):
            return 0
        from warroom.oncall.paging import do_run_due_escalations

        with transaction(self.sessions) as session:
            begin_writing(session)
            return do_run_due_escalations(
                session=session, now=now, secret=self.secret, base_url=self.settings.base_url
            )

    def send_handover_reminders(self) -> int:
        from warroom.oncall.staffing import do_send_handover_reminders

        now = self.clock()
        if not self._any(select(Staffing.incident_id).where(Staffing.next_handover_at <= now)):
            return 0
        with transaction(self.sessions) as session:
            begin_writing(session)
            return do_send_handover_reminders(
                session=session, now=now, base_url=self.settings.base_url
            )

    def deliver(self) -> int:
        now = self.clock()
        if not self._any(
            select(Delivery.id).where(Delivery.status == "pending", Delivery.due_at <= now)
        ):
            return 0
        lease = timedelta(seconds=self.settings.worker_lease_seconds)
        return deliver_due(
            sessions=self.sessions,
            now=now,
            channels=self.channels,
            limit=200,
            lease=lease,
            send_budget=self.send_budget(lease),
        )

    def send_budget(self, lease: timedelta) -> timedelta:
        """How much lease a send must have left to start: twice the slowest timeout, so a
        send (connect, then talk) ends before another worker may take the row."""
        slowest = max(self.settings.smtp_timeout_seconds, self.settings.webhook_timeout_seconds)
        return min(timedelta(seconds=2 * slowest + 1), lease / 2)

    def run_alert_checks(self) -> int:
        from warroom.alerts.alert_groups import do_close_expired_groups
        from warroom.alerts.heartbeats import do_check_heartbeats

        with transaction(self.sessions) as session:
            raised = do_check_heartbeats(session=session, now=self.clock())
        with transaction(self.sessions) as session:
            do_close_expired_groups(session=session, now=self.clock())
        if raised:
            log.warning("heartbeats missed", extra={"alerts": [a.id for a in raised]})
        return len(raised)

    def _run_job(self, job: Callable[[sessionmaker[Session], datetime], int]) -> int:
        return job(self.sessions, self.clock())

    def _any(self, query: Select[int]) -> bool:
        """A cheap look before taking locks: most ticks find nothing due."""
        with self.sessions() as session:
            return session.scalar(query.limit(1)) is not None

    async def run(self, stop: asyncio.Event, wake: Dispatcher | None = None) -> None:
        """Tick until ``stop`` is set: every ``worker_interval_seconds``, and sooner when
        ``wake`` publishes an event (a commit in this process, perhaps a page to send)."""
        loop = asyncio.get_running_loop()
        poked = asyncio.Event()
        if wake is not None:
            wake.subscribe("*", lambda _event: _set_from_thread(loop, poked))
        while not stop.is_set():
            started = loop.time()
            poked.clear()  # a commit during the tick sets it again: nothing is missed
            await asyncio.to_thread(self.tick)
            await _first_of(self.settings.worker_interval_seconds, stop, poked)
            gap = MIN_GAP_SECONDS - (loop.time() - started)
            if gap > 0 and not stop.is_set():
                await asyncio.sleep(gap)


def _set_from_thread(loop: asyncio.AbstractEventLoop, flag: asyncio.Event) -> None:
    if not loop.is_closed():
        loop.call_soon_threadsafe(flag.set)


async def _first_of(timeout: float, *flags: asyncio.Event) -> None:
    waits = [asyncio.ensure_future(flag.wait()) for flag in flags]
    try:
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiting in waits:
            waiting.cancel()
