"""Ingestion over HTTP on SQLite and PostgreSQL: deduplication, catalog matching, the bad
requests (none writes anything), batches as one transaction, and concurrent triggers."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.alerts.ingest_helpers import (
    add_asset,
    add_service,
    am_alert,
    am_body,
    counts,
    make_integration,
    stored,
)
from warroom.settings import Settings


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, log_json=False, worker=False, max_body_bytes=8192)


def pd(key: str, action: str = "trigger", dedup: str = "disk-1", **payload: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"routing_key": key, "event_action": action, "dedup_key": dedup}
    if action == "trigger":
        body["payload"] = {
            "summary": "Disk full on db-1",
            "source": "db-1",
            "severity": "error",
        } | payload
    return body


def test_same_key_updates_the_open_alert_and_counts(
    client: TestClient, admin: User, clock: Clock
) -> None:
    key = make_integration(client, admin, "pagerduty")
    first = client.post("/v2/enqueue", json=pd(key))
    assert first.status_code == 202
    assert first.json() == {
        "status": "success",
        "message": "Event processed",
        "dedup_key": "disk-1",
    }
    clock.advance(minutes=1)
    again = client.post("/v2/enqueue", json=pd(key, summary="Disk still full", severity="critical"))
    assert again.status_code == 202
    (alert,) = stored(client)
    assert alert["count"] == 2
    assert alert["status"] == "firing"
    assert (alert["summary"], alert["severity"]) == ("Disk still full", "critical")
    shown = client.get(f"/api/v1/alerts/{alert['id']}", headers=admin.headers).json()
    assert shown["last_seen"] != shown["first_seen"]


def test_resolve_then_trigger_opens_a_new_alert(client: TestClient, admin: User) -> None:
    key = make_integration(client, admin, "pagerduty")
    client.post("/v2/enqueue", json=pd(key))
    assert client.post("/v2/enqueue", json=pd(key, "acknowledge")).status_code == 202
    assert client.post("/v2/enqueue", json=pd(key, "resolve")).status_code == 202
    assert client.post("/v2/enqueue", json=pd(key)).status_code == 202
    old, new = stored(client)
    assert (old["status"], new["status"]) == ("resolved", "firing")
    assert old["key"] == new["key"]
    assert new["count"] == 1


def test_acknowledge_or_resolve_of_an_unknown_key_is_accepted_and_ignored(
    client: TestClient, admin: User
) -> None:
    key = make_integration(client, admin, "pagerduty")
    for action in ("acknowledge", "resolve"):
        response = client.post("/v2/enqueue", json=pd(key, action, dedup="never-seen"))
        assert response.status_code == 202
        assert response.json()["dedup_key"] == "never-seen"
    assert counts(client) == (0, 0)


def test_asset_matched_by_alias_ip_and_label(client: TestClient, admin: User) -> None:
    add_service(client, admin, "payments", tier=1)
    add_asset(client, admin, "pay-01", aliases=["pay-01.prod.example.com"], services=["payments"])
    add_asset(client, admin, "pay-02", ips=["10.1.2.3"], services=["payments"])
    add_asset(client, admin, "pay-03")
    key = make_integration(client, admin, "alertmanager")
    body = am_body(
        am_alert("pay-01.prod.example.com"),
        am_alert("10.1.2.3"),
        am_alert("unknown-9", hostname="pay-03"),
        am_alert("nowhere-1"),
    )
    response = client.post(f"/api/v1/integrations/alertmanager/{key}", json=body)
    assert response.status_code == 202, response.text
    found = {a["key"]: (a["asset"], a["service"]) for a in stored(client)}
    assert found == {
        "fp-HighCPU-pay-01.prod.example.com": ("pay-01", "payments"),
        "fp-HighCPU-10.1.2.3": ("pay-02", "payments"),
        "fp-HighCPU-unknown-9": ("pay-03", None),
        "fp-HighCPU-nowhere-1": (None, None),
    }


def test_service_of_the_integration_wins_over_the_asset(client: TestClient, admin: User) -> None:
    add_service(client, admin, "payments")
    add_service(client, admin, "backups")
    add_asset(client, admin, "pay-01", services=["payments"])
    key = make_integration(client, admin, "alertmanager", service="backups")
    client.post(f"/api/v1/integrations/alertmanager/{key}", json=am_body(am_alert("pay-01")))
    (alert,) = stored(client)
    assert (alert["asset"], alert["service"]) == ("pay-01", "backups")


def test_unknown_routing_key_is_404_and_writes_nothing(client: TestClient, admin: User) -> None:
    make_integration(client, admin, "pagerduty")
    unknown = "0" * 32
    response = client.post("/v2/enqueue", json=pd(unknown))
    assert response.status_code == 404
    assert response.json()["status"] == "invalid event"
    am = client.post(f"/api/v1/integrations/alertmanager/{unknown}", json=am_body(am_alert("a")))
    assert am.status_code == 404
    assert am.headers["content-type"] == "application/problem+json"
    assert counts(client) == (0, 0)


def test_malformed_json_is_400_and_writes_nothing(client: TestClient, admin: User) -> None:
    pd_key = make_integration(client, admin, "pagerduty")
    am_key = make_integration(client, admin, "alertmanager")
    headers = {"Content-Type": "application/json"}
    response = client.post("/v2/enqueue", content=b'{"routing_key": "', headers=headers)
    assert response.status_code == 400
    assert response.json()["status"] == "invalid event"
    assert "Malformed JSON" in response.json()["errors"][0]
    am = client.post(f"/api/v1/integrations/alertmanager/{am_key}", content=b"{", headers=headers)
    assert am.status_code == 400
    assert am.json()["errors"][0]["field"] == "body"
    assert pd_key
    assert counts(client) == (0, 0)


def test_invalid_payload_is_400_with_the_reason(client: TestClient, admin: User) -> None:
    key = make_integration(client, admin, "pagerduty")
    bad = pd(key, severity="apocalyptic")
    del bad["payload"]["source"]
    response = client.post("/v2/enqueue", json=bad)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "invalid event"
    assert body["message"]
    assert any("payload.source" in e for e in body["errors"])
    assert any("payload.severity" in e for e in body["errors"])
    short = client.post("/v2/enqueue", json=pd("tooshort"))
    assert short.status_code == 400
    assert "routing_key" in short.json()["errors"][0]
    am_key = make_integration(client, admin, "alertmanager")
    am = client.post(f"/api/v1/integrations/alertmanager/{am_key}", json={"version": "4"})
    assert am.status_code == 400
    assert am.json()["errors"][0]["field"] == "alerts"
    assert counts(client) == (0, 0)


def test_oversize_body_is_413_and_writes_nothing(client: TestClient, admin: User) -> None:
    key = make_integration(client, admin, "pagerduty")
    huge = pd(key, custom_details={"blob": "x" * 10_000})
    assert client.post("/v2/enqueue", json=huge).status_code == 413
    am_key = make_integration(client, admin, "alertmanager")
    many = am_body(*(am_alert(f"host-{i}") for i in range(40)))
    response = client.post(f"/api/v1/integrations/alertmanager/{am_key}", json=many)
    assert response.status_code == 413
    assert counts(client) == (0, 0)


def test_alertmanager_batch_is_all_or_nothing(client: TestClient, admin: User) -> None:
    key = make_integration(client, admin, "alertmanager")
    url = f"/api/v1/integrations/alertmanager/{key}"
    broken = am_body(am_alert("web-1"), am_alert("web-2"), {"status": "firing", "labels": "x"})
    response = client.post(url, json=broken)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "alerts[2].labels"
    assert counts(client) == (0, 0)
    good = client.post(url, json=am_body(am_alert("web-1"), am_alert("web-2")))
    assert good.status_code == 202
    assert good.json()["events"] == 2
    # Within one batch, events apply in order: web-1 resolves, then opens anew.
    flap = am_body(am_alert("web-1", "resolved"), am_alert("web-1"), am_alert("web-2"))
    assert client.post(url, json=flap).status_code == 202
    rows = stored(client)
    assert [(a["key"][-5:], a["status"], a["count"]) for a in rows] == [
        ("web-1", "resolved", 1),
        ("web-2", "firing", 2),
        ("web-1", "firing", 1),
    ]


def test_alertmanager_retry_is_idempotent_apart_from_the_count(
    client: TestClient, admin: User
) -> None:
    key = make_integration(client, admin, "alertmanager")
    url = f"/api/v1/integrations/alertmanager/{key}"
    body = am_body(am_alert("web-1"), am_alert("web-2"))
    for _ in range(3):
        assert client.post(url, json=body).status_code == 202
    rows = stored(client)
    assert [(a["status"], a["count"]) for a in rows] == [("firing", 3), ("firing", 3)]
    client.post(url, json=am_body(am_alert("web-1", "resolved"), am_alert("web-2", "resolved")))
    assert {a["status"] for a in stored(client)} == {"resolved"}


def test_concurrent_identical_triggers_yield_one_open_alert(
    client: TestClient, admin: User
) -> None:
    key = make_integration(client, admin, "pagerduty")
    statuses: list[int] = []
    start = threading.Barrier(8)

    def send() -> None:
        start.wait()
        statuses.append(client.post("/v2/enqueue", json=pd(key, dedup="same")).status_code)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [202] * 8
    (alert,) = stored(client)
    assert (alert["status"], alert["count"]) == ("firing", 8)


def test_generic_and_grafana_endpoints(client: TestClient, admin: User) -> None:
    mapping = {"dedup_key": "$.id", "summary": "$.title", "source": "$.host", "status": "$.state"}
    key = make_integration(client, admin, "generic", config=mapping)
    url = f"/api/v1/integrations/generic/{key}"
    sent = {"id": "job-7", "title": "Backup failed", "host": "nas-1"}
    assert client.post(url, json=sent).status_code == 202
    assert client.post(url, json=sent | {"state": "resolved"}).status_code == 202
    missing = client.post(url, json={"id": "x"})
    assert missing.status_code == 400
    assert "summary ($.title)" in missing.json()["detail"]
    grafana = make_integration(client, admin, "grafana")
    legacy = {"ruleId": 3, "ruleName": "Latency", "state": "alerting", "title": "Latency high"}
    assert client.post(f"/api/v1/integrations/grafana/{grafana}", json=legacy).status_code == 202
    rows = stored(client)
    assert [(a["key"], a["status"]) for a in rows] == [
        ("job-7", "resolved"),
        ("grafana-rule-3", "firing"),
    ]


def test_a_key_of_another_kind_is_404(client: TestClient, admin: User) -> None:
    key = make_integration(client, admin, "grafana")
    response = client.post(f"/api/v1/integrations/alertmanager/{key}", json=am_body())
    assert response.status_code == 404


def test_pagerduty_change_event_is_recorded_never_paged(client: TestClient, admin: User) -> None:
    key = make_integration(client, admin, "pagerduty")
    body = {"routing_key": key, "payload": {"summary": "Deploy v42", "source": "ci"}}
    response = client.post("/v2/change/enqueue", json=body)
    assert response.status_code == 202
    assert response.json()["status"] == "success"
    assert counts(client) == (0, 1)


def test_deleted_integration_key_stops_working(client: TestClient, admin: User) -> None:
    key = make_integration(client, admin, "pagerduty", name="old")
    assert client.post("/v2/enqueue", json=pd(key)).status_code == 202
    listed = client.get("/api/v1/integrations", headers=admin.headers).json()
    assert [(i["name"], i["key_hint"][-4:]) for i in listed] == [("old", key[-4:])]
    gone = client.delete(f"/api/v1/integrations/{listed[0]['id']}", headers=admin.headers)
    assert gone.status_code == 204
    assert client.post("/v2/enqueue", json=pd(key)).status_code == 404
    assert counts(client) == (0, 0)
