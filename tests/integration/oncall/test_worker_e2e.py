"""End to end with real processes: `warroom serve` (its worker embedded, or a separate
`warroom worker`) on a SQLite file, a real SMTP server, and the acknowledge link followed from
the email. Declaring a SEV1 emails the person on call within seconds; the link stops the
escalation; a worker killed mid-escalation resumes at the next step when restarted."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.conftest import User, free_port, make_user, wait_for
from tests.integration.oncall.outbox_helpers import Inbox, smtp_server
from tests.integration.oncall.paging_helpers import Org, make_org
from warroom.access.rules import Role
from warroom.app import create_app
from warroom.db import transaction, utcnow
from warroom.oncall.models import Escalation
from warroom.settings import Settings


@pytest.fixture
def setup_app(sqlite_url: str) -> Iterator[FastAPI]:
    """The organisation is written through an in-process app on the file the servers use."""
    app = create_app(Settings(database_url=sqlite_url, log_json=False, worker=False))
    yield app
    app.state.engine.dispose()


@pytest.fixture
def org(setup_app: FastAPI) -> Org:
    with TestClient(setup_app) as client:
        return make_org(client, setup_app, make_user(setup_app, Role.admin, "Ada Admin"))


@contextmanager
def spawn(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as sink:
        process = subprocess.Popen([sys.executable, "-m", "warroom", *args], env=env, stderr=sink)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(20)


def environment(url: str, port: int, smtp_port: int, *, worker: bool) -> dict[str, str]:
    return os.environ | {
        "WARROOM_DATABASE_URL": url,
        "WARROOM_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "WARROOM_SMTP_HOST": "127.0.0.1",
        "WARROOM_SMTP_PORT": str(smtp_port),
        "WARROOM_SMTP_FROM": "pager@warroom.test",
        "WARROOM_WORKER": "true" if worker else "false",
        "WARROOM_WORKER_INTERVAL_SECONDS": "0.5",
        "WARROOM_WORKER_LEASE_SECONDS": "10",
        "WARROOM_SMTP_TIMEOUT_SECONDS": "2",
    }


def ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def mail_to(inbox: Inbox, user: User) -> list[EmailMessage]:
    return [m for m in inbox.snapshot() if m["To"] == user.email]


def declare(url: str, user: User, severity: str) -> str:
    body = {"title": "Card payments failing", "severity": severity, "services": ["payments"]}
    answer = httpx.post(f"{url}/api/v1/incidents", json=body, headers=user.headers, timeout=10)
    assert answer.status_code == 201, answer.text
    ref: str = answer.json()["ref"]
    return ref


def escalations(app: FastAPI) -> list[tuple[str, str, int]]:
    with transaction(app.state.sessions) as session:
        rows = session.scalars(select(Escalation).order_by(Escalation.id))
        return [(r.policy_name, r.status, r.step) for r in rows]


def test_a_sev1_emails_the_person_on_call_and_the_link_stops_the_escalation(
    setup_app: FastAPI, org: Org, sqlite_url: str, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with smtp_server() as (inbox, smtp_port):
        env = environment(sqlite_url, port, smtp_port, worker=True)
        serve = ["serve", "--host", "127.0.0.1", "--port", str(port)]
        with spawn(serve, env, tmp_path / "serve.log") as server:
            wait_for(lambda: ready(url) or server.poll() is not None, timeout=90)
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            ref = declare(url, org.admin, "SEV1")
            [mail] = wait_for(lambda: mail_to(inbox, org.ann), timeout=20)
            assert ref in mail["Subject"]
            [link] = re.findall(rf"{re.escape(url)}/ack/\S+", mail.get_content())
            form = httpx.get(link, timeout=10)
            assert form.status_code == 200
            assert "Acknowledge" in form.text
            assert ("Payments", "active", 1) in escalations(setup_app)  # a GET changes nothing
            done = httpx.post(link, timeout=10)
            assert done.status_code == 200
            assert "the escalation has stopped" in done.text
    assert ("Payments", "acknowledged", 1) in escalations(setup_app)


def test_a_worker_killed_mid_escalation_resumes_at_the_next_step(
    setup_app: FastAPI, org: Org, sqlite_url: str, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with smtp_server() as (inbox, smtp_port):
        serve_env = environment(sqlite_url, port, smtp_port, worker=False)
        worker_env = environment(sqlite_url, port, smtp_port, worker=True)
        serve = ["serve", "--host", "127.0.0.1", "--port", str(port)]
        with spawn(serve, serve_env, tmp_path / "serve.log") as server:
            wait_for(lambda: ready(url) or server.poll() is not None, timeout=90)
            with spawn(["worker"], worker_env, tmp_path / "worker.log") as worker:
                ref = declare(url, org.admin, "SEV2")
                wait_for(lambda: mail_to(inbox, org.ann), timeout=60)  # the worker starts
                worker.send_signal(signal.SIGKILL)
                worker.wait(10)
            # Step 2 falls due while no worker runs (its 5 minutes, without the wait).
            with transaction(setup_app.state.sessions) as session:
                session.execute(update(Escalation).values(next_at=utcnow() - timedelta(seconds=1)))
            assert not mail_to(inbox, org.bob)
            with spawn(["worker"], worker_env, tmp_path / "worker.log"):
                [page] = wait_for(lambda: mail_to(inbox, org.bob), timeout=60)
    assert ref in page["Subject"]
    assert len(mail_to(inbox, org.ann)) == 1  # step 1 did not run again
    assert escalations(setup_app)[0][2] == 2
