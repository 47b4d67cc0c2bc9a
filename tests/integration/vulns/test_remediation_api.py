"""Working a Heartbleed campaign through the API on SQLite and PostgreSQL: status moves the
workflow allows and those it refuses, the campaign's assessed and closed times, and its
progress by tier, by customer and over time, checked by hand."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.statuspage.staff_helpers import fields, ok, problem
from tests.integration.vulns.helpers import HEARTBLEED, VULNS, build_estate, move

REF = "CVE-2014-0160"


def test_moves_the_workflow_forbids_are_refused_naming_the_status_field(
    client: TestClient, admin: User, responder: User
) -> None:
    ids = build_estate(client, admin)
    ok(client.post(VULNS, json=HEARTBLEED, headers=responder.headers), 201)
    for asset, status, reason in (
        ("rhel-1", "patched", "a record unassessed cannot become patched"),
        ("web-2", "verified", "a record affected cannot become verified"),
    ):
        refused = problem(move(client, responder, REF, ids[asset], status=status), 422)
        assert fields(refused) == ["status"]
        assert refused["detail"].startswith(f"status: {reason}")
    unknown = problem(move(client, responder, REF, ids["web-2"], status="done"), 422)
    assert any("status" in field for field in fields(unknown))
    ok(move(client, responder, REF, ids["web-1"], status="patched"))
    ok(move(client, responder, REF, ids["web-1"], status="verified"))
    final = problem(move(client, responder, REF, ids["web-1"], status="affected"), 422)
    assert "it can become nothing (it is final)" in final["detail"]
    shown = ok(client.get(f"{VULNS}/{REF}/assets", params={"tier": 5}, headers=responder.headers))
    assert [r["status"] for r in shown] == ["verified"]


def test_statuses_move_as_the_workflow_allows_and_settle_the_campaign(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    ids = build_estate(client, admin)
    ok(client.post(VULNS, json=HEARTBLEED, headers=responder.headers), 201)
    clock.advance(minutes=30)
    looked = ok(
        move(
            client, responder, REF, ids["rhel-1"], status="affected", note="RHSA-2014:0376 missing"
        )
    )
    assert (looked["status"], looked["note"], looked["hostname"]) == (
        "affected", "RHSA-2014:0376 missing", "rhel-1"
    )  # fmt: skip
    campaign = ok(client.get(f"{VULNS}/{REF}", headers=responder.headers))
    assert campaign["assessed_at"] == "2026-11-23T22:30:00Z"

    noted = ok(move(client, responder, REF, ids["web-2"], note="ticket OPS-7"))
    assert (noted["status"], noted["note"]) == ("affected", "ticket OPS-7")
    moves = [
        ("web-1", "patched"), ("web-1", "verified"), ("web-2", "false_positive"),
        ("deb-1", "patched"), ("deb-1", "verified"), ("vpn-1", "risk_accepted"),
    ]  # fmt: skip
    for asset, status in moves:
        ok(move(client, responder, REF, ids[asset], status=status))
    still = ok(client.get(f"{VULNS}/{REF}", headers=responder.headers))
    assert still["closed_at"] is None  # rhel-1 is still affected
    ok(move(client, responder, REF, ids["rhel-1"], status="risk_accepted"))
    closed = ok(client.get(f"{VULNS}/{REF}", headers=responder.headers))
    assert closed["closed_at"] == "2026-11-23T22:30:00Z"
    assert closed["counts"] == {
        "total": 5,
        "open": 0,
        "statuses": {"false_positive": 1, "risk_accepted": 2, "verified": 2},
    }

    clock.advance(hours=1)
    ok(move(client, responder, REF, ids["rhel-1"], status="affected", note="exception withdrawn"))
    assert ok(client.get(f"{VULNS}/{REF}", headers=responder.headers))["closed_at"] is None


def test_progress_by_tier_by_customer_and_over_time(
    client: TestClient, admin: User, responder: User, viewer: User, clock: Clock
) -> None:
    ids = build_estate(client, admin)
    ok(client.post(VULNS, json=HEARTBLEED, headers=responder.headers), 201)
    steps = [
        (30, "rhel-1", "affected"),
        (90, "web-1", "scheduled"),
        (120, "web-1", "patched"),
        (150, "vpn-1", "risk_accepted"),
        (180, "web-1", "verified"),
    ]
    opened = clock.now
    for minutes, asset, status in steps:
        clock.now = opened + timedelta(minutes=minutes)
        ok(move(client, responder, REF, ids[asset], status=status))
    clock.now = opened + timedelta(minutes=210)

    found = ok(client.get(f"{VULNS}/{REF}/progress", headers=viewer.headers))
    assert found["time_to_understand_seconds"] == 1800
    assert found["counts"] == {
        "total": 5, "open": 3, "statuses": {"affected": 3, "risk_accepted": 1, "verified": 1}
    }  # fmt: skip
    assert [(t["tier"], t["total"], t["open"], t["statuses"]) for t in found["by_tier"]] == [
        (3, 1, 0, {"risk_accepted": 1}),
        (5, 1, 0, {"verified": 1}),
        (6, 1, 1, {"affected": 1}),
        (8, 1, 1, {"affected": 1}),
        (9, 1, 1, {"affected": 1}),
    ]
    # Acme runs on shop (web-1, deb-1), Globex on blog (web-2).
    assert [
        (c["customer"], c["total"], c["open"], c["statuses"]) for c in found["by_customer"]
    ] == [
        ("Acme", 2, 1, {"affected": 1, "verified": 1}),
        ("Globex", 1, 1, {"affected": 1}),
    ]
    # web-1 stopped being exposed when patched (2 h), vpn-1 when its risk was accepted (2.5 h).
    assert [(p["at"][11:16], p["open"]) for p in found["burndown"]] == [
        ("22:00", 5), ("23:00", 5), ("00:00", 4), ("01:00", 3), ("01:30", 3)
    ]  # fmt: skip
