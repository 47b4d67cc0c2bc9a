"""``warroom readiness`` on the local database: the API's document with --json, findings grouped
by severity with hints for people, every run kept for the trend."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import User
from tests.integration.catalog.test_readiness import seed_plan
from tests.integration.cli.conftest import Cli
from warroom.catalog.models import ReadinessRun


def planted(api: TestClient, admin_token: str) -> User:
    admin = User(0, "ada@example.com", "Ada", admin_token, "")
    seed_plan(api, admin)
    return admin


def test_json_is_the_api_document(cli: Cli, api: TestClient, admin_token: str) -> None:
    admin = planted(api, admin_token)
    report = cli.json("readiness")

    assert set(report) == {"score", "findings", "ran_at", "counts"}
    ids = [f["id"] for f in report["findings"]]
    assert "eol_software:sales-01:av-engine@8.5.0" in ids
    assert report["findings"][0]["check"] == "internet_facing_eol"
    from_api = api.get("/api/v1/readiness", headers=admin.headers).json()
    assert from_api["findings"] == report["findings"]
    assert (from_api["score"], from_api["counts"]) == (report["score"], report["counts"])
    history = api.get("/api/v1/readiness/history", headers=admin.headers).json()
    # The same findings within the hour make one point on the trend, not two.
    assert [h["score"] for h in history] == [report["score"]]


def test_people_see_findings_by_severity_with_hints(
    cli: Cli, api: TestClient, admin_token: str
) -> None:
    planted(api, admin_token)
    out = cli.ok("readiness").stdout

    assert "Readiness score " in out
    assert out.index("CRITICAL (1)") < out.index("HIGH (") < out.index("MEDIUM (")
    high = out[out.index("HIGH (") : out.index("MEDIUM (")]
    assert "sales-01: sales-01 runs av-engine 8.5.0, past end of life since 2025-06-30" in high
    assert "→ upgrade av-engine 8.5.0 to 9.2" in high
    assert "eol_software:sales-02:av-engine@8.5.0" in high
    assert cli.count(ReadinessRun) == 1


def test_an_uninitialised_database_is_named(cli: Cli, tmp_path: Path) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    result = cli("readiness", env={"WARROOM_DATABASE_URL": empty})
    assert result.exit_code == 1
    assert "warroom init" in result.stderr
