"""Correlation rules, groups, maintenance and flapping through the API, on both databases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock, User
from tests.integration.alerts.ingest_helpers import (
    add_asset,
    add_service,
    am_alert,
    am_body,
    make_integration,
)
from tests.integration.alerts.storm import (
    Sent,
    groups,
    incidents,
    seed_integration,
    seed_service,
    send,
)
from warroom.alerts.alert_groups import do_close_expired_groups
from warroom.alerts.models import Alert
from warroom.db import transaction

PAYMENTS = [f"pay{n:02d}" for n in range(20)]


def _seed(app: FastAPI) -> int:
    with transaction(app.state.sessions) as session:
        seed_service(session, "payments", 1, PAYMENTS)
        seed_service(session, "wiki", 3, ["wiki01"])
        return seed_integration(session).id


def _rule(client: TestClient, admin: User, **fields: Any) -> dict[str, Any]:
    body = {"name": "rule", "group_by": ["event"]} | fields
    response = client.post("/api/v1/correlation-rules", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_the_default_rule_ships(client: TestClient, viewer: User) -> None:
    (rule,) = client.get("/api/v1/correlation-rules", headers=viewer.headers).json()
    assert rule["name"] == "Same event across hosts"
    assert (rule["group_by"], rule["min_assets"], rule["window_seconds"]) == (["event"], 5, 900)
    assert rule["service"] is None


def test_a_share_of_a_tier1_service_opens_a_sev1(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    integration = _seed(app)
    _rule(client, admin, name="Payments 10%", service="payments", min_share=0.1, position=10)
    send(app.state.sessions, integration, [Sent("pay01", event="Disk")], clock.advance(seconds=1))
    assert incidents(app.state.sessions) == []
    send(app.state.sessions, integration, [Sent("pay02", event="Disk")], clock.advance(seconds=1))
    (incident,) = incidents(app.state.sessions)
    assert incident.severity == "SEV1"  # 2 of 20 tier-1 hosts: wide
    listed = client.get(
        "/api/v1/alert-groups", params={"incident": f"INC-{incident.id}"}, headers=admin.headers
    ).json()
    assert [(g["rule"], g["asset_count"], g["service"]) for g in listed] == [
        ("Payments 10%", 2, "payments")
    ]


def test_an_expired_window_starts_a_new_group(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    integration = _seed(app)
    for host in PAYMENTS[:3]:
        send(app.state.sessions, integration, [Sent(host)], clock.advance(seconds=30))
    clock.advance(minutes=15)
    for host in PAYMENTS[3:6]:
        send(app.state.sessions, integration, [Sent(host)], clock.advance(seconds=30))
    found = groups(app.state.sessions)
    assert [(g.status, g.asset_count) for g in found] == [("closed", 3), ("open", 3)]
    assert incidents(app.state.sessions) == [], "3 + 3 hosts in two windows is not 5 in one"
    open_only = client.get("/api/v1/alert-groups?status=open", headers=admin.headers).json()
    assert [g["id"] for g in open_only] == [found[1].id]


def test_a_group_whose_window_passed_is_closed_by_the_sweep(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    integration = _seed(app)
    send(app.state.sessions, integration, [Sent(PAYMENTS[0])], clock.advance(seconds=1))
    send(
        app.state.sessions, integration, [Sent("wiki01", event="Other")], clock.advance(minutes=10)
    )
    with transaction(app.state.sessions) as session:
        assert do_close_expired_groups(session=session, now=clock()) == []
    clock.advance(minutes=6)  # the first group's 15 minutes are over; the second's are not
    with transaction(app.state.sessions) as session:
        closed = do_close_expired_groups(session=session, now=clock())
    first, second = groups(app.state.sessions)
    assert closed == [first.id]
    assert (first.status, second.status) == ("closed", "open")
    open_only = client.get("/api/v1/alert-groups?status=open", headers=admin.headers).json()
    assert [g["id"] for g in open_only] == [second.id]


def test_maintenance_makes_alerts_expected_and_never_escalates(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    integration = _seed(app)
    window = {
        "name": "Patch Tuesday",
        "starts_at": (clock.now - timedelta(minutes=5)).isoformat(),
        "ends_at": (clock.now + timedelta(hours=2)).isoformat(),
        "services": ["payments"],
    }
    made = client.post("/api/v1/maintenance-windows", json=window, headers=admin.headers)
    assert made.status_code == 201, made.text
    assert made.json()["active"] is True
    for host in PAYMENTS[:8]:
        send(app.state.sessions, integration, [Sent(host)], clock.advance(seconds=5))
    (group,) = groups(app.state.sessions)
    assert (group.alert_count, group.asset_count, group.escalating_assets) == (8, 8, 0)
    assert incidents(app.state.sessions) == []
    with transaction(app.state.sessions) as session:
        assert all(session.scalars(select(Alert.expected)))
    # After the window, the same storm escalates.
    clock.advance(hours=3)
    for host in PAYMENTS[8:13]:
        send(app.state.sessions, integration, [Sent(host)], clock.advance(seconds=5))
    assert len(incidents(app.state.sessions)) == 1


def test_flapping_alert_is_marked_and_not_counted_again(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    integration = _seed(app)
    _rule(client, admin, name="Three alerts", min_alerts=3, group_by=["event", "source"])
    for status in ("firing", "resolved", "firing", "resolved", "firing"):
        send(
            app.state.sessions,
            integration,
            [Sent("pay01", status=status)],
            clock.advance(minutes=1),
        )
    with transaction(app.state.sessions) as session:
        latest = session.scalars(select(Alert).order_by(Alert.id.desc())).first()
        assert latest is not None
        assert latest.flapping
        assert latest.status == "firing"
    three = [g for g in groups(app.state.sessions) if g.rule.name == "Three alerts"]
    assert [(g.alert_count, g.escalating_alerts) for g in three] == [(3, 2)]
    assert incidents(app.state.sessions) == [], "a flapping alert must not page again"


def test_dry_run_matches_what_really_happened(
    app: FastAPI, client: TestClient, admin: User, viewer: User, clock: Clock
) -> None:
    integration = _seed(app)
    for n, host in enumerate(PAYMENTS):
        event = "Disk" if n % 3 else "CPU"
        send(app.state.sessions, integration, [Sent(host, event=event)], clock.advance(minutes=1))
    real = groups(app.state.sessions)
    rule_id = real[0].rule_id
    response = client.post(f"/api/v1/correlation-rules/{rule_id}/dry-run", headers=viewer.headers)
    assert response.status_code == 200, response.text
    dry = response.json()
    assert dry["alerts_seen"] == 20
    assert dry["incidents"] == len(incidents(app.state.sessions)) == 1
    got = [(g["title"], g["alert_count"], g["proposed_severity"]) for g in dry["groups"]]
    want = [(g.title, g.alert_count, g.proposed_severity) for g in real]
    assert sorted(got, key=str) == sorted(want, key=str)
    assert len(groups(app.state.sessions)) == len(real), "a dry run writes nothing"
    unsaved = {"name": "Per host", "group_by": ["source"], "min_alerts": 1}
    other = client.post("/api/v1/correlation-rules/dry-run", json=unsaved, headers=viewer.headers)
    # One group per host; the first opens an incident, the others join it (same service).
    assert len(other.json()["groups"]) == 20
    assert other.json()["incidents"] == 1
    assert sum(g["threshold_met_at"] is not None for g in other.json()["groups"]) == 20


def test_group_detail_and_declaring_from_a_group(
    app: FastAPI, client: TestClient, admin: User, responder: User, viewer: User, clock: Clock
) -> None:
    integration = _seed(app)
    send(app.state.sessions, integration, [Sent(h) for h in PAYMENTS[:3]], clock.now)
    (group,) = groups(app.state.sessions)
    detail = client.get(f"/api/v1/alert-groups/{group.id}", headers=viewer.headers).json()
    assert detail["hosts"] == PAYMENTS[:3]
    assert {a["host"] for a in detail["alerts"]} == set(PAYMENTS[:3])
    path = f"/api/v1/alert-groups/{group.id}/declare"
    assert client.post(path, headers=viewer.headers).status_code == 403
    made = client.post(path, json={"severity": "SEV2"}, headers=responder.headers)
    assert made.status_code == 201, made.text
    assert made.json()["severity"] == "SEV2"
    assert client.post(path, headers=responder.headers).status_code == 409
    ref = made.json()["ref"] if "ref" in made.json() else f"INC-{made.json()['id']}"
    timeline = client.get(f"/api/v1/incidents/{ref}/timeline", headers=viewer.headers).json()
    entry = next(e for e in timeline if e["kind"] == "alert_group")
    assert entry["data"]["group_id"] == group.id
    assert entry["data"]["hosts"] == PAYMENTS[:3]
    # More alerts later: the group's counts move, no second incident.
    send(
        app.state.sessions, integration, [Sent(h) for h in PAYMENTS[3:9]], clock.advance(seconds=30)
    )
    again = client.get(f"/api/v1/alert-groups/{group.id}", headers=viewer.headers).json()
    assert (again["asset_count"], again["incident"]) == (9, made.json()["ref"])
    assert len(incidents(app.state.sessions)) == 1


def test_rules_crud_and_bad_input(client: TestClient, admin: User, viewer: User) -> None:
    client.post("/api/v1/services", json={"name": "payments", "tier": 1}, headers=admin.headers)
    made = _rule(client, admin, name="By alertname", group_by=["labels.alertname"], min_assets=3)
    path = f"/api/v1/correlation-rules/{made['id']}"
    assert client.get(path, headers=viewer.headers).json()["group_by"] == ["labels.alertname"]
    body = {"name": "Again", "group_by": ["event"], "service": "payments", "min_alerts": 9}
    assert (
        client.post("/api/v1/correlation-rules", json=body, headers=viewer.headers).status_code
        == 403
    )
    replaced = client.put(path, json=body, headers=admin.headers)
    assert replaced.status_code == 200
    assert replaced.json()["service"] == "payments"
    duplicate = client.post("/api/v1/correlation-rules", json=body, headers=admin.headers)
    assert duplicate.status_code == 409
    for change, field in (
        ({"group_by": ["host"]}, "group_by"),
        ({"service": "nope"}, "service"),
        ({"min_share": 2}, "min_share"),
    ):
        bad = client.post(
            "/api/v1/correlation-rules", json=body | {"name": "Bad"} | change, headers=admin.headers
        )
        assert bad.status_code == 422, bad.text
        assert bad.json()["errors"][0]["field"].split(".")[0] == field
    assert client.delete(path, headers=admin.headers).status_code == 204
    assert client.get(path, headers=viewer.headers).status_code == 404
    names = [
        r["name"] for r in client.get("/api/v1/correlation-rules", headers=viewer.headers).json()
    ]
    assert names == ["Same event across hosts"]


def test_maintenance_windows_crud(client: TestClient, admin: User, clock: Clock) -> None:
    base = "/api/v1/maintenance-windows"
    start, end = clock.now.isoformat(), (clock.now + timedelta(hours=1)).isoformat()
    backwards = {"name": "Oops", "starts_at": end, "ends_at": start, "assets": ["a"]}
    bad = client.post(base, json=backwards, headers=admin.headers)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "ends_at"
    empty = {"name": "Nothing", "starts_at": start, "ends_at": end}
    assert client.post(base, json=empty, headers=admin.headers).status_code == 422
    made = client.post(base, json=empty | {"assets": ["db01"]}, headers=admin.headers).json()
    assert [w["name"] for w in client.get(base, headers=admin.headers).json()] == ["Nothing"]
    assert client.delete(f"{base}/{made['id']}", headers=admin.headers).status_code == 204
    assert client.get(base, headers=admin.headers).json() == []
    assert client.get("/api/v1/alert-groups", headers=admin.headers).json() == []


def test_alertmanager_firing_on_50_hosts_opens_one_incident_listing_them(
    client: TestClient, admin: User, viewer: User, clock: Clock
) -> None:
    add_service(client, admin, "storage", tier=2)
    hosts = [f"nas{n:02d}" for n in range(50)]
    for host in hosts:
        add_asset(client, admin, host, services=["storage"])
    key = make_integration(client, admin, "alertmanager")
    for start in range(0, 50, 10):
        body = am_body(*(am_alert(h, name="DiskFull") for h in hosts[start : start + 10]))
        sent = client.post(f"/api/v1/integrations/alertmanager/{key}", json=body)
        assert sent.status_code == 202, sent.text
        clock.advance(seconds=30)
    (incident,) = client.get("/api/v1/incidents", headers=viewer.headers).json()["items"]
    assert incident["title"] == "DiskFull on 10 hosts"  # declared by the first batch
    assert incident["severity"] == "SEV2"  # 10 of 50 tier-2 hosts: wide
    (group,) = client.get(
        "/api/v1/alert-groups", params={"incident": incident["ref"]}, headers=viewer.headers
    ).json()
    detail = client.get(f"/api/v1/alert-groups/{group['id']}", headers=viewer.headers).json()
    assert (detail["asset_count"], detail["alert_count"]) == (50, 50)
    assert sorted(detail["hosts"]) == hosts
    assert detail["title"] == "DiskFull on 50 hosts"


def test_alertmanager_alerts_in_maintenance_are_expected(
    client: TestClient, admin: User, viewer: User, clock: Clock
) -> None:
    hosts = [f"nas{n:02d}" for n in range(6)]
    for host in hosts:
        add_asset(client, admin, host)
    window = {
        "name": "Firmware",
        "starts_at": clock.now.isoformat(),
        "ends_at": (clock.now + timedelta(hours=1)).isoformat(),
        "assets": hosts,
    }
    assert client.post("/api/v1/maintenance-windows", json=window, headers=admin.headers).is_success
    key = make_integration(client, admin, "alertmanager")
    body = am_body(*(am_alert(h, name="Reboot") for h in hosts))
    assert client.post(f"/api/v1/integrations/alertmanager/{key}", json=body).status_code == 202
    assert client.get("/api/v1/incidents", headers=viewer.headers).json()["items"] == []
    (group,) = client.get("/api/v1/alert-groups", headers=viewer.headers).json()
    assert (group["asset_count"], group["escalating_assets"]) == (6, 0)
    detail = client.get(f"/api/v1/alert-groups/{group['id']}", headers=viewer.headers).json()
    assert all(a["expected"] for a in detail["alerts"])


PLAN = """
services:
  - name: payments
    tier: 1
