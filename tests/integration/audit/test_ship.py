"""The chain's head leaves the database on a schedule (SQLite and PostgreSQL): the worker's
job appends it to a file, POSTs it to a real HTTP server or sends it to a syslog socket on
loopback, only when the head moved and the interval passed; a mistyped sink is refused."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.audit.test_audit_log import some_writes
from warroom.audit.rules import Head
from warroom.audit.service import check_chain, current_head
from warroom.audit.sinks import read_anchor, worker_jobs
from warroom.db import transaction
from warroom.errors import InvalidInput
from warroom.settings import Settings


def ship_job(app: FastAPI, sink: str) -> Any:
    settings: Settings = app.state.settings.model_copy(update={"audit_sink": sink})
    [(name, job)] = worker_jobs(settings)
    assert name == "audit head"
    return job


def head_of(app: FastAPI) -> Head | None:
    with transaction(app.state.sessions) as session:
        return current_head(session)


def test_a_file_sink_gets_the_head_when_it_moved_and_is_due(
    app: FastAPI, client: TestClient, admin: User, clock: Clock, tmp_path: Path
) -> None:
    some_writes(client, admin)
    heads = tmp_path / "sink" / "heads.jsonl"
    job = ship_job(app, f"file:{heads}")
    assert job(app.state.sessions, clock.now) == 1
    assert read_anchor(heads) == head_of(app)
    record = json.loads(heads.read_text().splitlines()[0])
    assert record["type"] == "warroom-audit-head"
    assert job(app.state.sessions, clock.now + timedelta(hours=1)) == 0  # nothing new
    some_writes(client, admin)
    assert job(app.state.sessions, clock.now + timedelta(minutes=5)) == 0  # not due yet
    assert job(app.state.sessions, clock.now + timedelta(minutes=16)) == 1
    assert len(heads.read_text().splitlines()) == 2
    anchor = read_anchor(heads)
    with transaction(app.state.sessions) as session:
        assert check_chain(session, anchor).ok


@pytest.fixture
def hook() -> Iterator[tuple[str, list[Any]]]:
    received: list[Any] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            size = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(size)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/heads", received
    server.shutdown()
    server.server_close()


def test_a_webhook_sink_is_posted_the_head(
    app: FastAPI, client: TestClient, admin: User, clock: Clock, hook: tuple[str, list[Any]]
) -> None:
    url, received = hook
    some_writes(client, admin)
    assert ship_job(app, url)(app.state.sessions, clock.now) == 1
    head = head_of(app)
    assert head is not None
    assert [(r["seq"], r["hash"]) for r in received] == [(head.seq, head.hash)]


def test_a_syslog_sink_is_sent_the_head(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind(("127.0.0.1", 0))
    listener.settimeout(5)
    some_writes(client, admin)
    port = listener.getsockname()[1]
    assert ship_job(app, f"syslog://127.0.0.1:{port}")(app.state.sessions, clock.now) == 1
    message = listener.recv(65536).decode()
    listener.close()
    head = head_of(app)
    assert head is not None
    assert "warroom-audit" in message
    assert head.hash in message


def test_a_mistyped_sink_stops_the_worker_at_start(app: FastAPI) -> None:
    for sink in ("ftp://example.com/x", "file:", "https://"):
        with pytest.raises(InvalidInput):
            ship_job(app, sink)
