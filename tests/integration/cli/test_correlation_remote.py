"""``warroom rule``, ``group`` and ``maintenance`` with ``--url --token`` against a real server
on loopback: the same commands, the API's documents with ``--json``, its problems on failure."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.conftest import LiveServer, User, make_user
from tests.integration.alerts.storm import Sent, seed_integration, seed_service, send
from tests.integration.cli.conftest import Cli
from warroom.access.rules import Role
from warroom.alerts.models import CorrelationRule, MaintenanceWindow
from warroom.db import Base, transaction


@pytest.fixture
def remote(live_app: FastAPI) -> Cli:
    """A CLI whose local database does not exist: everything must go over HTTP."""
    return Cli("sqlite:///does-not-exist/never.db", CliRunner())


@pytest.fixture
def manager(live_app: FastAPI) -> User:
    return make_user(live_app, Role.manager, "Mia Remote")


@pytest.fixture
def viewer(live_app: FastAPI) -> User:
    return make_user(live_app, Role.viewer, "Vic Viewer")


def env(server: LiveServer, user: User) -> dict[str, str]:
    return {"WARROOM_URL": server.url, "WARROOM_TOKEN": user.token}


def api(server: LiveServer, user: User, path: str, **params: str) -> Any:
    """What the server's JSON API answers, to compare the CLI's ``--json`` with."""
    response = httpx.get(f"{server.url}/api/v1{path}", headers=user.headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def count(app: FastAPI, model: type[Base]) -> int:
    with transaction(app.state.sessions) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def storm(app: FastAPI, hosts: int) -> None:
    """The same event on ``hosts`` hosts of one service, through the real ingestion."""
    with transaction(app.state.sessions) as session:
        seed_service(session, "files", 2, [f"fs{n}" for n in range(hosts)])
        integration = seed_integration(session).id
    batch = [Sent(f"fs{n}", event="AV") for n in range(hosts)]
    send(app.state.sessions, integration, batch, app.state.clock())


def test_rules_create_list_dry_run_delete_over_http(
    remote: Cli, live_app: FastAPI, live_server: LiveServer, manager: User
) -> None:
    storm(live_app, hosts=6)
    target = ("--url", live_server.url, "--token", manager.token)

    made = remote.json("rule", "create", "--name", "By job", "--group-by", "labels.job",
                       "--min-alerts", "3", "--no-incident", *target)  # fmt: skip
    listed = remote.json("rule", "list", *target)
    default = next(r for r in listed if r["name"] == "Same event across hosts")
    dry = remote.json("rule", "dry-run", str(default["id"]), *target)
    readable = remote.ok("rule", "dry-run", str(default["id"]), *target).stdout

    assert made["group_by"] == ["labels.job"]
    assert made["open_incident"] is False
    assert [r["name"] for r in listed] == ["By job", "Same event across hosts"]  # by position
    assert listed == api(live_server, manager, "/correlation-rules")
    assert remote.json("rule", "show", str(made["id"]), *target) == made
    assert (dry["alerts_seen"], dry["incidents"]) == (6, 1)
    assert dry["groups"][0]["title"] == "AV on 6 hosts"
    assert "1 incidents from 6 alerts" in readable
    assert "AV on 6 hosts" in readable
    deleted = remote.ok("rule", "delete", str(made["id"]), *target)
    assert deleted.stdout == f"Deleted rule {made['id']} (By job).\n"
    assert count(live_app, CorrelationRule) == 1


def test_groups_list_and_show_over_http(
    remote: Cli, live_app: FastAPI, live_server: LiveServer, viewer: User
) -> None:
    storm(live_app, hosts=6)
    target = env(live_server, viewer)

    (group,) = remote.json("group", "list", "--status", "open", "--service", "files", env=target)
    shown = remote.json("group", "show", str(group["id"]), env=target)
    readable = remote.ok("group", "show", str(group["id"]), env=target).stdout

    assert group["asset_count"] == 6
    assert group["incident"].startswith("INC-")
    assert [group] == api(live_server, viewer, "/alert-groups", status="open")
    assert shown == api(live_server, viewer, f"/alert-groups/{group['id']}")
    assert sorted(shown["hosts"]) == [f"fs{n}" for n in range(6)]
    assert "AV on 6 hosts" in readable
    assert "Hosts (6):" in readable
    assert remote.json("group", "list", "--status", "closed", env=target) == []
    assert remote.json("group", "list", "--incident", group["incident"], env=target) == [group]
    assert remote.json("group", "list", "--since-hours", "1", env=target) == [group]
    assert remote.json("group", "list", "--since", "2999-01-01T00:00Z", env=target) == []


def test_maintenance_create_list_delete_over_http(
    remote: Cli, live_app: FastAPI, live_server: LiveServer, manager: User
) -> None:
    with transaction(live_app.state.sessions) as session:
        seed_service(session, "files", 2, ["fs0"])
    target = env(live_server, manager)

    made = remote.json("maintenance", "create", "--name", "Patch", "--asset", "db01",
                       "--service", "files", "--minutes", "30", env=target)  # fmt: skip
    listed = remote.json("maintenance", "list", env=target)
    readable = remote.ok("maintenance", "list", env=target).stdout

    assert made["active"] is True
    assert (made["assets"], made["services"]) == (["db01"], ["files"])
    assert listed == [made]
    assert listed == api(live_server, manager, "/maintenance-windows")
    assert "Patch" in readable
    assert "db01" in readable
    quiet = remote.ok("maintenance", "delete", str(made["id"]), "--json", env=target)
    assert quiet.stdout == ""
    assert count(live_app, MaintenanceWindow) == 0
    assert remote.json("maintenance", "list", "--all", env=target) == []


def test_a_server_problem_names_the_field_and_fails(
    remote: Cli, live_app: FastAPI, live_server: LiveServer, manager: User
) -> None:
    target = env(live_server, manager)

    human = remote("maintenance", "create", "--name", "X", "--service", "nope", env=target)
    as_json = remote("maintenance", "create", "--name", "X", "--service", "nope", "--json",
                     env=target)  # fmt: skip
    rule = remote("rule", "create", "--name", "R", "--group-by", "event", "--service", "nope",
                  "--json", env=target)  # fmt: skip
    missing = remote("group", "show", "999", env=target)

    assert human.exit_code == 1
    assert "services: unknown service 'nope'" in human.stderr
    assert as_json.exit_code == 1
    problem = json.loads(as_json.stdout)
    assert problem["status"] == 422
    assert problem["errors"] == [{"field": "services", "detail": "unknown service 'nope'"}]
    assert rule.exit_code == 1
    assert json.loads(rule.stdout)["errors"][0]["field"] == "service"
    assert missing.exit_code == 1
    assert "no alert group 999" in missing.stderr
    assert count(live_app, MaintenanceWindow) == 0
    assert count(live_app, CorrelationRule) == 1


def test_a_viewer_token_reads_but_cannot_write(
    remote: Cli, live_app: FastAPI, live_server: LiveServer, viewer: User
) -> None:
    target = env(live_server, viewer)
    (rule,) = remote.json("rule", "list", env=target)

    refused = [
        remote("rule", "create", "--name", "Mine", "--group-by", "event", env=target),
        remote("rule", "delete", str(rule["id"]), env=target),
        remote("maintenance", "create", "--name", "Patch", "--asset", "db01", env=target),
    ]

    for result in refused:
        assert result.exit_code == 1
        assert "Forbidden: this needs the manager role; you are viewer" in result.stderr
    assert count(live_app, CorrelationRule) == 1
    assert count(live_app, MaintenanceWindow) == 0


def test_url_without_a_token_is_a_usage_error(remote: Cli) -> None:
    for command in (["rule", "list"], ["group", "list"], ["maintenance", "list"]):
        result = remote(*command, "--url", "http://127.0.0.1:9")
        assert result.exit_code == 2
        assert "--url needs a token" in result.output
