"""``warroom policy …``, ``warroom page …`` and ``warroom incident page`` on the local database
(both kinds) and over HTTP against a running server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.conftest import LiveServer, User, make_user
from tests.integration.cli.conftest import Cli
from tests.integration.oncall.paging_helpers import make_schedule, ok
from warroom.access.rules import Role
from warroom.app import create_app
from warroom.settings import Settings


@pytest.fixture
def cli(database_url: str) -> Cli:
    return Cli(database_url, CliRunner())


@pytest.fixture
def server(cli: Cli) -> Iterator[tuple[TestClient, FastAPI, User]]:
    """``warroom init`` done, and the API on the same database with Ann on call."""
    cli.ok("init", "--email", "ada@example.com", "--password", "correct horse")
    settings = Settings(database_url=cli.database_url, log_json=False, worker=False)
    application = create_app(settings)
    with TestClient(application, raise_server_exceptions=False) as client:
        ann = make_user(application, Role.responder, "Ann")
        make_user(application, Role.responder, "Bob")
        make_schedule(application, "Payments primary", ann.person_id)
        admin = make_user(application, Role.admin, "Root")
        body = {"name": "payments", "tier": 1}
        ok(client.post("/api/v1/services", json=body, headers=admin.headers), 201)
        yield client, application, admin
    application.state.engine.dispose()


POLICY = {
    "name": "Payments",
    "repeat": 1,
    "steps": [
        {"delay_minutes": 5, "targets": [{"schedule": "Payments primary"}]},
        {"delay_minutes": 10, "targets": [{"person": "bob@example.com"}]},
    ],
}


def test_policies_and_pages_on_the_local_database(
    cli: Cli, server: tuple[TestClient, FastAPI, User], tmp_path: Path
) -> None:
    client, _app, admin = server
    file = tmp_path / "payments.yaml"
    file.write_text(yaml.safe_dump(POLICY), encoding="utf-8")
    assert "Created escalation policy 'Payments'" in cli.ok("policy", "create", str(file)).stdout
    assert [p["name"] for p in cli.json("policy", "list")] == ["Payments"]
    shown = cli.ok("policy", "show", "Payments").stdout
    assert "schedule Payments primary" in shown
    assert "person Bob" in shown
    path = "/api/v1/services/payments/escalation-policy"
    ok(client.put(path, json={"policy": "Payments"}, headers=admin.headers))

    declared = cli.json(
        "incident", "declare", "--title", "Card payments failing", "--severity", "SEV2",
        "--service", "payments",
    )  # fmt: skip
    mine = cli.json("page", "list", env={"WARROOM_AS": "ann@example.com"})
    assert [(p["incident"], p["status"]) for p in mine] == [(declared["ref"], "open")]
    assert cli.json("page", "list") == []  # the admin was not paged
    acked = cli.json("page", "ack", str(mine[0]["id"]), env={"WARROOM_AS": "ann@example.com"})
    assert (acked["status"], acked["acknowledged_via"]) == ("acknowledged", "cli")

    paged = cli.json("incident", "page", declared["ref"], "--person", "bob@example.com")
    assert [p["person"]["name"] for p in paged["pages"]] == ["Bob"]
    listed = cli.ok("page", "list", "--all", "--incident", declared["ref"]).stdout
    assert "Bob" in listed
    assert "acknowledged" in listed

    refused = cli("policy", "delete", "Payments")
    assert refused.exit_code == 1
    assert "in use" in refused.stderr
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(POLICY | {"name": "Empty", "steps": []}), encoding="utf-8")
    invalid = cli("policy", "create", str(bad), "--json")
    assert invalid.exit_code == 1
    assert json.loads(invalid.stdout)["errors"][0]["field"] == "steps"


def test_pages_and_policies_over_http(
    live_app: FastAPI, live_server: LiveServer, tmp_path: Path
) -> None:
    manager = make_user(live_app, Role.manager, "Mona Manager")
    env = {"WARROOM_URL": live_server.url, "WARROOM_TOKEN": manager.token}
    cli = Cli("sqlite:///unused.db", CliRunner())
    file = tmp_path / "p.json"
    file.write_text(
        json.dumps({"name": "Mona", "steps": [{"targets": [{"person": manager.email}]}]})
    )
    made = cli.json("policy", "create", str(file), env=env)
    assert made["steps"][0]["targets"][0]["email"] == manager.email
    declared = cli.json(
        "incident", "declare", "--title", "Disk full", "--severity", "SEV3", env=env
    )
    assert cli.json("page", "list", env=env) == []  # a SEV3 pages nobody by itself
    started = cli.json("incident", "page", declared["ref"], "--policy", "Mona", env=env)
    page_id = started["pages"][0]["id"]
    done = cli.json("page", "ack", str(page_id), env=env)
    assert (done["status"], done["acknowledged_via"]) == ("acknowledged", "api")
    assert cli.ok("policy", "delete", "Mona", env=env).exit_code == 0
    assert cli.json("policy", "list", env=env) == []
