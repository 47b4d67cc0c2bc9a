"""``warroom vulns`` on the local database (SQLite and PostgreSQL) and over HTTP: Heartbleed
opened from the shipped OSV file and from the hand form, a tier's emergency window scheduled
and settled, a record moved by hostname, customers told once; bad input names the field; each
``--json`` document is the API's own."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.conftest import LiveServer, User, make_user
from tests.integration.cli.conftest import Cli
from tests.integration.statuspage.staff_helpers import ok
from tests.integration.vulns.helpers import VULNS, build_estate
from warroom.access.rules import Role
from warroom.demo.legacy import HEARTBLEED

FILE = str(HEARTBLEED)
CVE = "CVE-2014-0160"


def _later(hours: int) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _field(result: object) -> str:
    stdout = getattr(result, "stdout", "")
    assert getattr(result, "exit_code", None) == 1, stdout
    return str(json.loads(stdout)["errors"][0]["field"])


def _seed(api: TestClient, token: str) -> User:
    ada = User(0, "ada@example.com", "Ada", token, "")
    build_estate(api, ada)
    carl = {"name": "Carl", "plan_role": "customer_contact", "email": "carl@acme.example",
            "customer": "Acme"}  # fmt: skip
    ok(api.post("/api/v1/contacts", json=carl, headers=ada.headers), 201)
    return ada


def test_a_campaign_from_the_terminal(
    cli: Cli, admin_token: str, api: TestClient, tmp_path: Path
) -> None:
    ada = _seed(api, admin_token)
    opened = cli.json("vulns", "open", FILE)
    assert (opened["advisory_id"], opened["known_exploited"]) == ("CVE-2014-0160", True)
    readable = cli.ok("vulns", "show", "CVE-2014-0160").stdout
    assert "5 of 5 assets still exposed" in readable
    assert "Acme" in readable
    progress = api.get(f"{VULNS}/CVE-2014-0160/progress", headers=ada.headers).json()
    assert cli.json("vulns", "show", "cve-2014-0160")["by_tier"] == progress["by_tier"]
    tier4 = cli.json("vulns", "assets", "CVE-2014-0160", "--tier", "4")
    assert [r["hostname"] for r in tier4] == ["web-1", "web-2"]

    made = cli.json("vulns", "window", "CVE-2014-0160", "--tier", "4", "--start", _later(2),
                    "--end", _later(4))  # fmt: skip
    assert made["hostnames"] == ["web-1", "web-2"]
    assert made["change"] in cli.ok("vulns", "windows", "CVE-2014-0160").stdout
    change = made["change"]
    # The hosts run end-of-life OpenSSL: the gate asks for a reason, the upgrade is the reason.
    start = {"state": "in_progress", "override_reason": "the upgrade ends the end of life"}
    for body in (start, {"state": "completed"}):
        ok(api.patch(f"/api/v1/changes/{change}", json=body, headers=ada.headers))
    settled = cli.json("vulns", "settle", "CVE-2014-0160", change)
    assert (settled["moved"], settled["window"]["settled_as"]) == (2, "patched")
    moved = cli.json("vulns", "set", "CVE-2014-0160", "web-1", "verified", "--note", "scanned")
    assert (moved["status"], moved["note"]) == ("verified", "scanned")

    told = cli.json("vulns", "notify", "CVE-2014-0160")
    assert [c["customer"] for c in told["notified"]] == ["Acme"]
    assert [s["customer"] for s in told["skipped"]] == ["Globex"]
    assert cli.json("vulns", "notify", "CVE-2014-0160")["notified"] == []
    listed = api.get(f"{VULNS}/CVE-2014-0160/customers", headers=ada.headers).json()
    assert cli.json("vulns", "customers", "CVE-2014-0160") == listed
    assert listed[0]["times"] == 1

    hand = cli.json("vulns", "open", "--id", "CVE-2099-0001", "--product", "openssl",
                    "--affected", "vers:openssl/>=1.0.1|<=1.0.1f", "--fixed", "1.0.1g")  # fmt: skip
    affected = cli.json("vulns", "assets", str(hand["id"]), "--status", "affected")
    assert [r["hostname"] for r in affected] == ["web-1", "web-2"]
    assert [c["advisory_id"] for c in cli.json("vulns", "list")] == [
        "CVE-2099-0001", "CVE-2014-0160"
    ]  # fmt: skip


def test_bad_input_from_the_terminal_names_the_field(
    cli: Cli, admin_token: str, api: TestClient, tmp_path: Path
) -> None:
    _seed(api, admin_token)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert _field(cli("vulns", "open", str(broken), "--json")) == "file"
    assert _field(cli("vulns", "open", FILE, "--id", "X-1", "--json")) == "file"
    assert _field(cli("vulns", "open", "--id", "X-1", "--json")) == "$.product"
    cli.json("vulns", "open", FILE)
    backwards = cli("vulns", "window", CVE, "--tier", "4", "--start", _later(4), "--end",
                    _later(2), "--json")  # fmt: skip
    assert _field(backwards) == "ends_at"
    nothing = cli("vulns", "window", CVE, "--tier", "2", "--start", _later(2), "--end",
                  _later(4), "--json")  # fmt: skip
    assert _field(nothing) == "tier"
    assert _field(cli("vulns", "window", CVE, "--tier", "4", "--start", "soon", "--end",
                      _later(4), "--json")) == "starts_at"  # fmt: skip
    assert _field(cli("vulns", "set", CVE, "web-1", "verified", "--json")) == "status"
    assert _field(cli("vulns", "notify", CVE, "--customer", "Initech", "--json")) == "customers"
    missing = cli("vulns", "show", "CVE-1999-0001", "--json")
    assert missing.exit_code == 1
    assert json.loads(missing.stdout)["status"] == 404


def test_the_same_over_http(live_app: FastAPI, live_server: LiveServer) -> None:
    admin = make_user(live_app, Role.admin, "Ada Remote")
    responder = make_user(live_app, Role.responder, "Rita Remote")
    build_estate(TestClient(live_app), admin)
    remote = Cli("sqlite:///does-not-exist/never.db", CliRunner())  # only HTTP can work
    env = {"WARROOM_URL": live_server.url, "WARROOM_TOKEN": responder.token}
    opened = remote.json("vulns", "open", FILE, env=env)
    assert opened["opened_by"] == "Rita Remote"
    made = remote.json("vulns", "window", str(opened["id"]), "--tier", "7", "--start",
                       _later(1), "--end", _later(3), env=env)  # fmt: skip
    assert made["hostnames"] == ["deb-1"]
    assert made["change"].startswith("CHG-")
    listed = remote.json("vulns", "windows", "CVE-2014-0160", env=env)
    assert [w["records"] for w in listed] == [{"scheduled": 1}]
    moved = remote.json("vulns", "set", "CVE-2014-0160", "vpn-1", "risk_accepted", env=env)
    assert moved["status"] == "risk_accepted"
    rows = remote.json("vulns", "assets", "CVE-2014-0160", "--status", "risk_accepted", env=env)
    assert [r["hostname"] for r in rows] == ["vpn-1"]
    told = remote.json("vulns", "notify", "CVE-2014-0160", env=env)
    assert {s["reason"] for s in told["skipped"]} == {"no contact with an email"}
    early = remote("vulns", "settle", "CVE-2014-0160", made["change"], "--json", env=env)
    assert early.exit_code == 1
    assert json.loads(early.stdout)["status"] == 409
    assert "By tier" in remote.ok("vulns", "show", "CVE-2014-0160", env=env).stdout
