"""``warroom init``, ``db upgrade`` and ``token``: an installation from nothing to a token."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import inspect

from tests.integration.cli.conftest import Cli
from warroom.access.models import ApiToken, Person
from warroom.db import make_engine


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_init_prints_a_working_admin_token_last(cli: Cli, api: TestClient) -> None:
    result = cli.ok("init", "--email", "Ada@Example.com", "--password", "correct horse")

    lines = result.stdout.strip().splitlines()
    assert len(lines) > 1
    me = api.get("/api/v1/me", headers=bearer(lines[-1]))
    assert me.status_code == 200, me.text
    assert me.json()["email"] == "ada@example.com"
    assert me.json()["role"] == "admin"
    assert me.json()["name"] == "Ada"


def test_init_loads_the_shipped_lifecycles_once(cli: Cli, api: TestClient) -> None:
    token = cli.ok("init", "--email", "ada@example.com", "--password", "correct horse")
    cycles = api.get(
        "/api/v1/lifecycles?product=openssl", headers=bearer(token.stdout.strip().splitlines()[-1])
    ).json()
    assert "1.0.1" in [c["cycle"] for c in cycles]
    again = cli.ok("init", "--email", "ada@example.com")
    assert "lifecycle" not in again.stdout


def test_init_reads_the_environment_and_a_name(cli: Cli, api: TestClient) -> None:
    env = {"WARROOM_ADMIN_EMAIL": "ops@example.com", "WARROOM_ADMIN_PASSWORD": "s3cret-pass"}
    token = cli.ok("init", "--name", "Olu Ops", env=env).stdout.strip().splitlines()[-1]

    assert api.get("/api/v1/me", headers=bearer(token)).json()["name"] == "Olu Ops"


def test_running_init_again_says_so_and_issues_a_fresh_token(cli: Cli, api: TestClient) -> None:
    first = cli.ok("init", "--email", "ada@example.com", "--password", "correct horse")
    second = cli.ok("init", "--email", "ada@example.com", "--password", "correct horse")

    assert "already exists" in second.stdout
    old, new = (r.stdout.strip().splitlines()[-1] for r in (first, second))
    assert old != new
    assert api.get("/api/v1/me", headers=bearer(new)).status_code == 200
    assert cli.count(Person) == 1


def test_init_without_email_or_password_fails_clearly(cli: Cli) -> None:
    no_email = cli("init", "--password", "correct horse")
    no_password = cli("init", "--email", "ada@example.com")
    short = cli("init", "--email", "ada@example.com", "--password", "short")

    assert no_email.exit_code == 2
    assert "--email" in no_email.stderr
    assert no_password.exit_code == 2
    assert "--password" in no_password.stderr
    assert short.exit_code == 1
    assert "password" in short.stderr
    assert cli.count(Person) == 0


def test_init_creates_the_database_when_there_is_none(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    fresh = Cli(f"sqlite:///{tmp_path / 'new.db'}", CliRunner())
    result = fresh.ok("init", "--email", "ada@example.com", "--password", "correct horse")

    assert result.stdout.strip().splitlines()[-1].startswith("wr_")
    assert fresh.count(Person) == 1


def test_db_upgrade_migrates_an_empty_database(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = Cli(url, CliRunner()).ok("db", "upgrade")

    assert "revision" in result.stdout
    engine = make_engine(url)
    assert {"incidents", "people", "services"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_token_create_prints_only_a_token_with_the_asked_role(
    cli: Cli, admin_token: str, api: TestClient
) -> None:
    result = cli.ok("token", "create", "--email", "ada@example.com", "--role", "viewer")

    token = result.stdout.strip()
    assert result.stdout.count("\n") == 1
    assert api.get("/api/v1/me", headers=bearer(token)).json()["role"] == "viewer"
    denied = api.post(
        "/api/v1/incidents", json={"title": "x", "severity": "SEV4"}, headers=bearer(token)
    )
    assert denied.status_code == 403


def test_token_create_refuses_bad_input_naming_it(cli: Cli, admin_token: str) -> None:
    before = cli.count(ApiToken)
    unknown = cli("token", "create", "--email", "nobody@example.com")
    bad_role = cli("token", "create", "--email", "ada@example.com", "--role", "overlord")

    assert unknown.exit_code == 1
    assert "nobody@example.com" in unknown.stderr
    assert bad_role.exit_code == 1
    assert "role" in bad_role.stderr
    assert unknown.stdout == bad_role.stdout == ""
    assert cli.count(ApiToken) == before


def test_token_list_and_revoke(cli: Cli, admin_token: str, api: TestClient) -> None:
    token = cli.ok("token", "create", "--email", "ada@example.com", "--name", "ci").stdout.strip()
    listed = cli.json("token", "list")
    made = next(row for row in listed if row["name"] == "ci")

    revoked = cli.ok("token", "revoke", str(made["id"]))

    assert "revoked" in revoked.stdout
    assert api.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert api.get("/api/v1/me", headers=bearer(admin_token)).status_code == 200
    after = json.loads(cli.ok("token", "list", "--json").stdout)
    assert next(r for r in after if r["id"] == made["id"])["revoked_at"] is not None
