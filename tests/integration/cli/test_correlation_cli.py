"""``warroom rule``, ``group`` and ``maintenance`` on the local database, on both databases,
acting as the first admin or as ``--as`` with the role the API route demands."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.integration.alerts.storm import Sent, seed_integration, seed_service, send
from tests.integration.cli.conftest import Cli
from warroom.alerts.models import CorrelationRule, MaintenanceWindow
from warroom.db import make_engine, make_session_factory, utcnow


def _storm(cli: Cli, hosts: int) -> None:
    def seed(session: Session) -> int:
        seed_service(session, "files", 2, [f"fs{n}" for n in range(hosts)])
        return seed_integration(session).id

    integration = cli.run(seed)
    engine = make_engine(cli.database_url)
    try:
        batch = [Sent(f"fs{n}", event="AV") for n in range(hosts)]
        send(make_session_factory(engine), integration, batch, utcnow())
    finally:
        engine.dispose()


def test_rules_list_create_show_delete(cli: Cli, admin_token: str) -> None:
    (default,) = cli.json("rule", "list")
    assert default["name"] == "Same event across hosts"
    assert "≥ 5 hosts" in cli.ok("rule", "list").stdout
    made = cli.json(
        "rule", "create", "--name", "By job", "--group-by", "labels.job", "--min-alerts", "3"
    )
    assert made["group_by"] == ["labels.job"]
    assert cli.json("rule", "show", str(made["id"]))["min_alerts"] == 3
    bad = cli("rule", "create", "--name", "Bad", "--group-by", "host")
    assert bad.exit_code == 1
    assert "group_by" in bad.stderr
    assert cli.count(CorrelationRule) == 2
    assert "Deleted rule" in cli.ok("rule", "delete", str(made["id"])).stdout
    assert cli("rule", "show", str(made["id"])).exit_code == 1


def test_dry_run_and_groups(cli: Cli, admin_token: str) -> None:
    _storm(cli, hosts=6)
    (rule,) = cli.json("rule", "list")
    dry = cli.json("rule", "dry-run", str(rule["id"]))
    assert (dry["alerts_seen"], dry["incidents"]) == (6, 1)
    assert dry["groups"][0]["title"] == "AV on 6 hosts"
    assert "1 incidents" in cli.ok("rule", "dry-run", str(rule["id"])).stdout
    (group,) = cli.json("group", "list", "--status", "open")
    assert group["asset_count"] == 6
    assert group["incident"].startswith("INC-")
    shown = cli.json("group", "show", str(group["id"]))
    assert sorted(shown["hosts"]) == [f"fs{n}" for n in range(6)]
    assert "fs0" in cli.ok("group", "show", str(group["id"])).stdout
    assert cli.json("group", "list", "--status", "closed") == []


def test_maintenance_create_list_delete(cli: Cli, admin_token: str) -> None:
    made = cli.json(
        "maintenance", "create", "--name", "Patch", "--asset", "db01", "--minutes", "30"
    )
    assert made["active"] is True
    assert made["assets"] == ["db01"]
    assert [w["name"] for w in cli.json("maintenance", "list")] == ["Patch"]
    unknown = cli("maintenance", "create", "--name", "X", "--service", "nope")
    assert unknown.exit_code == 1
    assert "services" in unknown.stderr
    assert (
        cli("maintenance", "create", "--name", "X", "--asset", "a", "--starts", "soon").exit_code
        == 1
    )
    cli.ok("maintenance", "delete", str(made["id"]))
    assert cli.count(MaintenanceWindow) == 0


def test_local_commands_need_the_role_the_api_demands(cli: Cli, catalog: None) -> None:
    as_viewer = ("--as", "vera@example.com")
    (rule,) = cli.json("rule", "list", *as_viewer)
    assert cli.json("rule", "dry-run", str(rule["id"]), *as_viewer)["alerts_seen"] == 0
    refused = [
        cli("rule", "create", "--name", "Mine", "--group-by", "event", *as_viewer),
        cli("rule", "delete", str(rule["id"]), *as_viewer),
        cli("maintenance", "create", "--name", "Patch", "--service", "orders", *as_viewer),
    ]
    for result in refused:
        assert result.exit_code == 1
        assert "this needs the manager role; you are viewer" in result.stderr
    assert cli.count(CorrelationRule) == 1
    assert cli.count(MaintenanceWindow) == 0
