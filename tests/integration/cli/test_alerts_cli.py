"""``warroom integration …`` and ``warroom alert …``, locally on both databases and over HTTP."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.conftest import LiveServer, make_user
from tests.integration.cli.conftest import Cli
from warroom.access.rules import Role
from warroom.alerts.models import Alert, Integration


def trigger(api: TestClient, key: str, dedup: str, summary: str) -> None:
    body: dict[str, Any] = {
        "routing_key": key,
        "event_action": "trigger",
        "dedup_key": dedup,
        "payload": {"summary": summary, "source": "db-1", "severity": "critical"},
    }
    assert api.post("/v2/enqueue", json=body).status_code == 202


def test_create_list_ack_resolve_locally(cli: Cli, admin_token: str, api: TestClient) -> None:
    made = cli.ok("integration", "create", "--kind", "pagerduty", "--name", "pd-prod")
    key = made.stdout.strip().splitlines()[-1]
    assert len(key) == 32
    assert "/v2/enqueue" in made.stdout
    listed = cli.ok("integration", "list").stdout
    assert "pd-prod" in listed
    assert key[-4:] in listed
    assert key not in listed  # the key itself is never shown again
    trigger(api, key, "disk", "Disk full on db-1")
    trigger(api, key, "cpu", "CPU hot on db-1")
    page = cli.json("alert", "list", "--severity", "critical")
    assert [a["summary"] for a in page["items"]] == ["CPU hot on db-1", "Disk full on db-1"]
    disk = page["items"][1]["id"]
    assert "acknowledged" in cli.ok("alert", "ack", str(disk)).stdout
    assert cli.json("alert", "resolve", str(disk))["status"] == "resolved"
    firing = cli.json("alert", "list", "--status", "firing")["items"]
    assert [a["summary"] for a in firing] == ["CPU hot on db-1"]
    table = cli.ok("alert", "list").stdout
    assert "Disk full on db-1" in table
    assert "resolved" in table


def test_bad_input_is_one_line_and_writes_nothing(cli: Cli, admin_token: str) -> None:
    bad_kind = cli("integration", "create", "--kind", "nagios", "--name", "x")
    assert bad_kind.exit_code == 1
    assert "kind" in bad_kind.stderr
    no_service = cli(
        "integration", "create", "--kind", "alertmanager", "--name", "x", "--service", "nope"
    )
    assert no_service.exit_code == 1
    assert "service" in no_service.stderr
    bad_config = cli("integration", "create", "--kind", "generic", "--name", "g", "--config", "{")
    assert bad_config.exit_code == 1
    assert "config" in bad_config.stderr
    assert cli("alert", "ack", "999").exit_code == 1
    assert cli.count(Integration) == 0
    assert cli.count(Alert) == 0


def test_commands_over_http(live_app: FastAPI, live_server: LiveServer) -> None:
    manager = make_user(live_app, Role.manager, "Mona Manager")
    cli = Cli("sqlite:///does-not-exist/never.db", CliRunner())
    env = {"WARROOM_URL": live_server.url, "WARROOM_TOKEN": manager.token}
    made = cli.json("integration", "create", "--kind", "heartbeat", "--name", "nightly-backup",
                    "--config", '{"interval_seconds": 86400}', env=env)  # fmt: skip
    assert made["config"]["interval_seconds"] == 86400
    assert made["routing_key"]
    names = [i["name"] for i in cli.json("integration", "list", env=env)]
    assert names == ["nightly-backup"]
    assert cli.json("alert", "list", env=env)["items"] == []
    viewer = make_user(live_app, Role.viewer, "Vic Viewer")
    refused = cli("integration", "list", env={**env, "WARROOM_TOKEN": viewer.token})
    assert refused.exit_code == 1
    assert "manager" in refused.stderr
