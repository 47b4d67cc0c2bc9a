"""``warroom kb`` on the local database (SQLite and PostgreSQL; the index catches up first, as
no worker runs there) and over HTTP: the similar incidents of a new one with their fixes,
a mark, and a solution documented and found; each ``--json`` document is the API's own."""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.conftest import LiveServer, make_user
from tests.integration.cli.conftest import Cli
from tests.integration.knowledge.helpers import GATEWAY_FIX, catch_up, history
from warroom.access.rules import Role


def test_similar_incidents_from_the_terminal(cli: Cli, admin_token: str, api: TestClient) -> None:
    headers = {"Authorization": f"Bearer {admin_token}"}
    cli.ok("incident", "declare", "--title", "Checkout payment step hangs", "--severity", "SEV3")
    gateway = cli.json("incident", "declare", "--title", "Payment gateway certificate expired",
                       "--severity", "SEV3", "--description",
                       "Checkout hangs at payment.")["ref"]  # fmt: skip
    cli.ok("incident", "resolve", gateway, "--message", GATEWAY_FIX)
    new = cli.json("incident", "declare", "--title", "Checkout hangs at the payment gateway",
                   "--severity", "SEV3")["ref"]  # fmt: skip
    found = cli.json("kb", "similar", new)
    assert found[0]["entry"]["ref"] == gateway
    assert found[0]["entry"]["fix"] == GATEWAY_FIX
    assert found == api.get(f"/api/v1/incidents/{new}/similar", headers=headers).json()
    readable = cli.ok("kb", "similar", new).stdout
    assert f"1. {gateway} Payment gateway certificate expired" in readable
    assert "fix: Renewed the payment gateway" in readable
    marked = cli.json("kb", "mark", new, str(found[0]["entry"]["id"]), "--not-helpful")
    assert marked["unhelpful_marks"] == 1
    refused = cli("kb", "solution", "--title", "x", "--fix", "y", "--service", "nope", "--json")
    assert refused.exit_code == 1
    assert json.loads(refused.stdout)["errors"][0]["field"] == "services"


def test_solutions_over_http(live_app: FastAPI, live_server: LiveServer) -> None:
    admin = make_user(live_app, Role.admin, "Ada Remote")
    client = TestClient(live_app)
    history(client, admin)
    catch_up(live_app)
    remote = Cli("sqlite:///does-not-exist/never.db", CliRunner())  # only HTTP can work
    env = {"WARROOM_URL": live_server.url, "WARROOM_TOKEN": admin.token}
    made = remote.json("kb", "solution", "--title", "Disk full on the order database",
                       "--fix", "Purge WAL archives; grow the volume.", "--service", "orders",
                       env=env)  # fmt: skip
    hits = remote.json("kb", "search", "WAL archives", env=env)
    assert hits[0]["entry"]["ref"] == f"SOL-{made['id']}"
    assert [s["id"] for s in remote.json("kb", "solutions", env=env)] == [made["id"]]
