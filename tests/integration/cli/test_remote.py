"""``warroom incident … --url --token`` against a real server on loopback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from tests.conftest import LiveServer, User, free_port, make_user
from tests.integration.cli.conftest import Cli
from warroom.access.rules import Role
from warroom.catalog.service import do_create_service
from warroom.db import transaction


@pytest.fixture
def remote(live_app: FastAPI, live_server: LiveServer) -> tuple[Cli, User]:
    """A CLI whose local database is a different, empty file: everything must go over HTTP."""
    with transaction(live_app.state.sessions) as session:
        do_create_service(session=session, name="orders", tier=1)
    user = make_user(live_app, Role.responder, "Rita Remote", timezone="Europe/Berlin")
    return Cli("sqlite:///does-not-exist/never.db", CliRunner()), user


def url_env(server: LiveServer, user: User) -> dict[str, str]:
    return {"WARROOM_URL": server.url, "WARROOM_TOKEN": user.token}


def test_every_incident_command_works_over_http(
    remote: tuple[Cli, User], live_server: LiveServer
) -> None:
    cli, user = remote
    env = url_env(live_server, user)
    made = cli.json(
        "incident", "declare", "--title", "Orders failing", "--severity", "SEV2",
        "--service", "orders", env=env,
    )  # fmt: skip
    ref = made["ref"]

    note = cli.json("incident", "note", ref, "Deploy 4411 rolled back", env=env)
    updated = cli.json("incident", "update", ref, "--status", "monitoring", env=env)
    resolved = cli.json("incident", "resolve", ref, "--message", "stable", env=env)
    listed = cli.json("incident", "list", "--severity", "SEV2", env=env)
    shown = cli.json("incident", "show", ref, env=env)

    assert made["commander"]["email"] == user.email
    assert note["actor"]["email"] == user.email
    assert updated["status"] == "monitoring"
    assert resolved["status"] == "resolved"
    assert [i["ref"] for i in listed["items"]] == [ref]
    assert shown["status"] == "resolved"
    assert shown["version"] == resolved["version"]


def test_options_instead_of_environment_and_readable_output(
    remote: tuple[Cli, User], live_server: LiveServer
) -> None:
    cli, user = remote
    target = ("--url", live_server.url, "--token", user.token)
    made = cli.ok("incident", "declare", "--title", "Slow", "--severity", "SEV4", *target).stdout
    ref = made.split()[0]

    shown = cli.ok("incident", "show", ref, *target).stdout

    assert ref.startswith("INC-")
    assert "Slow" in shown
    assert "CET" in shown or "CEST" in shown  # the token holder's zone, from /me


def test_server_problems_are_one_readable_line(
    remote: tuple[Cli, User], live_server: LiveServer
) -> None:
    cli, user = remote
    env = url_env(live_server, user)
    ref = cli.json("incident", "declare", "--title", "x", "--severity", "SEV3", env=env)["ref"]

    unknown = cli(
        "incident", "declare", "--title", "x", "--severity", "SEV1", "--service", "nope", env=env
    )
    illegal = cli("incident", "update", ref, "--status", "closed", "--json", env=env)

    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == "error: Invalid input: services: unknown service 'nope'"
    assert illegal.exit_code == 1
    problem: dict[str, Any] = json.loads(illegal.stdout)
    assert problem["errors"][0]["field"] == "status"
    assert problem["instance"] == f"/api/v1/incidents/{ref}"
    assert len(cli.json("incident", "list", env=env)["items"]) == 1


def test_bad_token_and_unreachable_server(
    remote: tuple[Cli, User], live_server: LiveServer
) -> None:
    cli, _user = remote
    bad = cli("incident", "list", "--url", live_server.url, "--token", "wr_nope_nope")
    gone = cli("incident", "list", "--url", f"http://127.0.0.1:{free_port()}", "--token", "t")

    assert bad.exit_code == 1
    assert "Authentication required" in bad.stderr
    assert gone.exit_code == 1
    assert "unreachable" in gone.stderr
