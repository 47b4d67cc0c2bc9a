"""``warroom postmortem`` and ``warroom action`` on the local database (SQLite and PostgreSQL)
and over HTTP: a SEV1 resolved from the terminal has its draft, a section is replaced from a
file, closing is refused until it is published, action items are added, listed and moved; each
``--json`` document is the API's own and bad input names the field."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.conftest import LiveServer, make_user
from tests.integration.cli.conftest import Cli
from warroom.access.rules import Role


def test_a_postmortem_from_the_terminal(
    cli: Cli, admin_token: str, api: TestClient, tmp_path: Path
) -> None:
    headers = {"Authorization": f"Bearer {admin_token}"}
    ref = cli.json("incident", "declare", "--title", "Checkout down", "--severity", "SEV1")["ref"]
    cli.ok("incident", "note", ref, "Rolled back release 4.2.1")
    cli.ok("incident", "resolve", ref, "--message", "Error rate back to baseline")
    shown = cli.json("postmortem", "show", ref)
    assert (shown["state"], shown["required"]) == ("draft", True)
    assert any("Rolled back release 4.2.1" in s["markdown"] for s in shown["sections"])
    assert cli.json("postmortem", "draft", ref)["version"] == shown["version"]  # idempotent

    trigger = tmp_path / "trigger.md"
    trigger.write_text("A connection pool **halved** by release 4.2.1.\n", encoding="utf-8")
    edited = cli.json("postmortem", "edit", ref, "--section", "trigger", "--file", str(trigger))
    assert next(s for s in edited["sections"] if s["key"] == "trigger")["markdown"].startswith(
        "A connection pool **halved**"
    )
    wrong = cli("postmortem", "edit", ref, "--section", "rootcause", "--text", "x", "--json")
    assert wrong.exit_code == 1
    assert json.loads(wrong.stdout)["errors"][0]["field"] == "rootcause"

    refused = cli("incident", "update", ref, "--status", "closed", "--json")
    assert refused.exit_code == 1
    assert "closes once its postmortem is published" in json.loads(refused.stdout)["detail"]
    cli.json("postmortem", "submit", ref)
    readable = cli.ok("postmortem", "publish", ref).stdout
    assert f"{ref} Checkout down — SEV1, postmortem published" in readable
    assert cli.json("incident", "update", ref, "--status", "closed")["status"] == "closed"
    listed = cli.json("postmortem", "list", "--state", "published")
    assert [p["incident"] for p in listed] == [ref]
    api_doc = api.get(f"/api/v1/incidents/{ref}/postmortem", headers=headers).json()
    assert cli.json("postmortem", "show", ref) == api_doc


def test_action_items_from_the_terminal(cli: Cli, admin_token: str, catalog: None) -> None:
    ref = cli.json("incident", "declare", "--title", "Orders slow", "--severity", "SEV3")["ref"]
    added = cli.json("action", "add", ref, "Alert on pool exhaustion", "--type", "detect",
                     "--owner", "kenji@example.com", "--due", "2020-01-31",
                     "--tracker", "https://tracker.example/OPS-7")  # fmt: skip
    assert (added["owner"]["email"], added["overdue"]) == ("kenji@example.com", True)
    cli.json("action", "add", ref, "Write the failover runbook", "--type", "process")
    bad = cli("action", "add", ref, "x", "--type", "fix", "--json")
    assert bad.exit_code == 1
    assert json.loads(bad.stdout)["errors"][0]["field"] == "type"
    late = cli.json("action", "list", "--overdue")
    assert [a["title"] for a in late] == ["Alert on pool exhaustion"]
    mine = cli.json("action", "list", "--owner", "kenji@example.com")
    assert [a["id"] for a in mine] == [added["id"]]
    moved = cli.json("action", "update", str(added["id"]), "--status", "done", "--owner", "")
    assert (moved["status"], moved["owner"], moved["overdue"]) == ("done", None, False)
    table = cli.ok("action", "list", "--status", "open").stdout
    assert "Write the failover runbook" in table
    assert "Alert on pool" not in table


def test_the_same_over_http(live_app: FastAPI, live_server: LiveServer) -> None:
    admin = make_user(live_app, Role.admin, "Ada Remote")
    remote = Cli("sqlite:///does-not-exist/never.db", CliRunner())  # only HTTP can work
    env = {"WARROOM_URL": live_server.url, "WARROOM_TOKEN": admin.token}
    body = {"title": "Search down", "severity": "SEV3"}
    made = httpx.post(f"{live_server.url}/api/v1/incidents", headers=admin.headers, json=body)
    ref = made.json()["ref"]
    drafted = remote.json("postmortem", "draft", ref, env=env)
    assert (drafted["state"], drafted["required"]) == ("draft", False)
    redrafted = remote.json("postmortem", "draft", ref, "--redraft", env=env)
    assert redrafted["version"] > drafted["version"]
    owned = remote.json("postmortem", "edit", ref, "--owner", admin.email, env=env)
    assert owned["owner"]["email"] == admin.email
    stale = remote("postmortem", "submit", ref, "--version", "1", "--json", env=env)
    assert stale.exit_code == 1
    assert json.loads(stale.stdout)["status"] == 409
    assert remote.json("postmortem", "submit", ref, env=env)["state"] == "in_review"
    item = remote.json("action", "add", ref, "Index the wiki", "--type", "prevent", env=env)
    updated = remote.json("action", "update", str(item["id"]), "--status", "in_progress",
                          "--due", "2031-05-01", env=env)  # fmt: skip
    assert (updated["status"], updated["due_on"]) == ("in_progress", "2031-05-01")
    cleared = remote.json("action", "update", str(item["id"]), "--due", "", env=env)
    assert (cleared["status"], cleared["due_on"]) == ("in_progress", None)
    assert [a["id"] for a in remote.json("action", "list", "--incident", ref, env=env)] == [
        item["id"]
    ]
