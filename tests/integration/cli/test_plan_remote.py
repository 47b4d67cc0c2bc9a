"""``warroom plan apply|export`` and ``warroom assets import`` with ``--url --token`` against
a real server on loopback, and their ``--json`` documents (the API's, in both modes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from typer.testing import CliRunner

from tests.conftest import LiveServer, User, make_user
from tests.integration.cli.conftest import Cli
from warroom.access.rules import Role
from warroom.access.service import do_create_team
from warroom.catalog.models import Asset, Service
from warroom.db import transaction

PLAN = """
version: 1
services:
  - {name: web-shop, tier: 1, owner_team: Web, depends_on: [orders]}
  - {name: orders, tier: 2, owner_team: Web}
assets:
  - {hostname: web-01, ips: [10.0.0.1], services: [web-shop], software: [openssl@1.0.1e]}
"""
HEADER = "hostname,ip,kind,environment,exposure,services,owner_team,software\n"


@pytest.fixture
def remote(live_app: FastAPI) -> Cli:
    """A CLI whose local database does not exist: everything must go over HTTP."""
    with transaction(live_app.state.sessions) as session:
        do_create_team(session=session, name="Web")
    return Cli("sqlite:///does-not-exist/never.db", CliRunner())


@pytest.fixture
def manager(live_app: FastAPI) -> User:
    return make_user(live_app, Role.manager, "Mia Remote")


def env(server: LiveServer, user: User) -> dict[str, str]:
    return {"WARROOM_URL": server.url, "WARROOM_TOKEN": user.token}


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def tiers(app: FastAPI) -> dict[str, int]:
    with transaction(app.state.sessions) as session:
        return {s.name: s.tier for s in session.scalars(select(Service))}


def test_apply_dry_run_and_again_over_http(
    remote: Cli, live_app: FastAPI, live_server: LiveServer, manager: User, tmp_path: Path
) -> None:
    plan = write(tmp_path, "plan.yaml", PLAN)
    target = env(live_server, manager)

    dry = remote("plan", "apply", "--dry-run", plan, env=target)
    assert dry.exit_code == 10, dry.output
    assert "+ service web-shop" in dry.stdout
    assert "Dry run: 3 to create, 0 to update, 0 to delete. Nothing was written." in dry.stdout
    assert tiers(live_app) == {}

    first = remote.ok("plan", "apply", plan, env=target)
    assert "Applied: 3 created, 0 updated, 0 deleted." in first.stdout
    assert tiers(live_app) == {"web-shop": 1, "orders": 2}

    assert remote.ok("plan", "apply", plan, env=target).stdout == "No changes.\n"
    assert remote.ok("plan", "apply", "--dry-run", plan, env=target).stdout == "No changes.\n"


def test_apply_json_is_the_api_document_with_the_same_exit_codes(
    remote: Cli, live_app: FastAPI, live_server: LiveServer, manager: User, tmp_path: Path
) -> None:
    target = ("--url", live_server.url, "--token", manager.token)
    remote.ok("plan", "apply", write(tmp_path, "plan.yaml", PLAN), *target)
    changed = write(tmp_path, "changed.yaml", PLAN.replace("tier: 2", "tier: 1"))

    dry = remote("plan", "apply", "--dry-run", "--json", changed, *target)
    applied = remote("plan", "apply", "--json", changed, *target)
    again = remote("plan", "apply", "--json", changed, *target)

    assert dry.exit_code == 10
    orders = {"action": "update", "kind": "service", "key": "orders",
              "fields": {"tier": {"old": 2, "new": 1}}}  # fmt: skip
    assert json.loads(dry.stdout) == {"changed": True, "changes": [orders], "applied": False}
    assert applied.exit_code == 0
    assert json.loads(applied.stdout) == {"changed": True, "changes": [orders], "applied": True}
    assert json.loads(again.stdout) == {"changed": False, "changes": [], "applied": True}
    assert tiers(live_app)["orders"] == 1


def test_a_bad_plan_names_the_paths_over_http(
    remote: Cli, live_app: FastAPI, live_server: LiveServer, manager: User, tmp_path: Path
) -> None:
    bad = write(tmp_path, "bad.yaml", PLAN.replace("tier: 2", "tier: 9"))
    target = env(live_server, manager)

    human = remote("plan", "apply", bad, env=target)
    as_json = remote("plan", "apply", "--json", bad, env=target)

    assert human.exit_code == 1
    assert f"{bad}: services[1].tier: Input should be less than or equal to 4" in human.stderr
    assert as_json.exit_code == 1
    problem = json.loads(as_json.stdout)
    assert problem["status"] == 422
    assert problem["errors"][0]["field"] == "services[1].tier"
    assert tiers(live_app) == {}


def test_export_over_http_reads_back_unchanged(
    remote: Cli, live_app: FastAPI, live_server: LiveServer, manager: User, tmp_path: Path
) -> None:
    target = env(live_server, manager)
    remote.ok("plan", "apply", write(tmp_path, "plan.yaml", PLAN), env=target)
    viewer = make_user(live_app, Role.viewer, "Vic Viewer")

    printed = remote.ok("plan", "export", env=env(live_server, viewer)).stdout
    out = tmp_path / "exported.yaml"
    wrote = remote.ok("plan", "export", str(out), env=target)

    assert "- openssl@1.0.1e" in printed
    assert out.read_text(encoding="utf-8") == printed
    assert "Wrote 0 vendors, 2 services, 1 assets" in wrote.stderr
    back = remote("plan", "apply", "--dry-run", str(out), env=target)
    assert back.exit_code == 0
    assert back.stdout == "No changes.\n"


def test_assets_import_over_http(
    remote: Cli, live_app: FastAPI, live_server: LiveServer, manager: User, tmp_path: Path
) -> None:
    target = env(live_server, manager)
    remote.ok("plan", "apply", write(tmp_path, "plan.yaml", PLAN), env=target)
    rows = HEADER + "web-01,10.0.0.1,vm,,,web-shop,Web,\nweb-02,10.0.0.2,vm,,,orders,Web,\n"
    csv = write(tmp_path, "assets.csv", rows)

    human = remote.ok("assets", "import", csv, env=target)
    as_json = remote.json("assets", "import", csv, env=target)

    assert human.stdout == "Imported 2 assets (1 created, 1 updated).\n"
    assert as_json == {"imported": 2, "created": 0, "updated": 2}
    with transaction(live_app.state.sessions) as session:
        assert sorted(session.scalars(select(Asset.hostname))) == ["web-01", "web-02"]


def test_bad_csv_rows_over_http_by_line(
    remote: Cli, live_app: FastAPI, live_server: LiveServer, manager: User, tmp_path: Path
) -> None:
    target = env(live_server, manager)
    rows = HEADER + "ok-01,10.0.0.1,,,,,,\nbad-01,10.0.0.300,,,,,,\nbad-02,10.0.0.3,,,,,Nobody,\n"
    csv = write(tmp_path, "assets.csv", rows)

    human = remote("assets", "import", csv, env=target)
    as_json = remote("assets", "import", "--json", csv, env=target)

    assert human.exit_code == 1
    assert "line 3: ip: '10.0.0.300' is not an IP address" in human.stderr
    assert "line 4: owner_team: unknown team 'Nobody'" in human.stderr
    assert "nothing was imported" in human.stderr
    assert as_json.exit_code == 1
    assert [e["field"] for e in json.loads(as_json.stdout)["errors"]] == [
        "line 3: ip",
        "line 4: owner_team",
    ]
    with transaction(live_app.state.sessions) as session:
        assert list(session.scalars(select(Asset.hostname))) == []


def test_a_viewer_token_cannot_apply_or_import(
    remote: Cli, live_app: FastAPI, live_server: LiveServer, tmp_path: Path
) -> None:
    viewer = make_user(live_app, Role.viewer, "Vera Viewer")
    target = env(live_server, viewer)

    applied = remote("plan", "apply", write(tmp_path, "plan.yaml", PLAN), env=target)
    imported = remote("assets", "import", write(tmp_path, "a.csv", HEADER), env=target)

    for result in (applied, imported):
        assert result.exit_code == 1
        assert "Forbidden: this needs the manager role; you are viewer" in result.stderr
    assert tiers(live_app) == {}


def test_url_without_a_token_is_a_usage_error(remote: Cli, tmp_path: Path) -> None:
    result = remote("plan", "export", "--url", "http://127.0.0.1:9")
    assert result.exit_code == 2
    assert "--url needs a token" in result.output


def test_local_json_output_matches_the_api(cli: Cli, tmp_path: Path) -> None:
    cli.run(lambda session: do_create_team(session=session, name="Web"))
    plan = write(tmp_path, "plan.yaml", PLAN)

    applied = cli.json("plan", "apply", plan)
    imported = cli.json("assets", "import", write(tmp_path, "a.csv", HEADER + "db-01,,,,,,,\n"))
    bad = cli("plan", "apply", "--json", write(tmp_path, "bad.yaml", "services: [{tier: 1}]"))

    assert applied["changed"] is True
    assert applied["applied"] is True
    assert {c["key"] for c in applied["changes"]} == {"web-shop", "orders", "web-01"}
    assert imported == {"imported": 1, "created": 1, "updated": 0}
    assert bad.exit_code == 1
    assert json.loads(bad.stdout)["errors"][0]["field"] == "services[0].name"
