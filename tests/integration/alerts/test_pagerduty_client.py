"""The official PagerDuty Python client, pointed at a live warroom by its base URL only:
trigger, acknowledge, resolve and a change event, each checked in the store.

The client insists on https, so the server here speaks TLS with a certificate from a test CA
that the client trusts through ``SSL_CERT_FILE``, as any deployment's own CA would be."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pagerduty
import pytest
import trustme
import uvicorn
from fastapi import FastAPI

from tests.conftest import free_port, make_user
from warroom.access.rules import Role


class TlsServer:
    def __init__(self, app: FastAPI, cert: Path, key: Path) -> None:
        port = free_port()
        self.url = f"https://localhost:{port}"
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
            ssl_certfile=str(cert),
            ssl_keyfile=str(key),
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> TlsServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        # The client keeps its connection alive; do not wait for it to hang up.
        self.server.should_exit = self.server.force_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(
    live_app: FastAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TlsServer]:
    authority = trustme.CA()
    issued = authority.issue_cert("localhost")
    cert, key, ca = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    issued.cert_chain_pems[0].write_to_path(str(cert))
    issued.private_key_pem.write_to_path(str(key))
    authority.cert_pem.write_to_path(str(ca))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    with TlsServer(live_app, cert, key) as server:
        yield server


def _setup(live_app: FastAPI, live_server: TlsServer) -> tuple[httpx.Client, Any]:
    admin = make_user(live_app, Role.admin, "Ada Admin")
    api = httpx.Client(base_url=live_server.url, headers=admin.headers, timeout=10)
    made = api.post("/api/v1/integrations", json={"kind": "pagerduty", "name": "pd clients"})
    assert made.status_code == 201, made.text
    client = pagerduty.EventsApiV2Client(made.json()["routing_key"], base_url=live_server.url)
    return api, client


def _alert(api: httpx.Client) -> dict[str, Any]:
    page = api.get("/api/v1/alerts", params={"integration": "pd clients"}).json()
    assert len(page["items"]) == 1
    found: dict[str, Any] = page["items"][0]
    return found


def test_trigger_acknowledge_resolve_round_trip(live_app: FastAPI, live_server: TlsServer) -> None:
    api, client = _setup(live_app, live_server)
    key = client.trigger(
        "Disk full on db-1",
        "db-1",
        dedup_key="db-1-disk",
        severity="critical",
        custom_details={"free": "0%"},
        links=[{"href": "https://grafana/d/disk", "text": "Dashboard"}],
    )
    assert key == "db-1-disk"
    alert = _alert(api)
    assert (alert["status"], alert["severity"], alert["source"]) == ("firing", "critical", "db-1")
    assert client.trigger("Disk full on db-1", "db-1", dedup_key="db-1-disk") == "db-1-disk"
    assert _alert(api)["count"] == 2
    assert client.acknowledge("db-1-disk") == "db-1-disk"
    assert _alert(api)["status"] == "acknowledged"
    assert client.resolve("db-1-disk") == "db-1-disk"
    resolved = _alert(api)
    assert resolved["status"] == "resolved"
    assert resolved["resolved_at"] is not None


def test_trigger_without_a_key_gets_one(live_app: FastAPI, live_server: TlsServer) -> None:
    api, client = _setup(live_app, live_server)
    key = client.trigger("Queue backing up", "mq-1")
    assert key
    assert _alert(api)["dedup_key"] == key


def test_change_event_is_recorded_and_pages_no_one(
    live_app: FastAPI, live_server: TlsServer
) -> None:
    api, client = _setup(live_app, live_server)
    client.submit(
        "Deploy payments v42",
        source="ci",
        custom_details={"build": 42},
        links=[{"href": "https://ci/builds/42", "text": "Build"}],
        timestamp="2026-11-23T21:00:00Z",
    )
    from sqlalchemy import select

    from warroom.alerts.models import ChangeEvent
    from warroom.db import transaction

    with transaction(live_app.state.sessions) as session:
        changes = [(c.summary, c.source) for c in session.scalars(select(ChangeEvent))]
    assert changes == [("Deploy payments v42", "ci")]
    assert api.get("/api/v1/alerts").json()["items"] == []


def test_unknown_routing_key_is_refused(live_server: TlsServer) -> None:
    client = pagerduty.EventsApiV2Client("f" * 32, base_url=live_server.url)
    with pytest.raises(pagerduty.Error) as caught:
        client.trigger("x", "y")
    assert "404" in str(caught.value)