correlation_rules:
  - name: Same event across hosts
    group_by: [event]
    min_assets: 5
    position: 1000
  - name: Payments 10%
    service: payments
    group_by: [event, labels.job]
    min_share: 0.1
    window_seconds: 600
"""


def test_rules_are_data_in_the_plan(client: TestClient, admin: User, viewer: User) -> None:
    headers = admin.headers | {"Content-Type": "application/yaml"}
    applied = client.post("/api/v1/plan", content=PLAN, headers=headers)
    assert applied.status_code == 200, applied.text
    changes = [(c["action"], c["kind"], c["key"]) for c in applied.json()["changes"]]
    assert ("create", "correlation rule", "Payments 10%") in changes
    rules = client.get("/api/v1/correlation-rules", headers=viewer.headers).json()
    assert [(r["name"], r["service"], r["min_share"]) for r in rules] == [
        ("Payments 10%", "payments", 0.1),
        ("Same event across hosts", None, None),
    ]
    exported = client.get("/api/v1/plan?format=json", headers=viewer.headers).json()
    assert [r["name"] for r in exported["correlation_rules"]] == [r["name"] for r in rules]
    again = client.post("/api/v1/plan", content=PLAN, headers=headers)
    assert again.json()["changes"] == []
    bad = PLAN.replace("service: payments\n    group_by", "service: nope\n    group_by")
    refused = client.post("/api/v1/plan", content=bad, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "correlation_rules[1].service"
