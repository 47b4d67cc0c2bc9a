"""``warroom service|asset|vendor|contract|contact|customer|lifecycle``: the catalog API's
mirror, on the local database (SQLite and PostgreSQL) and over HTTP."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import LiveServer, make_user
from tests.integration.cli.conftest import Cli
from warroom.access.rules import Role
from warroom.access.service import do_create_person
from warroom.catalog.assets import do_save_asset
from warroom.catalog.lifecycles import do_import_lifecycle
from warroom.catalog.parties import (
    do_save_contact,
    do_save_contract,
    do_save_customer,
    do_save_vendor,
)
from warroom.catalog.parties_schemas import ContactIn, ContractIn, CustomerIn, VendorIn
from warroom.catalog.schemas import AssetIn, ServiceIn
from warroom.catalog.service import do_save_service
from warroom.db import transaction

TODAY = datetime.now(UTC).date()


def _day(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


AV_CYCLES = [
    {"cycle": "9.2", "releaseDate": _day(-200), "support": _day(300), "eol": _day(700)},
    {"cycle": "8.5", "releaseDate": _day(-900), "support": _day(-400), "eol": _day(-100)},
]


def seed(session: Session) -> None:
    """db ← orders ← shop, a shared dependency; two hosts, one on an end-of-life engine."""
    for name, tier, needs, runbook in (
        ("db", 1, [], "https://wiki.example/db"),
        ("orders", 1, ["db"], ""),
        ("shop", 2, ["orders", "db"], "# shop\n\nRestart the shop."),
    ):
        data = ServiceIn(name=name, tier=tier, depends_on=needs, runbook=runbook)
        do_save_service(session=session, data=data)
    do_import_lifecycle(session=session, product="scan-engine", data=AV_CYCLES)
    for host, service, exposure, version in (
        ("app-01", "orders", "internal", "8.5.1"),
        ("web-01", "shop", "internet-facing", "9.2.0"),
    ):
        asset = AssetIn.model_validate(
            {
                "hostname": host,
                "services": [service],
                "exposure": exposure,
                "software": [{"product": "scan-engine", "version": version}],
            }
        )
        do_save_asset(session=session, data=asset)
    _parties(session)


def _parties(session: Session) -> None:
    do_save_vendor(session=session, data=VendorIn(name="Scanco", portal_url="https://s.example"))
    engineer = ContactIn(name="Val Eng", organisation="Scanco", plan_role="vendor_engineer",
                         email="val@s.example", vendor="Scanco")  # fmt: skip
    boss = ContactIn(name="Cleo Exec", plan_role="executive", phone="+1 555 0100")
    ids = [do_save_contact(session=session, data=c).id for c in (engineer, boss)]
    contract = ContractIn.model_validate(
        {"number": "SC/2024-1", "vendor": "Scanco", "products": ["scan-engine"],
         "starts_on": _day(-400), "ends_on": _day(-30), "escalation_contacts": ids[:1]}
    )  # fmt: skip
    do_save_contract(session=session, data=contract)
    customer = CustomerIn.model_validate(
        {"name": "Acme", "tier": 1, "slas": [
            {"service": "shop", "availability_target": 99.9, "response_minutes": 30,
             "penalty_terms": "5% credit"}]}
    )  # fmt: skip
    do_save_customer(session=session, data=customer)


@pytest.fixture
def planned(cli: Cli, admin_token: str) -> str:
    cli.run(seed)
    return admin_token


def get(api: TestClient, token: str, path: str) -> Any:
    response = api.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return response.json()


def test_json_output_is_the_api_document(cli: Cli, planned: str, api: TestClient) -> None:
    pairs = [
        (("service", "list"), "/services"),
        (("service", "show", "orders"), "/services/orders"),
        (("service", "blast-radius", "db"), "/services/db/blast-radius"),
        (("asset", "list"), "/assets"),
        (("asset", "show", "app-01"), "/assets/app-01"),
        (("asset", "blast-radius", "app-01"), "/assets/app-01/blast-radius"),
        (("vendor", "list"), "/vendors"),
        (("vendor", "show", "Scanco"), "/vendors/Scanco"),
        (("contract", "list"), "/contracts"),
        (("contract", "show", "SC/2024-1"), "/contracts/SC%2F2024-1"),
        (("contact", "list"), "/contacts"),
        (("customer", "list"), "/customers"),
        (("customer", "show", "Acme"), "/customers/Acme"),
        (("lifecycle", "list", "--product", "scan-engine"), "/lifecycles?product=scan-engine"),
    ]

    for args, path in pairs:
        assert cli.json(*args) == get(api, planned, path), args


def test_blast_radius_follows_shared_dependencies(cli: Cli, planned: str) -> None:
    found = cli.json("service", "blast-radius", "db")
    readable = cli.ok("service", "blast-radius", "db").stdout

    assert found["services"] == ["db", "orders", "shop"]
    assert found["assets"] == ["app-01", "web-01"]
    assert found["customers"] == ["Acme"]
    assert "5% credit" in readable
    assert "SLAs at risk" in readable


def test_asset_filters_and_support_status(cli: Cli, planned: str) -> None:
    public = cli.json("asset", "list", "--exposure", "internet-facing")
    by_service = cli.json("asset", "list", "--service", "orders")
    by_name = cli.json("asset", "list", "--q", "WEB")
    shown = cli.ok("asset", "show", "app-01").stdout

    assert [a["hostname"] for a in public] == ["web-01"]
    assert [a["hostname"] for a in by_service] == ["app-01"]
    assert [a["hostname"] for a in by_name] == ["web-01"]
    assert by_service[0]["software"][0]["support"] == "eol"
    assert by_service[0]["coverage"]["expired"] == ["SC/2024-1"]
    assert "scan-engine" in shown
    assert "eol" in shown
    assert "SC/2024-1" in shown


def test_readable_tables_show_what_needs_attention(cli: Cli, planned: str) -> None:
    services = cli.ok("service", "list").stdout
    contracts = cli.ok("contract", "list").stdout
    customer = cli.ok("customer", "show", "Acme").stdout
    vendor = cli.ok("vendor", "show", "Scanco").stdout

    orders = next(line for line in services.splitlines() if line.strip().startswith("orders"))
    assert "missing" in orders  # no runbook
    assert "expired 30 days ago" in contracts
    assert "99.9" in customer
    assert "5% credit" in customer
    assert "Val Eng" in vendor
    assert "https://s.example" in vendor


def test_contacts_by_role(cli: Cli, planned: str) -> None:
    executives = cli.json("contact", "list", "--role", "executive")
    one = cli.json("contact", "show", str(executives[0]["id"]))

    assert [c["name"] for c in executives] == ["Cleo Exec"]
    assert one["phone"] == "+1 555 0100"
    assert "Val Eng" in cli.ok("contact", "list").stdout


def test_lifecycle_import_from_a_file(cli: Cli, planned: str, tmp_path: Path) -> None:
    file = tmp_path / "labelforge.json"
    file.write_text(json.dumps([{"cycle": "4.1", "eol": _day(-10), "latest": "4.1.9"}]))

    made = cli.json("lifecycle", "import", "LabelForge", str(file))
    status = cli.json("asset", "list")
    listed = cli.ok("lifecycle", "list", "--product", "labelforge").stdout

    assert [(c["product"], c["cycle"], c["eol_reached"]) for c in made] == [
        ("labelforge", "4.1", None)
    ]
    assert made[0]["eol"] == _day(-10)
    assert "4.1.9" in listed
    assert len(status) == 2


def one_line_error(cli: Cli, *args: str) -> str:
    result = cli(*args)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_errors_are_one_line_naming_the_field(cli: Cli, planned: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    shape = tmp_path / "shape.json"
    shape.write_text(json.dumps([{"eol": "2020-01-01"}]))

    assert "exposure" in one_line_error(cli, "asset", "list", "--exposure", "public")
    assert "plan_role" in one_line_error(cli, "contact", "list", "--role", "boss")
    assert "file" in one_line_error(cli, "lifecycle", "import", "x", str(bad))
    assert "data.0" in one_line_error(cli, "lifecycle", "import", "x", str(shape))
    assert "no service 'nope'" in one_line_error(cli, "service", "show", "nope")
    assert "no asset" in one_line_error(cli, "asset", "blast-radius", "nope")
    assert "no contract" in one_line_error(cli, "contract", "show", "nope")
    problem = json.loads(cli("asset", "list", "--exposure", "public", "--json").stdout)
    assert problem["errors"][0]["field"] == "exposure"


def test_importing_lifecycles_needs_a_manager(cli: Cli, planned: str, tmp_path: Path) -> None:
    def viewer(session: Session) -> None:
        do_create_person(
            session=session, name="Vera", email="vera@example.com", now=datetime.now(UTC)
        )

    cli.run(viewer)
    file = tmp_path / "x.json"
    file.write_text(json.dumps([{"cycle": "1", "eol": False}]))
    as_viewer = ("--as", "vera@example.com")

    refused = one_line_error(cli, "lifecycle", "import", "x", str(file), *as_viewer)

    assert "manager" in refused
    assert cli.json("lifecycle", "list", "--product", "x", *as_viewer) == []
    assert len(cli.json("service", "list", *as_viewer)) == 3


def test_help_points_to_plan_apply_for_changes(cli: Cli) -> None:
    for group in ("service", "asset", "vendor", "contract", "contact", "customer"):
        assert "warroom plan apply" in cli.ok(group, "--help").stdout, group


def test_catalog_commands_over_http(
    live_app: FastAPI, live_server: LiveServer, tmp_path: Path
) -> None:
    with transaction(live_app.state.sessions) as session:
        seed(session)
    viewer = make_user(live_app, Role.viewer, "Rae Remote")
    manager = make_user(live_app, Role.manager, "Max Remote")
    cli = Cli("sqlite:///does-not-exist/never.db", CliRunner())  # everything must go over HTTP
    env = {"WARROOM_URL": live_server.url, "WARROOM_TOKEN": viewer.token}
    as_manager = env | {"WARROOM_TOKEN": manager.token}
    cycles = tmp_path / "scan-engine.json"
    cycles.write_text(json.dumps([{"cycle": "9.4", "eol": False, "latest": "9.4.0"}]))

    radius = cli.json("asset", "blast-radius", "app-01", env=env)
    contract = cli.json("contract", "show", "SC/2024-1", env=env)
    executives = cli.json("contact", "list", "--role", "executive", env=env)
    public = cli.json("asset", "list", "--exposure", "internet-facing", env=env)
    shown = cli.ok("service", "show", "shop", env=env).stdout
    missing = cli("vendor", "show", "Nobody", env=env)
    refused = cli("lifecycle", "import", "scan-engine", str(cycles), env=env)
    imported = cli.json("lifecycle", "import", "scan-engine", str(cycles), env=as_manager)

    assert radius["services"] == ["orders", "shop"]
    assert radius["customers"] == ["Acme"]
    assert contract["escalation_contacts"][0]["name"] == "Val Eng"
    assert [c["name"] for c in executives] == ["Cleo Exec"]
    assert [a["hostname"] for a in public] == ["web-01"]
    assert "Restart the shop." in shown
    assert missing.exit_code == 1
    assert "no vendor named 'Nobody'" in missing.stderr
    assert refused.exit_code == 1
    assert [c["cycle"] for c in imported] == ["9.4"]
