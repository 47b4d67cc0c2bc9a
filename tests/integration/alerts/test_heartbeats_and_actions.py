"""Heartbeats raise and resolve their missed alert; people acknowledge and resolve alerts;
the alert list filters and pages. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.alerts.ingest_helpers import am_alert, am_body, make_integration, stored
from warroom.alerts.heartbeats import do_check_heartbeats
from warroom.db import transaction
from warroom.settings import Settings


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, log_json=False, worker=False)


def check(app: FastAPI) -> int:
    with transaction(app.state.sessions) as session:
        return len(do_check_heartbeats(session=session, now=app.state.clock()))


def test_missed_heartbeat_raises_once_and_a_ping_resolves(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    config = {"interval_seconds": 60, "grace_seconds": 30}
    key = make_integration(client, admin, "heartbeat", name="nightly", config=config)
    clock.advance(seconds=80)
    assert check(app) == 0  # within interval and grace
    assert client.post(f"/api/v1/integrations/heartbeat/{key}").status_code == 200
    clock.advance(seconds=89)
    assert check(app) == 0
    clock.advance(seconds=2)
    assert check(app) == 1
    clock.advance(seconds=30)
    assert check(app) == 0  # already raised: not raised again, not counted up
    (alert,) = stored(client)
    assert (alert["status"], alert["count"]) == ("firing", 1)
    assert "nightly" in alert["summary"]
    pinged = client.get(f"/api/v1/integrations/heartbeat/{key}")
    assert pinged.json()["resolved"] == 1
    assert [a["status"] for a in stored(client)] == ["resolved"]


def test_heartbeat_config_is_checked(client: TestClient, admin: User) -> None:
    body = {"kind": "heartbeat", "name": "hb", "config": {"interval_seconds": "often"}}
    response = client.post("/api/v1/integrations", json=body, headers=admin.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "config.interval_seconds"


def _fire(client: TestClient, admin: User, hosts: int) -> None:
    key = make_integration(client, admin, "alertmanager")
    body = am_body(*(am_alert(f"web-{i}") for i in range(hosts)))
    assert client.post(f"/api/v1/integrations/alertmanager/{key}", json=body).status_code == 202


def test_acknowledge_and_resolve_by_role(
    client: TestClient, admin: User, responder: User, viewer: User
) -> None:
    _fire(client, admin, 1)
    (alert,) = stored(client)
    url = f"/api/v1/alerts/{alert['id']}"
    assert client.post(f"{url}/acknowledge", headers=viewer.headers).status_code == 403
    acked = client.post(f"{url}/acknowledge", headers=responder.headers)
    assert acked.json()["status"] == "acknowledged"
    assert acked.json()["acknowledged_at"]
    resolved = client.post(f"{url}/resolve", headers=responder.headers).json()
    assert resolved["status"] == "resolved"
    assert [c.split(" ")[1] for c in resolved["state_changes"]][-2:] == [
        "acknowledged",
        "resolved",
    ]
    again = client.post(f"{url}/acknowledge", headers=responder.headers)
    assert again.status_code == 422
    assert client.post("/api/v1/alerts/999/resolve", headers=responder.headers).status_code == 404


def test_list_filters_and_pages(client: TestClient, admin: User, viewer: User) -> None:
    _fire(client, admin, 5)
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, "status": "firing"}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/alerts", params=params, headers=viewer.headers).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 5
    assert len({a["id"] for a in seen}) == 5
    none = client.get("/api/v1/alerts", params={"status": "resolved"}, headers=viewer.headers)
    assert none.json()["items"] == []
    naive = client.get(
        "/api/v1/alerts", params={"since": "2026-11-23T10:00"}, headers=viewer.headers
    )
    assert naive.status_code == 422
    assert client.get("/api/v1/alerts").status_code == 401
