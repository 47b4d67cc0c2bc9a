"""``warroom security`` on the local database (SQLite and PostgreSQL) and over HTTP: a security
incident moved through its phases, an indicator refused for its type, an asset put in scope,
evidence logged and handed over; each ``--json`` document is the API's own."""

from __future__ import annotations

import json

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.conftest import LiveServer, make_user
from tests.integration.cli.conftest import Cli
from warroom.access.rules import Role

SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1bbcbd6e4b0b0e9f1f6a0c7e2b"


def test_a_breach_from_the_terminal(cli: Cli, admin_token: str, api: TestClient) -> None:
    headers = {"Authorization": f"Bearer {admin_token}"}
    api.post("/api/v1/assets", json={"hostname": "web-02"}, headers=headers)
    ref = cli.json("incident", "declare", "--title", "Web shell", "--severity", "SEV2",
                   "--kind", "security")["ref"]  # fmt: skip
    moved = cli.json("security", "phase", ref, "containment")
    assert moved["phase"] == "containment"
    refused = cli("security", "ioc", ref, "ip", "not-an-ip", "--json")
    assert refused.exit_code == 1
    assert json.loads(refused.stdout)["errors"][0]["field"] == "value"
    cli.json("security", "ioc", ref, "url", "hxxp://evil[.]example/x")
    cli.json("security", "scope", ref, "web-02", "confirmed")
    logged = cli.json("security", "evidence", ref, "--label", "web-02 memory", "--kind",
                      "memory dump", "--sha256", SHA)  # fmt: skip
    assert logged["evidence"][0]["holder"] == "Ada"
    readable = cli.ok("security", "show", ref).stdout
    assert "Containment · TLP:AMBER" in readable
    assert ": url http://evil.example/x" in readable
    assert cli.json("security", "show", ref) == api.get(f"/api/v1/incidents/{ref}/security",
                                                        headers=headers).json()  # fmt: skip


def test_the_same_over_http(live_app: FastAPI, live_server: LiveServer) -> None:
    admin = make_user(live_app, Role.admin, "Ada Remote")
    analyst = make_user(live_app, Role.responder, "Fay Remote")
    remote = Cli("sqlite:///does-not-exist/never.db", CliRunner())  # only HTTP can work
    env = {"WARROOM_URL": live_server.url, "WARROOM_TOKEN": admin.token}
    body = {"title": "Exfiltration", "severity": "SEV1", "kind": "security"}
    made = httpx.post(f"{live_server.url}/api/v1/incidents", headers=admin.headers, json=body)
    ref = made.json()["ref"]
    remote.json("security", "impact", ref, "--functional", "high", "--tlp", "red", env=env)
    logged = remote.json("security", "evidence", ref, "--label", "proxy logs", "--kind",
                         "log export", "--sha256", SHA, env=env)  # fmt: skip
    item = logged["evidence"][0]["id"]
    handed = remote.json("security", "handover", ref, str(item), "--to", analyst.email,
                         "--purpose", "analysis", env=env)  # fmt: skip
    assert handed["evidence"][0]["holder"] == "Fay Remote"
    assert (handed["tlp"], handed["functional_impact"]) == ("red", "high")
    contained = remote.json("security", "contain", ref, "temporary", "Blocked the proxy",
                            env=env)  # fmt: skip
    assert contained["containment"][0]["kind"] == "temporary"
