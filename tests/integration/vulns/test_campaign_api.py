"""Vulnerability campaigns through the API on SQLite and PostgreSQL: Heartbleed opened against
an estate built through the catalog, in the hand form and as OSV; malformed advisories refused
whole with the JSON path of the fault; roles."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.statuspage.staff_helpers import fields, ok, problem
from tests.integration.vulns.helpers import HEARTBLEED, VULNS, build_estate, listed

# hostname, version, verdict, tier (default policy, no CVSS: routine or high), status
HAND_FORM = [
    ("vpn-1", "1.0.2-beta1", "affected", 3, "affected"),  # management tool, routine
    ("web-1", "1.0.1", "affected", 5, "affected"),  # internet-facing, a tier 1 service
    ("web-2", "1.0.1f", "affected", 6, "affected"),  # internet-facing, routine
    ("deb-1", "1.0.1e-2+deb7u4", "affected", 8, "affected"),  # internal, a tier 1 service
    ("rhel-1", "1.0.1e-15.el6", "unknown", 9, "unassessed"),  # no Red Hat range: look
]
OSV: dict[str, Any] = {
    "schema_version": "1.6.0",
    "id": "CVE-2014-0160",
    "modified": "2024-01-01T00:00:00Z",
    "summary": "Heartbleed",
    "severity": [{"type": "CVSS_V3", "score": "7.5"}],
    "affected": [
        {
            "package": {"ecosystem": "Debian:7", "name": "openssl"},
            "ranges": [
                {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0.1e-2+deb7u5"}]}
            ],
        },
        {
            "package": {"ecosystem": "OSS-Fuzz", "name": "openssl"},
            "ranges": [
                {"type": "ECOSYSTEM", "events": [{"introduced": "1.0.1"}, {"fixed": "1.0.1g"}]}
            ],
            "versions": ["1.0.2-beta1"],
        },
    ],
}


def test_heartbleed_in_the_hand_form_lists_exactly_the_hosts_at_risk(
    client: TestClient, admin: User, responder: User, viewer: User, clock: Clock
) -> None:
    ids = build_estate(client, admin)
    opened = ok(client.post(VULNS, json=HEARTBLEED, headers=responder.headers), 201)
    assert (opened["advisory_id"], opened["summary"], opened["fixed"]) == (
        "CVE-2014-0160", "Heartbleed", ["1.0.1g"]
    )  # fmt: skip
    assert opened["counts"] == {
        "total": 5, "open": 5, "statuses": {"affected": 4, "unassessed": 1}
    }  # fmt: skip
    assert opened["opened_by"] == "Rita Responder"
    assert opened["assessed_at"] is None  # rhel-1 needs a person to look
    assert opened["policy"]["fallback_tier"] == 10

    assert listed(client, viewer, "CVE-2014-0160") == HAND_FORM
    rows = ok(client.get(f"{VULNS}/{opened['id']}/assets", headers=viewer.headers))
    assert {r["hostname"]: r["asset_id"] for r in rows} == {
        h: ids[h] for h in ("vpn-1", "web-1", "web-2", "deb-1", "rhel-1")
    }
    deb = next(r for r in rows if r["hostname"] == "deb-1")
    assert deb["purl"] == "pkg:deb/debian/openssl@1.0.1e-2%2Bdeb7u4?distro=wheezy"
    assert "<1.0.1e-2+deb7u5" in deb["reason"]
    assert deb["tier_reason"].startswith("tier 8 by rule")
    rhel = next(r for r in rows if r["hostname"] == "rhel-1")
    assert "no Red Hat range" in rhel["reason"]

    assert listed(client, viewer, "cve-2014-0160", tier=6) == [HAND_FORM[2]]
    assert listed(client, viewer, "CVE-2014-0160", status="unassessed") == [HAND_FORM[4]]
    assert listed(client, viewer, "CVE-2014-0160", offset=1, limit=2) == HAND_FORM[1:3]
    shown = ok(client.get(f"{VULNS}/CVE-2014-0160", headers=viewer.headers))
    assert shown["id"] == opened["id"]
    assert shown["document"] == HEARTBLEED
    assert [c["advisory_id"] for c in ok(client.get(VULNS, headers=viewer.headers))] == [
        "CVE-2014-0160"
    ]


def test_heartbleed_as_osv_gives_the_same_hosts_tiered_by_its_score(
    client: TestClient, admin: User, responder: User
) -> None:
    build_estate(client, admin)
    opened = ok(client.post(VULNS, json=OSV, headers=responder.headers), 201)
    assert (opened["cvss"], opened["fixed"]) == (7.5, ["1.0.1e-2+deb7u5", "1.0.1g"])
    # CVSS 7.5 makes every host "high": tiers 2, 5 and 8 by exposure.
    assert listed(client, responder, "CVE-2014-0160") == [
        ("vpn-1", "1.0.2-beta1", "affected", 2, "affected"),
        ("web-1", "1.0.1", "affected", 5, "affected"),
        ("web-2", "1.0.1f", "affected", 5, "affected"),
        ("deb-1", "1.0.1e-2+deb7u4", "affected", 8, "affected"),
        ("rhel-1", "1.0.1e-15.el6", "unknown", 8, "unassessed"),
    ]


def test_an_advisory_that_concerns_nothing_installed_opens_already_assessed_and_closed(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    build_estate(client, admin)
    advisory = {"id": "CVE-2099-0001", "product": "openssl", "affected": "vers:openssl/>=9.0"}
    opened = ok(client.post(VULNS, json=advisory, headers=responder.headers), 201)
    assert opened["counts"] == {"total": 0, "open": 0, "statuses": {}}
    assert opened["assessed_at"] == opened["closed_at"] == opened["opened_at"]


def test_malformed_advisories_are_refused_whole_naming_the_json_path(
    client: TestClient, admin: User, responder: User
) -> None:
    build_estate(client, admin)
    broken = {
        **OSV,
        "affected": [{**OSV["affected"][0], "ranges": [{"type": "ECOSYSTEM", "events": "0"}]}],
    }
    cases: list[tuple[dict[str, Any], str]] = [
        (broken, "$.affected[0].ranges[0].events"),
        ({**HEARTBLEED, "affected": "vers:openssl/>=1.0.1|>=1.0.2"}, "$.affected"),
        ({**HEARTBLEED, "affected": ["vers:openssl/>=1.0.1", 7]}, "$.affected[1]"),
        ({"product": "openssl", "affected": "vers:openssl/*"}, "$.id"),
        ({**HEARTBLEED, "cvss": 11}, "$.cvss"),
    ]
    for document, path in cases:
        refused = problem(client.post(VULNS, json=document, headers=responder.headers), 422)
        assert fields(refused) == [path], refused
    assert problem(client.post(VULNS, json=[1], headers=responder.headers), 422)
    assert ok(client.get(VULNS, headers=responder.headers)) == []  # nothing half-written


def test_roles_unknown_campaigns_and_a_second_campaign_for_one_advisory(
    client: TestClient, admin: User, responder: User, viewer: User
) -> None:
    ids = build_estate(client, admin)
    assert problem(client.post(VULNS, json=HEARTBLEED, headers=viewer.headers), 403)
    assert problem(client.post(VULNS, json=HEARTBLEED), 401)
    ok(client.post(VULNS, json=HEARTBLEED, headers=responder.headers), 201)
    again = problem(client.post(VULNS, json=OSV, headers=responder.headers), 409)
    assert "already has a campaign" in again["detail"]
    refused = client.patch(
        f"{VULNS}/CVE-2014-0160/assets/{ids['web-1']}",
        json={"status": "scheduled"},
        headers=viewer.headers,
    )
    assert problem(refused, 403)
    for path in ("CVE-1999-0001", "999", "CVE-1999-0001/assets", "CVE-1999-0001/progress"):
        assert problem(client.get(f"{VULNS}/{path}", headers=viewer.headers), 404)
    clean = client.patch(
        f"{VULNS}/CVE-2014-0160/assets/{ids['web-3']}",
        json={"status": "patched"},
        headers=responder.headers,
    )
    assert problem(clean, 404)  # web-3 runs the fixed release: it has no record


def test_installs_are_found_by_product_in_any_case_or_by_their_purl_name(
    client: TestClient, admin: User, responder: User
) -> None:
    hosts = {
        "mixed-1": {"product": "OpenSSL", "version": "1.0.1f"},
        "libssl-1": {
            "product": "libssl1.0.0",
            "version": "1.0.1e-2+deb7u4",
            "purl": "pkg:deb/debian/openssl@1.0.1e-2%2Bdeb7u4",
        },
        "fips-1": {"product": "openssl-fips", "version": "1.0.1f"},  # another product
    }
    for hostname, software in hosts.items():
        body = {"hostname": hostname, "exposure": "internal", "software": [software]}
        ok(client.post("/api/v1/assets", json=body, headers=admin.headers), 201)
    ok(client.post(VULNS, json=HEARTBLEED, headers=responder.headers), 201)
    assert listed(client, responder, "CVE-2014-0160") == [
        ("libssl-1", "1.0.1e-2+deb7u4", "affected", 9, "affected"),
        ("mixed-1", "1.0.1f", "affected", 9, "affected"),
    ]
