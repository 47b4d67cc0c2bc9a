"""The plan file and its pure diff: reading YAML with paths in every complaint, writing it
back readably, and what applying one plan over another would change."""

from __future__ import annotations

from datetime import date

import pytest

from warroom.catalog.csv_import import parse_assets_csv
from warroom.catalog.plan import check_plan, diff_plan
from warroom.catalog.plan_schema import (
    ContactRef,
    PlanAsset,
    PlanContract,
    PlanDocument,
    PlanInvalid,
    dump_plan,
    load_plan,
)
from warroom.catalog.schemas import ServiceIn

CURRENT = PlanDocument(
    services=[
        ServiceIn(name="db", tier=1, owner_team="Database"),
        ServiceIn(name="shop", tier=2, depends_on=["db"], runbook="# Shop\n\n- restart it\n"),
    ],
    assets=[
        PlanAsset.model_validate(
            {"hostname": "web-01", "services": ["shop"], "software": ["openssl@3.0.13"]}
        )
    ],
    vendors=[],
    customers=[],
    contacts=[],
    contracts=[],
)
TEAMS = ["Database", "Web"]


def plan(text: str) -> PlanDocument:
    return load_plan(text)


def test_a_plan_read_back_from_its_export_changes_nothing() -> None:
    text = dump_plan(CURRENT)

    assert "runbook: |" in text  # Markdown stays readable
    assert "- openssl@3.0.13" in text
    assert diff_plan(CURRENT, load_plan(text)) == []


def test_order_of_set_like_lists_and_product_spelling_do_not_count_as_changes() -> None:
    wanted = plan("""
assets:
  - hostname: WEB-01
    services: [shop]
    software: [OpenSSL@3.0.13]
""")
    assert diff_plan(CURRENT, wanted) == []


def test_the_diff_names_each_changed_field_with_old_and_new() -> None:
    wanted = plan("""
services:
  - {name: db, tier: 2, owner_team: Database}
  - {name: cache, tier: 3}
""")
    changes = sorted(diff_plan(CURRENT, wanted), key=lambda c: c.key)

    assert [(c.action, c.kind, c.key) for c in changes] == [
        ("create", "services", "cache"),
        ("update", "services", "db"),
    ]
    assert [(f.field, f.old, f.new) for f in changes[1].fields] == [("tier", 1, 2)]


def test_records_the_file_omits_are_kept_unless_it_prunes() -> None:
    wanted = plan("services: [{name: db, tier: 1, owner_team: Database}]")
    assert diff_plan(CURRENT, wanted) == []

    pruned = plan("prune: true\nservices: [{name: db, tier: 1, owner_team: Database}]")
    assert [(c.action, c.key) for c in diff_plan(CURRENT, pruned)] == [("delete", "shop")]


def test_prune_touches_only_the_kinds_the_file_lists() -> None:
    wanted = plan("prune: true\nvendors: []")
    assert diff_plan(CURRENT, wanted) == []


def test_services_are_saved_dependencies_first_whatever_the_file_order() -> None:
    wanted = plan("""
services:
  - {name: front, depends_on: [api]}
  - {name: api, depends_on: [store]}
  - {name: store}
""")
    assert [c.key for c in diff_plan(CURRENT, wanted)] == ["store", "api", "front"]


def test_every_schema_problem_is_reported_with_its_path() -> None:
    with pytest.raises(PlanInvalid) as caught:
        load_plan("""
services:
  - name: a
  - name: b
  - {name: c, tier: 9}
assets:
  - {hostname: x, ips: [10.0.0.300], software: [openssl]}
""")
    paths = [p.path for p in caught.value.problems]
    assert paths == ["services[2].tier", "assets[0].ips[0]", "assets[0].software"]
    assert "product@version" in caught.value.problems[2].detail


def test_yaml_syntax_errors_name_the_line() -> None:
    with pytest.raises(PlanInvalid) as caught:
        load_plan("services:\n  - name: a\n  bad")
    assert caught.value.problems[0].path.startswith("line ")


def test_unknown_fields_and_kinds_are_refused() -> None:
    with pytest.raises(PlanInvalid) as caught:
        load_plan("servces: []\nservices: [{name: a, teir: 1}]")
    assert {p.path for p in caught.value.problems} == {"servces", "services[0].teir"}


