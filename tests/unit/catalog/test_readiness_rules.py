"""The readiness checks over hand-built snapshots: which gaps they find, at what severity,
with which stable id and hint, and how the score moves."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from warroom.catalog.readiness_assets import newest_supported
from warroom.catalog.readiness_facts import (
    AssetFacts,
    Check,
    ContactFacts,
    Finding,
    PersonFacts,
    ServiceFacts,
    Severity,
    Snapshot,
)
from warroom.catalog.readiness_rules import CRITICAL_CAP, run_checks
from warroom.catalog.rules import (
    ContractTerms,
    Cycle,
    SlaTerm,
    asset_coverage,
    support_status,
)

TODAY = date(2026, 11, 23)
AV = (
    Cycle("av-engine", "8.5", release_date=date(2021, 3, 1), eol=date(2025, 6, 30)),
    Cycle("av-engine", "9.2", release_date=date(2025, 2, 1), eol=date(2029, 1, 31), latest="9.2.4"),
    Cycle("av-engine", "9.1", release_date=date(2024, 2, 1), eol=date(2027, 1, 31)),
)
OPENSSL = (
    Cycle("openssl", "1.0.1", release_date=date(2012, 3, 14), eol=date(2016, 12, 31)),
    Cycle("openssl", "3.0", release_date=date(2021, 9, 7), eol=date(2026, 9, 7)),
    Cycle("openssl", "3.5", release_date=date(2025, 4, 8), eol=date(2030, 4, 8), latest="3.5.4"),
)
CYCLES = {"av-engine": AV, "openssl": OPENSSL}
ACME = ContractTerms(
    "ACME-1", "Acme", date(2026, 1, 1), date(2026, 12, 31), "24x7", frozenset({"web-01"})
)
ROLES = (
    ContactFacts("Cora Comms", "comms", email="cora@example.com"),
    ContactFacts("Ed Exec", "executive", phone="+1 555 0101"),
)


def asset(
    hostname: str,
    *software: str,
    exposure: str = "internal",
    services: tuple[str, ...] = (),
    contracts: tuple[ContractTerms, ...] = (ACME,),
) -> AssetFacts:
    pieces = [s.split("@") for s in software]
    statuses = tuple(
        support_status(product, version, CYCLES.get(product, ()), TODAY)
        for product, version in pieces
    )
    cover = asset_coverage(hostname, [p for p, _ in pieces], contracts, TODAY)
    return AssetFacts(hostname, exposure, services, statuses, cover)


def ready(**changes: object) -> Snapshot:
    """A small plan with no gaps at all; each test adds the one it is about."""
    base = Snapshot(
        today=TODAY,
        services=(ServiceFacts("checkout", 1, "Web", "https://wiki/checkout"),),
        assets=(asset("web-01", "openssl@3.5.1", services=("checkout",)),),
        cycles=CYCLES,
        contracts=(ACME,),
        people=(PersonFacts("Ada", "ada@example.com", "+1 555 0100"),),
        contacts=ROLES,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def by_check(snapshot: Snapshot, check: Check) -> list[Finding]:
    return [f for f in run_checks(snapshot).findings if f.check == check]


def test_a_plan_without_gaps_scores_100() -> None:
    report = run_checks(ready())
    assert report.findings == ()
    assert report.score == 100
    assert report.counts() == {"critical": 0, "high": 0, "medium": 0, "low": 0}


def test_an_empty_catalog_scores_0_with_the_missing_roles() -> None:
    report = run_checks(Snapshot(today=TODAY))
    assert [f.id for f in report.findings] == ["no_comms_lead", "no_exec_contact"]
    assert report.score == 0


def test_eol_software_names_the_upgrade_target_and_the_end_date() -> None:
    sales = asset("sales-01", "av-engine@8.5.0", contracts=())
    found = by_check(ready(assets=(sales,)), Check.eol_software)
    assert len(found) == 1
    item = found[0]
    assert item.id == "eol_software:sales-01:av-engine@8.5.0"
    assert item.severity == Severity.high
    assert item.subject == "sales-01"
    assert "2025-06-30" in item.message
    assert item.hint == (
        "upgrade av-engine 8.5.0 to 9.2, latest 9.2.4 (8.5 reached end of life on 2025-06-30), "
        "or isolate the host"
    )


def test_when_no_cycle_is_supported_the_hint_says_replace() -> None:
    old = asset("lab-01", "openssl@1.0.1e")
    dead = {"openssl": OPENSSL[:1]}
    item = by_check(ready(assets=(old,), cycles=dead), Check.eol_software)[0]
    assert item.hint.startswith("replace openssl 1.0.1e with a supported product")


def test_internet_facing_eol_is_critical_and_not_also_eol_software() -> None:
    edge = asset("web-01", "openssl@1.0.1e", "av-engine@9.2.1", exposure="internet-facing")
    report = run_checks(ready(assets=(edge,)))
    assert [(f.id, f.severity) for f in report.findings] == [
        ("internet_facing_eol:web-01:openssl@1.0.1e", Severity.critical)
    ]
    assert "upgrade openssl 1.0.1e to 3.5" in report.findings[0].hint
    assert "off the internet" in report.findings[0].hint
    assert report.score <= CRITICAL_CAP


def test_the_same_gap_keeps_its_id_across_runs() -> None:
    first = ready(assets=(asset("sales-01", "av-engine@8.5.0"),))
    later = replace(
        first,
        today=TODAY + timedelta(days=40),
        assets=(*first.assets, asset("sales-02", "av-engine@8.5.0")),
    )
    ids = {f.id for f in run_checks(first).findings}
    assert ids <= {f.id for f in run_checks(later).findings}
    assert "eol_software:sales-02:av-engine@8.5.0" in {f.id for f in run_checks(later).findings}


@pytest.mark.parametrize(
    ("tier", "severity"), [(1, Severity.high), (2, Severity.medium), (3, None)]
)
def test_owner_and_runbook_by_tier(tier: int, severity: Severity | None) -> None:
    bare = ServiceFacts("billing", tier)
    snapshot = ready(services=(*ready().services, bare))
    for check in (Check.no_owner, Check.no_runbook):
        found = by_check(snapshot, check)
        assert [(f.id, f.severity) for f in found] == (
            [(f"{check.value}:billing", severity)] if severity else []
        )


def test_a_whitespace_runbook_is_no_runbook() -> None:
    snapshot = ready(services=(ServiceFacts("checkout", 1, "Web", "  \n"),))
    assert [f.id for f in by_check(snapshot, Check.no_runbook)] == ["no_runbook:checkout"]


def test_missing_contact_wants_a_phone_for_people_and_any_way_for_contacts() -> None:
    snapshot = ready(
        people=(PersonFacts("Ada", "ada@example.com", "+1"), PersonFacts("Bo", "bo@example.com")),
        contacts=(
            *ROLES,
            ContactFacts("Lee Legal", "legal", "Law & Co", email="lee@law.example"),
            ContactFacts("Pat Partner", "delivery_partner", "Ship Ltd"),
        ),
    )
    found = by_check(snapshot, Check.missing_contact)
    assert [f.id for f in found] == [
        "missing_contact:contact:Pat Partner (Ship Ltd)",
        "missing_contact:person:bo@example.com",
    ]
    assert "phone number or an email" in found[0].hint
    assert found[1].message == "Bo has no phone number"


def test_comms_lead_and_exec_contact_come_from_plan_roles() -> None:
    report = run_checks(ready(contacts=(ContactFacts("Lee", "legal", phone="+1"),)))
    ids = [f.id for f in report.findings]
    assert ids == ["no_comms_lead", "no_exec_contact"]
    assert report.findings[0].severity == Severity.high


def test_an_expired_contract_leaves_its_assets_uncovered() -> None:
    old = ContractTerms(
        "OLD-7", "Globex", date(2024, 1, 1), date(2026, 3, 31), "business", frozenset({"erp-01"})
    )
    erp = asset("erp-01", contracts=(old,))
    spare = asset("spare-01", contracts=())
    found = by_check(ready(assets=(erp, spare), contracts=(ACME, old)), Check.no_support_contract)
    assert [(f.id, f.severity) for f in found] == [
        ("no_support_contract:erp-01", Severity.medium),
        ("no_support_contract:spare-01", Severity.low),
    ]
    assert "2026-03-31" in found[0].message
    assert found[0].hint == "renew OLD-7 with Globex or record the contract that replaced it"


def test_an_uncovered_asset_of_an_important_service_is_medium() -> None:
    bare = asset("db-01", services=("checkout",), contracts=())
    found = by_check(ready(assets=(bare,)), Check.no_support_contract)
    assert [(f.subject, f.severity) for f in found] == [("db-01", Severity.medium)]


@pytest.mark.parametrize(("days", "flagged"), [(0, True), (30, True), (31, False), (-1, False)])
def test_contract_expiring_within_30_days(days: int, flagged: bool) -> None:
    ends = replace(ACME, ends_on=TODAY + timedelta(days=days))
    found = by_check(ready(contracts=(ends,)), Check.contract_expiring)
    assert [f.id for f in found] == (["contract_expiring:ACME-1"] if flagged else [])
    if flagged:
        assert f"{days} days left" in found[0].message


def test_unknown_lifecycle_is_one_finding_per_product_version() -> None:
    hosts = tuple(asset(f"app-{n}", "nginx@1.18.0", "openssl@9.9") for n in range(5))
    found = by_check(ready(assets=hosts), Check.unknown_lifecycle)
    assert [f.id for f in found] == [
        "unknown_lifecycle:nginx@1.18.0",
        "unknown_lifecycle:openssl@9.9",
    ]
    assert all(f.severity == Severity.low for f in found)
    assert "app-0, app-1, app-2 and 2 more" in found[0].hint
    assert "no lifecycle data for nginx" in found[0].message
    assert "matches no cycle" in found[1].message


def test_oncall_and_sla_checks_wait_for_paging_and_alerting() -> None:
    sla = SlaTerm("Globex", "checkout", 99.9, 15, "")
    today = ready(slas=(sla,))
    checks = {o.check for o in run_checks(today).outcomes}
    assert Check.no_oncall not in checks
    assert Check.sla_unmonitored not in checks
    later = replace(today, paging=True, alerting=True)
    assert [f.id for f in run_checks(later).findings] == [
        "no_oncall:checkout",
        "sla_unmonitored:Globex:checkout",
    ]
    covered = replace(
        later, oncall_services=frozenset({"checkout"}), monitored_services=frozenset({"checkout"})
    )
    assert run_checks(covered).findings == ()


def test_fixing_a_gap_raises_the_score_and_the_score_stays_in_range() -> None:
    services = tuple(ServiceFacts(f"svc-{n}", 1) for n in range(4))
    worst = ready(services=services)
    better = ready(services=(replace(services[0], owner_team="Ops"), *services[1:]))
    assert 0 <= run_checks(worst).score < run_checks(better).score < 100


def test_newest_supported_prefers_the_latest_release() -> None:
    found = newest_supported(AV, TODAY)
    assert found is not None
    assert found.cycle == "9.2"
    assert newest_supported(AV[:1], TODAY) is None
