"""``warroom plan apply|export`` and ``warroom assets import`` as a user runs them, on SQLite
and PostgreSQL: exit codes, the printed diff, the errors, and what reached the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.integration.cli.conftest import Cli
from warroom.access.service import do_create_team
from warroom.catalog.models import Asset, Service

PLAN = """
version: 1
services:
  - {name: web-shop, tier: 1, owner_team: Web, depends_on: [orders]}
  - {name: orders, tier: 2, owner_team: Web}
assets:
  - {hostname: web-01, ips: [10.0.0.1], services: [web-shop], software: [openssl@1.0.1e]}
"""


@pytest.fixture
def teams(cli: Cli) -> None:
    def seed(session: Session) -> None:
        do_create_team(session=session, name="Web")

    cli.run(seed)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_apply_twice_second_time_reports_no_changes(cli: Cli, teams: None, tmp_path: Path) -> None:
    plan = write(tmp_path, "plan.yaml", PLAN)

    first = cli.ok("plan", "apply", plan)
    assert "+ service web-shop" in first.stdout
    assert "+ asset web-01" in first.stdout
    assert "Applied: 3 created, 0 updated, 0 deleted." in first.stdout
    assert cli.count(Service) == 2

    again = cli.ok("plan", "apply", plan)
    assert again.stdout == "No changes.\n"


def test_dry_run_prints_the_diff_exits_10_and_writes_nothing(
    cli: Cli, teams: None, tmp_path: Path
) -> None:
    cli.ok("plan", "apply", write(tmp_path, "plan.yaml", PLAN))
    changed = write(tmp_path, "changed.yaml", PLAN.replace("tier: 2", "tier: 1"))

    result = cli("plan", "apply", "--dry-run", changed)

    assert result.exit_code == 10, result.output
    assert "~ service orders\n    tier: 2 → 1\n" in result.stdout
    assert "Nothing was written" in result.stdout
    assert cli.run(lambda s: s.query(Service).filter_by(name="orders").one().tier) == 2


def test_dry_run_with_nothing_to_change_exits_0(cli: Cli, teams: None, tmp_path: Path) -> None:
    plan = write(tmp_path, "plan.yaml", PLAN)
    cli.ok("plan", "apply", plan)

    result = cli("plan", "apply", "--dry-run", plan)

    assert result.exit_code == 0
    assert result.stdout == "No changes.\n"


def test_export_then_dry_run_reports_no_changes(cli: Cli, teams: None, tmp_path: Path) -> None:
    cli.ok("plan", "apply", write(tmp_path, "plan.yaml", PLAN))

    to_stdout = cli.ok("plan", "export").stdout
    assert "- openssl@1.0.1e" in to_stdout
    exported = tmp_path / "exported.yaml"
    cli.ok("plan", "export", str(exported))
    assert exported.read_text(encoding="utf-8") == to_stdout

    result = cli("plan", "apply", "--dry-run", str(exported))
    assert result.exit_code == 0
    assert result.stdout == "No changes.\n"


def test_a_bad_file_names_the_path_and_writes_nothing(
    cli: Cli, teams: None, tmp_path: Path
) -> None:
    bad = write(tmp_path, "bad.yaml", PLAN.replace("tier: 2", "tier: 9"))

    result = cli("plan", "apply", bad)

    assert result.exit_code == 1
    assert f"{bad}: services[1].tier: Input should be less than or equal to 4" in result.stderr
    assert cli.count(Service) == 0


def test_a_bad_reference_names_the_path_and_writes_nothing(
    cli: Cli, teams: None, tmp_path: Path
) -> None:
    bad = write(tmp_path, "bad.yaml", PLAN.replace("owner_team: Web}", "owner_team: Ops}", 1))

    result = cli("plan", "apply", bad)

    assert result.exit_code == 1
    assert "services[1].owner_team: unknown team 'Ops'" in result.stderr
    assert cli.count(Service) == 0
    assert cli.count(Asset) == 0


def test_a_missing_file_is_reported(cli: Cli, tmp_path: Path) -> None:
    result = cli("plan", "apply", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert "cannot read" in result.stderr


HEADER = "hostname,ip,kind,environment,exposure,services,owner_team,software\n"


def test_assets_import_reports_counts(cli: Cli, teams: None, tmp_path: Path) -> None:
    cli.ok("plan", "apply", write(tmp_path, "plan.yaml", PLAN))
    csv = write(
        tmp_path,
        "assets.csv",
        HEADER
        + "web-01,10.0.0.1,vm,production,internet-facing,web-shop,Web,openssl@3.0.13\n"
        + "web-02,10.0.0.2;10.0.0.3,vm,production,internal,web-shop;orders,Web,nginx@1.24.0\n",
    )

    result = cli.ok("assets", "import", csv)

    assert result.stdout == "Imported 2 assets (1 created, 1 updated).\n"
    assert cli.count(Asset) == 2
    changed = cli("plan", "apply", "--dry-run", write(tmp_path, "plan.yaml", PLAN))
    assert changed.exit_code == 10
    assert "software: [openssl@3.0.13] → [openssl@1.0.1e]" in changed.stdout


def test_assets_import_lists_every_bad_row_and_imports_nothing(
    cli: Cli, teams: None, tmp_path: Path
) -> None:
    rows = ["ok-01,10.0.0.1,server,production,internal,,,"] * 15
    rows[1] = "ok-02,10.0.0.2,server,production,internal,,,"
    rows = [r.replace("ok-01", f"ok-{i:02d}") for i, r in enumerate(rows)]
    rows.append("bad-01,10.0.0.300,server,production,internal,,,")
    rows.append("bad-02,10.0.0.5,toaster,production,internal,,Nobody,")
    csv = write(tmp_path, "assets.csv", HEADER + "\n".join(rows) + "\n")

    result = cli("assets", "import", csv)

    assert result.exit_code == 1
    assert "line 17: ip: '10.0.0.300' is not an IP address" in result.stderr
    assert "line 18: kind: Input should be" in result.stderr
    assert "line 18: owner_team: unknown team 'Nobody'" in result.stderr
    assert "nothing was imported" in result.stderr
    assert cli.count(Asset) == 0