def test_references_are_checked_against_the_plan_and_the_catalog() -> None:
    wanted = plan("""
services:
  - {name: api, owner_team: Nobody, depends_on: [db, ghost]}
  - {name: api}
assets:
  - {hostname: h, services: [api, shop, gone]}
""")
    problems = {(p.path, p.detail) for p in check_plan(CURRENT, wanted, TEAMS)}

    assert problems == {
        ("services[1]", "'api' is listed twice (first at services[0])"),
        ("services[0].owner_team", "unknown team 'Nobody'"),
        ("services[0].depends_on[1]", "unknown service 'ghost'"),
        ("assets[0].services[2]", "unknown service 'gone'"),
    }


def test_a_pruned_service_cannot_still_be_used() -> None:
    wanted = plan("prune: true\nservices: [{name: db}]\nassets: [{hostname: h, services: [shop]}]")
    problems = check_plan(CURRENT, wanted, TEAMS)
    assert [(p.path, p.detail) for p in problems] == [
        ("assets[0].services[0]", "unknown service 'shop'")
    ]


def test_a_dependency_cycle_through_the_catalog_is_refused_with_the_loop() -> None:
    wanted = plan("services: [{name: db, tier: 1, owner_team: Database, depends_on: [shop]}]")
    problems = check_plan(CURRENT, wanted, TEAMS)
    assert [(p.path, p.detail) for p in problems] == [
        ("services[0].depends_on[0]", "would create a cycle: db → shop → db")
    ]


def test_contracts_name_escalation_contacts_not_ids() -> None:
    contract = PlanContract.model_validate(
        {
            "number": "C-1",
            "vendor": "Acme",
            "starts_on": date(2026, 1, 1),
            "ends_on": date(2026, 12, 31),
            "escalation": ["Ann", {"name": "Eve", "organisation": "Acme"}],
        }
    )
    assert contract.escalation == [
        ContactRef(name="Ann"),
        ContactRef(name="Eve", organisation="Acme"),
    ]
    with pytest.raises(PlanInvalid) as caught:
        load_plan(
            "contracts: [{number: C, vendor: A, starts_on: 2026-01-01, ends_on: 2026-02-01,"
            " escalation_contacts: [3]}]"
        )
    assert caught.value.problems[0].path == "contracts[0].escalation_contacts"


HEADER = "hostname,ip,kind,environment,exposure,services,owner_team,software\n"


def test_csv_rows_parse_with_several_ips_services_and_packages() -> None:
    rows, problems = parse_assets_csv(
        HEADER
        + "Web-01,10.0.0.1; fd00::1,vm,,internet-facing,shop;db,Web,openssl@3.0.13;nginx@1.24.0\n"
    )
    assert problems == []
    data = rows[0].data
    assert data is not None
    assert (data.hostname, data.ips, data.kind, data.environment) == (
        "web-01",
        ["10.0.0.1", "fd00::1"],
        "vm",
        "production",
    )
    assert data.services == ["shop", "db"]
    assert [(s.product, s.version) for s in data.software] == [
        ("openssl", "3.0.13"),
        ("nginx", "1.24.0"),
    ]


def test_every_bad_csv_row_is_reported_with_its_line_and_column() -> None:
    text = HEADER + (
        "ok-1,10.0.0.1,server,production,internal,,,\n"
        "bad-ip,10.0.0.300,server,production,internal,,,\n"
        "\n"
        "bad-kind,10.0.0.2,toaster,production,internal,,,nginx\n"
        "short,10.0.0.3\n"
        "OK-1,10.0.0.4,server,production,internal,,,\n"
    )
    _, problems = parse_assets_csv(text)

    assert [str(p) for p in problems if p.field != "kind"] == [
        "line 3: ip: '10.0.0.300' is not an IP address",
        "line 5: software: 'nginx' is not product@version",
        "line 6: row: has 2 fields; the header has 8",
        "line 7: hostname: 'ok-1' is also on line 2",
    ]
    assert any(p.line == 5 and p.field == "kind" for p in problems)


def test_a_csv_without_the_exact_header_is_refused() -> None:
    _, problems = parse_assets_csv("hostname,ip\nx,10.0.0.1\n")
    assert [(p.line, p.field) for p in problems] == [(1, "header")]
