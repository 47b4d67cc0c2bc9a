"""Emergency windows per tier through the change calendar, on SQLite and PostgreSQL: the tier's
affected assets become scheduled under one emergency change scoped to them; a host under an
active incident shows as the change's conflict; settling the ended change marks its assets
patched (or affected again when it did not go ahead); bad windows name the field."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.statuspage.staff_helpers import fields, ok, problem
from tests.integration.vulns.helpers import VULNS, build_estate, listed
from warroom.demo.legacy import HEARTBLEED

# The shipped Heartbleed OSV: known exploited, so every affected host is "urgent" in its
# exposure: vpn-1 tier 1, web-1 and web-2 tier 4, deb-1 tier 7 (rhel-1 is unassessed).
ADVISORY: dict[str, Any] = json.loads(HEARTBLEED.read_text())


def window(clock: Clock, tier: int, **extra: Any) -> dict[str, Any]:
    start = clock.now + timedelta(hours=2)
    return {"tier": tier, "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat()} | extra  # fmt: skip


def opened(client: TestClient, admin: User, responder: User) -> dict[str, int]:
    ids = build_estate(client, admin)
    ok(client.post(VULNS, json=ADVISORY, headers=responder.headers), 201)
    return ids


def change_state(client: TestClient, user: User, ref: str, state: str, **extra: Any) -> Any:
    body = {"state": state} | extra
    return ok(client.patch(f"/api/v1/changes/{ref}", json=body, headers=user.headers))


def test_a_tier_window_schedules_its_assets_under_one_emergency_change(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    opened(client, admin, responder)
    assert [row[3] for row in listed(client, responder, "CVE-2014-0160")] == [1, 4, 4, 7, 7]
    made = ok(client.post(f"{VULNS}/CVE-2014-0160/windows", json=window(clock, 4),
                          headers=responder.headers), 201)  # fmt: skip
    assert made["hostnames"] == ["web-1", "web-2"]
    assert (made["tier"], made["assets"], made["records"]) == (4, 2, {"scheduled": 2})
    assert made["title"] == "CVE-2014-0160: patch tier 4 (2 assets)"

    change = ok(client.get(f"/api/v1/changes/{made['change']}", headers=responder.headers))
    assert (change["type"], change["state"]) == ("emergency", "submitted")
    assert change["assets"] == ["web-1", "web-2"]
    assert change["planned_start"] == made["planned_start"]
    statuses = {r[0]: r[4] for r in listed(client, responder, "CVE-2014-0160")}
    assert statuses == {"vpn-1": "affected", "web-1": "scheduled", "web-2": "scheduled",
                        "deb-1": "affected", "rhel-1": "unassessed"}  # fmt: skip

    # Nothing of tier 4 is left waiting: a second window for it names the tier.
    again = client.post(f"{VULNS}/CVE-2014-0160/windows", json=window(clock, 4),
                        headers=responder.headers)  # fmt: skip
    assert fields(problem(again, 422)) == ["tier"]
    shown = ok(client.get(f"{VULNS}/CVE-2014-0160/windows", headers=responder.headers))
    assert [w["change"] for w in shown] == [made["change"]]


def test_completing_the_change_and_settling_the_window_marks_its_assets_patched(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    opened(client, admin, responder)
    made = ok(client.post(f"{VULNS}/CVE-2014-0160/windows", json=window(clock, 4),
                          headers=responder.headers), 201)  # fmt: skip
    settle = f"{VULNS}/CVE-2014-0160/windows/{made['change']}/settle"
    early = client.post(settle, headers=responder.headers)
    assert problem(early, 409)["detail"].startswith(f"{made['change']} is submitted")

    clock.advance(hours=2)
    change_state(client, responder, made["change"], "in_progress")
    clock.advance(hours=1)
    change_state(client, responder, made["change"], "completed")
    # Until the window is settled, the records wait: completing a change is not a claim.
    assert {r[4] for r in listed(client, responder, "CVE-2014-0160", tier=4)} == {"scheduled"}
    settled = ok(client.post(settle, headers=responder.headers))
    assert settled["moved"] == 2
    assert (settled["window"]["settled_as"], settled["window"]["records"]) == (
        "patched", {"patched": 2}
    )  # fmt: skip
    assert {r[4] for r in listed(client, responder, "CVE-2014-0160", tier=4)} == {"patched"}
    progress = ok(client.get(f"{VULNS}/CVE-2014-0160/progress", headers=responder.headers))
    tier4 = next(t for t in progress["by_tier"] if t["tier"] == 4)
    assert (tier4["open"], tier4["statuses"]) == (0, {"patched": 2})
    assert progress["burndown"][-1]["open"] == 3


def test_a_cancelled_window_puts_its_assets_back_to_affected(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    opened(client, admin, responder)
    made = ok(client.post(f"{VULNS}/CVE-2014-0160/windows", json=window(clock, 7, title="deb"),
                          headers=responder.headers), 201)  # fmt: skip
    assert made["hostnames"] == ["deb-1"]
    change_state(client, responder, made["change"], "cancelled")
    settled = ok(client.post(f"{VULNS}/CVE-2014-0160/windows/{made['change']}/settle",
                             headers=responder.headers))  # fmt: skip
    assert (settled["moved"], settled["window"]["settled_as"]) == (1, "affected")
    again = ok(client.post(f"{VULNS}/CVE-2014-0160/windows", json=window(clock, 7),
                           headers=responder.headers), 201)  # fmt: skip
    assert again["hostnames"] == ["deb-1"]
    assert again["change"] != made["change"]


def test_a_window_over_a_host_under_an_active_incident_shows_the_conflict_and_can_be_held(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    opened(client, admin, responder)
    body = {"title": "Shop checkout errors", "severity": "SEV2", "services": ["shop"]}
    incident = ok(client.post("/api/v1/incidents", json=body, headers=admin.headers), 201)
    made = ok(client.post(f"{VULNS}/CVE-2014-0160/windows", json=window(clock, 4),
                          headers=responder.headers), 201)  # fmt: skip
    hits = [c for c in made["conflicts"] if c["reason"] == "incident"]
    assert [c["incident"] for c in hits] == [incident["ref"]]
    kept = ok(client.get(f"/api/v1/changes/{made['change']}", headers=admin.headers))
    assert incident["ref"] in {c["incident"] for c in kept["conflicts"]}
    # The gate holds as for any change: it does not start without an override.
    clock.advance(hours=2)
    started = client.patch(f"/api/v1/changes/{made['change']}", json={"state": "in_progress"},
                           headers=responder.headers)  # fmt: skip
    assert problem(started, 409)["title"] == "Blocked"
    held = client.post(f"/api/v1/changes/{made['change']}/hold",
                       json={"reason": "hosts under the incident", "incident": incident["ref"]},
                       headers=admin.headers)  # fmt: skip
    assert ok(held)["state"] == "on_hold"


def test_one_host_of_a_tier_can_go_first(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    opened(client, admin, responder)
    made = ok(client.post(f"{VULNS}/cve-2014-0160/windows", json=window(clock, 4, assets=["WEB-2"]),
                          headers=responder.headers), 201)  # fmt: skip
    assert made["hostnames"] == ["web-2"]
    rest = ok(client.post(f"{VULNS}/cve-2014-0160/windows", json=window(clock, 4),
                          headers=responder.headers), 201)  # fmt: skip
    assert rest["hostnames"] == ["web-1"]


def test_bad_windows_are_refused_naming_the_field_and_change_nothing(
    client: TestClient, admin: User, responder: User, viewer: User, clock: Clock
) -> None:
    opened(client, admin, responder)
    url = f"{VULNS}/CVE-2014-0160/windows"
    backwards = window(clock, 4)
    backwards["ends_at"] = (clock.now + timedelta(hours=1)).isoformat()
    past = window(clock, 4)
    past["starts_at"] = (clock.now - timedelta(hours=3)).isoformat()
    past["ends_at"] = (clock.now - timedelta(hours=1)).isoformat()
    naive = window(clock, 4, starts_at="2026-11-24T01:00:00")
    cases: list[tuple[dict[str, Any], str]] = [
        (backwards, "ends_at"),
        (past, "ends_at"),
        (naive, "starts_at"),
        (window(clock, 0), "tier"),
        (window(clock, 2), "tier"),  # no asset in tier 2
        (window(clock, 4, assets=["deb-1"]), "assets"),  # not of tier 4
        (window(clock, 4, colour="red"), "colour"),
    ]
    for body, field in cases:
        assert fields(problem(client.post(url, json=body, headers=responder.headers), 422)) == [
            field
        ], body
    assert problem(client.post(url, json=window(clock, 4), headers=viewer.headers), 403)
    assert problem(client.post(f"{VULNS}/CVE-1999-0001/windows", json=window(clock, 4),
                               headers=responder.headers), 404)  # fmt: skip
    assert ok(client.get("/api/v1/changes", headers=responder.headers)) == []
    assert {r[4] for r in listed(client, responder, "CVE-2014-0160", tier=4)} == {"affected"}
