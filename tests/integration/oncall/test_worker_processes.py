"""Three `warroom worker` processes on one database (a SQLite file, PostgreSQL) share a few
hundred due emails: each goes out exactly once; and when one worker is killed mid-run
(SIGKILL, on PostgreSQL), none is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import PgDatabase, wait_for
from tests.integration.oncall.outbox_helpers import Inbox, add_deliveries, smtp_server
from warroom.db import make_engine, make_session_factory, utcnow
from warroom.oncall.models import Delivery

MESSAGES = 300
LEASE_SECONDS = 6


@contextmanager
def workers(
    url: str, smtp_port: int, logs: Path, count: int = 3
) -> Iterator[list[subprocess.Popen[bytes]]]:
    env = os.environ | {
        "WARROOM_DATABASE_URL": url,
        "WARROOM_SECRET_KEY": "test-secret-key-for-the-workers",
        "WARROOM_SMTP_HOST": "127.0.0.1",
        "WARROOM_SMTP_PORT": str(smtp_port),
        "WARROOM_SMTP_TIMEOUT_SECONDS": "2",
        "WARROOM_WEBHOOK_TIMEOUT_SECONDS": "2",
        "WARROOM_WORKER_INTERVAL_SECONDS": "0.2",
        "WARROOM_WORKER_LEASE_SECONDS": str(LEASE_SECONDS),
        "WARROOM_LOG_JSON": "false",
        "WARROOM_LOG_LEVEL": "INFO",
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "warroom", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(logs / f"worker{i}.log").open("wb"),
        )
        for i in range(count)
    ]
    try:
        try:
            wait_for(lambda: all("worker started" in log(logs, i) for i in range(count)), 90)
        except AssertionError as exc:
            said = "\n".join(f"worker {i}: {log(logs, i)[-2000:]}" for i in range(count))
            raise AssertionError(f"the workers did not start:\n{said}") from exc
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)


def log(logs: Path, index: int) -> str:
    path = logs / f"worker{index}.log"
    return path.read_text(errors="replace") if path.exists() else ""


def sent_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            query = select(func.count()).where(Delivery.status == "sent")
            return int(connection.scalar(query.select_from(Delivery)) or 0)
    finally:
        engine.dispose()


def queue(url: str) -> set[int]:
    engine = make_engine(url)
    try:
        addresses = [f"user{i}@example.com" for i in range(MESSAGES)]
        return set(add_deliveries(make_session_factory(engine), utcnow(), *addresses))
    finally:
        engine.dispose()


def delivered(inbox: Inbox) -> Counter[int]:
    return Counter(int(m["X-Warroom-Delivery"]) for m in inbox.snapshot())


def stop(procs: list[subprocess.Popen[bytes]]) -> list[int]:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    return [proc.wait(30) for proc in procs]


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    """One database file or server that all the worker processes use."""
    if request.param == "sqlite":
        return sqlite_url
    database: PgDatabase = request.getfixturevalue("pg_database")
    database.reset()
    return database.url


def test_three_workers_send_each_delivery_exactly_once(shared_url: str, tmp_path: Path) -> None:
    url = shared_url
    with smtp_server(delay=0.005) as (inbox, port), workers(url, port, tmp_path) as procs:
        ids = queue(url)
        wait_for(lambda: sent_count(url) == MESSAGES, timeout=120, interval=0.2)
        assert stop(procs) == [0, 0, 0]  # SIGTERM: each finishes its round and exits cleanly
        counts = delivered(inbox)
    assert set(counts) == ids
    assert [i for i, n in counts.items() if n > 1] == []
    per_worker = [log(tmp_path, i).count("delivery sent") for i in range(3)]
    assert sum(per_worker) == MESSAGES
    assert sum(1 for n in per_worker if n) >= 2, per_worker  # the work was shared
    assert all("worker stopped" in log(tmp_path, i) for i in range(3))


def test_a_worker_killed_mid_run_loses_nothing(pg_database: PgDatabase, tmp_path: Path) -> None:
    pg_database.reset()
    url = pg_database.url
    with smtp_server(delay=0.05) as (inbox, port), workers(url, port, tmp_path) as procs:
        ids = queue(url)
        wait_for(lambda: len(inbox.snapshot()) >= MESSAGES // 5, timeout=60)
        procs[0].send_signal(signal.SIGKILL)
        assert procs[0].wait(10) == -signal.SIGKILL
        # Its claims run out after the lease; then the others send what it held.
        wait_for(lambda: sent_count(url) == MESSAGES, timeout=120, interval=0.2)
        stop(procs[1:])
        counts = delivered(inbox)
    assert set(counts) == ids
    # Only a message in flight at the kill (sent, not yet marked) can go out twice.
    assert sum(n - 1 for n in counts.values()) <= 4
