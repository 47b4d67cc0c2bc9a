"""A security incident through the API (SQLite and PostgreSQL): its phases, timestamped and on
the timeline; NIST impact and TLP; typed indicators refused when not of their type; assets in
scope with the advice their tier gives before going offline; containment decisions; evidence
with its hash and every hand-over in its chain of custody. Bad input names the field and
writes nothing."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User, make_user
from tests.integration.incidents.helpers import declare, timeline
from warroom.access.rules import Role
from warroom.db import transaction
from warroom.security.models import Indicator

SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1bbcbd6e4b0b0e9f1f6a0c7e2b"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def breach(client: TestClient, admin: User) -> str:
    """shop-01 (internet-facing, runs the tier-1 shop) and a SEV1 security incident."""
    ok(client.post("/api/v1/services", json={"name": "shop", "tier": 1},
                   headers=admin.headers), 201)  # fmt: skip
    host = {"hostname": "shop-01", "exposure": "internet-facing", "services": ["shop"]}
    ok(client.post("/api/v1/assets", json=host, headers=admin.headers), 201)
    ok(client.post("/api/v1/assets", json={"hostname": "build-07"}, headers=admin.headers), 201)
    made = declare(client, admin, title="Web shell on shop-01", kind="security", severity="SEV1")
    ref: str = made["ref"]
    return ref


def test_the_phases_move_in_order_and_are_timestamped(
    client: TestClient, admin: User, clock: Clock
) -> None:
    ref = breach(client, admin)
    url = f"/api/v1/incidents/{ref}/security"
    fresh = ok(client.get(url, headers=admin.headers))
    assert (fresh["phase"], fresh["tlp"], fresh["phases"]) == ("detection_analysis", "amber", [])
    clock.advance(minutes=20)
    contained = ok(client.post(f"{url}/phase", json={"phase": "containment"},
                               headers=admin.headers))  # fmt: skip
    assert contained["phase"] == "containment"
    assert contained["phase_since"] == clock.now.isoformat().replace("+00:00", "Z")
    skipped = problem(client.post(f"{url}/phase", json={"phase": "recovery"},
                                  headers=admin.headers), 422)  # fmt: skip
    assert skipped["errors"][0]["field"] == "phase"
    back = problem(client.post(f"{url}/phase", json={"phase": "detection_analysis"},
                               headers=admin.headers), 422)  # fmt: skip
    assert back["errors"][0]["field"] == "reason"
    again = {"phase": "detection_analysis", "reason": "a second shell found"}
    moved = ok(client.post(f"{url}/phase", json=again, headers=admin.headers))
    assert [(p["from_phase"], p["to_phase"]) for p in moved["phases"]] == [
        ("detection_analysis", "containment"), ("containment", "detection_analysis"),
    ]  # fmt: skip
    assert moved["phases"][1]["reason"] == "a second shell found"
    kinds = [e["kind"] for e in timeline(client, admin, ref)]
    assert kinds.count("security_phase") == 2

    impact = {"functional_impact": "high", "information_impact": "privacy_breach",
              "recoverability": "supplemented", "tlp": "red"}  # fmt: skip
    marked = ok(client.patch(url, json=impact, headers=admin.headers))
    assert {k: marked[k] for k in impact} == impact
    bad = problem(client.patch(url, json={"tlp": "purple"}, headers=admin.headers), 422)
    assert bad["errors"][0]["field"] == "tlp"


def test_indicators_are_typed_and_validated(app: FastAPI, client: TestClient, admin: User) -> None:
    ref = breach(client, admin)
    url = f"/api/v1/incidents/{ref}/security/indicators"
    for body in (
        {"type": "ip", "value": "203.0.113[.]7", "description": "C2"},
        {"type": "domain", "value": "Evil.Example."},
        {"type": "hash", "value": SHA.upper(), "tlp": "red"},
        {"type": "path", "value": "/var/www/html/.x/shell.php"},
    ):
        ok(client.post(url, json=body, headers=admin.headers), 201)
    shown = ok(client.get(f"/api/v1/incidents/{ref}/security", headers=admin.headers))
    assert [(i["type"], i["value"]) for i in shown["indicators"]] == [
        ("ip", "203.0.113.7"), ("domain", "evil.example"), ("hash", SHA),
        ("path", "/var/www/html/.x/shell.php"),
    ]  # fmt: skip
    for body, field in (
        ({"type": "ipv9", "value": "1.2.3.4"}, "type"),
        ({"type": "ip", "value": "999.1.1.1"}, "value"),
        ({"type": "email", "value": "not-an-address"}, "value"),
        ({"type": "url", "value": "javascript:alert(1)"}, "value"),
        ({"type": "domain", "value": "evil.example", "tlp": "purple"}, "tlp"),
    ):
        assert problem(client.post(url, json=body, headers=admin.headers), 422)[
            "errors"][0]["field"] == field, body  # fmt: skip
    duplicate = client.post(url, json={"type": "domain", "value": "EVIL.example"},
                            headers=admin.headers)  # fmt: skip
    assert problem(duplicate, 409)["detail"].endswith("already listed")
    with transaction(app.state.sessions) as session:
        assert session.query(Indicator).count() == 4
    first = shown["indicators"][0]["id"]
    assert client.delete(f"{url}/{first}", headers=admin.headers).status_code == 204
    assert client.delete(f"{url}/{first}", headers=admin.headers).status_code == 404


def test_scope_containment_and_the_offline_advice(client: TestClient, admin: User) -> None:
    ref = breach(client, admin)
    url = f"/api/v1/incidents/{ref}/security"
    ok(client.put(f"{url}/scope/shop-01", json={"compromise": "confirmed", "note": "shell"},
                  headers=admin.headers))  # fmt: skip
    scoped = ok(client.put(f"{url}/scope/build-07", json={"compromise": "suspected"},
                           headers=admin.headers))  # fmt: skip
    shop, build = scoped["scope"]
    assert (shop["hostname"], shop["tier"], shop["compromise"]) == ("shop-01", 1, "confirmed")
    assert shop["offline"]["severity"] == "caution"
    assert "revenue stops" in shop["offline"]["text"]
    assert (build["tier"], build["offline"]["severity"]) == (None, "go")
    missing = client.put(f"{url}/scope/nowhere-9", json={"compromise": "clean"},
                         headers=admin.headers)  # fmt: skip
    assert missing.status_code == 404
    decided = ok(client.post(f"{url}/containment", json={
        "kind": "emergency", "action": "Blocked inbound traffic at the load balancer",
        "hostname": "shop-01"}, headers=admin.headers), 201)  # fmt: skip
    decision = decided["containment"][0]
    assert (decision["kind"], decision["hostname"]) == ("emergency", "shop-01")
    assert "tier-1" in decision["advice"]
    bad = client.post(f"{url}/containment", json={"kind": "forever", "action": "x"},
                      headers=admin.headers)  # fmt: skip
    assert problem(bad, 422)["errors"][0]["field"] == "kind"


def test_evidence_keeps_its_chain_of_custody(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    ref = breach(client, admin)
    analyst = make_user(app, Role.responder, "Fay Forensics")
    url = f"/api/v1/incidents/{ref}/security/evidence"
    item = {"label": "shop-01 disk image", "kind": "disk image", "sha256": SHA,
            "location": "evidence locker 3"}  # fmt: skip
    logged = ok(client.post(url, json=item, headers=admin.headers), 201)["evidence"][0]
    assert (logged["holder"], logged["tlp"]) == ("Ada Admin", "red")
    clock.advance(hours=2)
    moved = ok(client.post(f"{url}/{logged['id']}/custody",
                           json={"to": analyst.email, "purpose": "forensic analysis"},
                           headers=admin.headers))["evidence"][0]  # fmt: skip
    assert moved["holder"] == "Fay Forensics"
    assert [(c["from_person"], c["to_person"], c["purpose"]) for c in moved["custody"]] == [
        (None, "Ada Admin", "collected"), ("Ada Admin", "Fay Forensics", "forensic analysis"),
    ]  # fmt: skip
    assert moved["custody"][1]["at"] == clock.now.isoformat().replace("+00:00", "Z")
    same = client.post(f"{url}/{logged['id']}/custody", json={"to": analyst.email},
                       headers=admin.headers)  # fmt: skip
    assert problem(same, 422)["errors"][0]["field"] == "to"
    for body, field in (({**item, "sha256": "abc"}, "sha256"),
                        ({**item, "holder": "nobody@example.com"}, "holder")):  # fmt: skip
        assert problem(client.post(url, json=body, headers=admin.headers), 422)[
            "errors"][0]["field"] == field  # fmt: skip


def test_only_security_incidents_and_only_responders_write(
    client: TestClient, admin: User, viewer: User
) -> None:
    ref = breach(client, admin)
    outage = declare(client, admin, title="Checkout slow")["ref"]
    wrong = client.get(f"/api/v1/incidents/{outage}/security", headers=admin.headers)
    assert problem(wrong, 409)["detail"].endswith("not security")
    url = f"/api/v1/incidents/{ref}/security"
    assert client.get(url, headers=viewer.headers).status_code == 404  # restricted
    body = {"person": viewer.email, "reason": "reads the firewall logs"}
    ok(client.post(f"/api/v1/incidents/{ref}/participants", json=body, headers=admin.headers), 201)
    assert client.get(url, headers=viewer.headers).status_code == 200
    refused = client.post(f"{url}/phase", json={"phase": "containment"}, headers=viewer.headers)
    assert refused.status_code == 403
