"""Applying plans and importing CSV inventories against the database, on SQLite and
PostgreSQL: every kind of record round-trips, a second apply changes nothing, refused plans
and bad CSV rows write nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from warroom.access.service import do_create_team
from warroom.catalog.csv_import import CsvInvalid, do_import_assets
from warroom.catalog.models import Asset, Contract, CustomerSla, InstalledSoftware, Service
from warroom.catalog.plan_apply import do_apply_plan, export_plan, preview_plan
from warroom.catalog.plan_schema import PlanInvalid, dump_plan, load_plan
from warroom.db import Base, make_engine, make_session_factory, transaction

T = TypeVar("T")

PLAN = """
version: 1
vendors:
  - {name: Acme Support, portal_url: "https://support.acme.example"}
services:
  - name: web-shop
    tier: 1
    owner_team: Web
    runbook: |
      # Web shop
      Restart the app pool first.
    depends_on: [orders]
  - {name: orders, tier: 1, owner_team: Database, depends_on: [order-db]}
  - {name: order-db, tier: 1, owner_team: Database}
assets:
  - hostname: web-01
    ips: [10.0.0.1, "fd00::1"]
    kind: vm
    exposure: internet-facing
    services: [web-shop]
    owner_team: Web
    tags: [pci]
    software: [openssl@1.0.1e, nginx@1.24.0]
  - hostname: db-01
    services: [order-db, orders]
    software:
      - {product: postgresql, version: "15.6", purl: "pkg:deb/debian/postgresql-15@15.6"}
customers:
  - name: Northwind
    tier: 1
    slas:
      - {service: web-shop, availability_target: 99.9, response_minutes: 30, penalty_terms: 5%}
      - {service: orders, availability_target: 99.5}
contacts:
  - {name: Eve Engineer, organisation: Acme Support, plan_role: vendor_engineer,
     email: eve@acme.example, vendor: Acme Support}
  - {name: Nora North, organisation: Northwind, plan_role: customer_contact,
     phone: "+1 555 0101", customer: Northwind}
  - {name: Cleo Chief, plan_role: executive, email: cleo@example.com}
contracts:
  - number: ACME-1
    vendor: Acme Support
    products: [openssl, nginx]
    assets: [web-01]
    level: Premier
    hours: 24x7
    starts_on: 2026-01-01
    ends_on: 2026-12-31
    escalation: [{name: Eve Engineer, organisation: Acme Support}, Cleo Chief]
"""


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        for team in ("Web", "Database"):
            do_create_team(session=session, name=team)
    yield factory
    engine.dispose()


def run(sessions: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    with transaction(sessions) as session:
        return work(session)


def apply(sessions: sessionmaker[Session], text: str) -> list[tuple[str, str, str]]:
    changes = run(sessions, lambda s: do_apply_plan(session=s, plan=load_plan(text)))
    return [(c.action, c.kind, c.key) for c in changes]


def count(sessions: sessionmaker[Session], model: type[Base]) -> int:
    return run(sessions, lambda s: s.scalar(select(func.count()).select_from(model)) or 0)


def test_a_full_plan_applies_and_a_second_apply_changes_nothing(
    sessions: sessionmaker[Session],
) -> None:
    first = apply(sessions, PLAN)

    assert len(first) == 11
    assert {a for a, _, _ in first} == {"create"}
    assert apply(sessions, PLAN) == []
    contract = run(sessions, lambda s: s.scalars(select(Contract)).one())
    assert [c.name for c in contract.escalation] == ["Cleo Chief", "Eve Engineer"]
    assert [a.hostname for a in contract.assets] == ["web-01"]
    assert count(sessions, CustomerSla) == 2
    shop = run(sessions, lambda s: s.scalars(select(Service).filter_by(name="web-shop")).one())
    assert shop.runbook == "# Web shop\nRestart the app pool first.\n"


def test_export_then_apply_reports_no_changes(sessions: sessionmaker[Session]) -> None:
    apply(sessions, PLAN)
    exported = run(sessions, lambda s: dump_plan(export_plan(session=s)))

    assert "pkg:deb/debian/postgresql-15@15.6" in exported
    assert run(sessions, lambda s: preview_plan(session=s, plan=load_plan(exported))) == []


def test_a_changed_plan_updates_only_what_changed(sessions: sessionmaker[Session]) -> None:
    apply(sessions, PLAN)
    changed = PLAN.replace("openssl@1.0.1e", "openssl@3.0.13").replace(
        "level: Premier", "level: Gold"
    )

    preview = run(sessions, lambda s: preview_plan(session=s, plan=load_plan(changed)))
    assert [(c.kind, c.key, [f.field for f in c.fields]) for c in preview] == [
        ("assets", "web-01", ["software"]),
        ("contracts", "ACME-1", ["level"]),
    ]
    assert apply(sessions, changed) == [
        ("update", "assets", "web-01"),
        ("update", "contracts", "ACME-1"),
    ]
    assert apply(sessions, changed) == []


def test_prune_deletes_what_the_file_omits_of_the_kinds_it_lists(
    sessions: sessionmaker[Session],
) -> None:
    apply(sessions, PLAN)
    smaller = "prune: true\nassets:\n  - {hostname: db-01, services: [order-db]}\n"

    assert apply(sessions, smaller) == [
        ("update", "assets", "db-01"),
        ("delete", "assets", "web-01"),
    ]
    assert count(sessions, Asset) == 1
    assert count(sessions, Service) == 3  # services are not in the file: untouched


def test_a_refused_plan_writes_nothing(sessions: sessionmaker[Session]) -> None:
    bad = PLAN.replace("depends_on: [order-db]", "depends_on: [order-db, web-shop]")

    with pytest.raises(PlanInvalid) as caught:
        apply(sessions, bad)

    assert caught.value.problems[0].path == "services[1].depends_on[1]"
    assert "cycle" in caught.value.problems[0].detail
    assert count(sessions, Service) == 0
    assert count(sessions, Asset) == 0


def test_a_refusal_during_the_writes_rolls_everything_back(sessions: sessionmaker[Session]) -> None:
    # Twice the same product and version on one asset passes the file's schema but not the
    # asset rules; the services saved before it must not stay.
    bad = PLAN.replace("[openssl@1.0.1e, nginx@1.24.0]", "[openssl@1.0.1e, OpenSSL@1.0.1e]")

    with pytest.raises(PlanInvalid) as caught:
        apply(sessions, bad)

    assert caught.value.problems[0].path == "assets[0].software[1]"
    assert count(sessions, Service) == 0


HEADER = "hostname,ip,kind,environment,exposure,services,owner_team,software\n"


def import_csv(sessions: sessionmaker[Session], text: str) -> tuple[int, int]:
    result = run(sessions, lambda s: do_import_assets(session=s, text=text))
    return result.created, result.updated


def test_csv_import_creates_then_updates_keeping_what_the_file_does_not_carry(
    sessions: sessionmaker[Session],
) -> None:
    apply(sessions, PLAN)
    text = HEADER + (
        "db-01,10.0.1.5,server,production,internal,order-db,Database,postgresql@15.6;openssl@3.0.13\n"
        "app-01,10.0.1.6;10.0.1.7,container,staging,internal-tool,orders;web-shop,Web,python@3.12.2\n"
    )

    assert import_csv(sessions, text) == (1, 1)
    db = run(sessions, lambda s: s.scalars(select(Asset).filter_by(hostname="db-01")).one())
    assert db.ips == ["10.0.1.5"]
    assert [s.name for s in db.services] == ["order-db"]
    # The unchanged package kept its row and the purl the CSV cannot carry.
    assert [(p.product, p.purl) for p in db.software] == [
        ("openssl", None),
        ("postgresql", "pkg:deb/debian/postgresql-15@15.6"),
    ]
    app = run(sessions, lambda s: s.scalars(select(Asset).filter_by(hostname="app-01")).one())
    assert (app.kind, app.environment, app.exposure) == ("container", "staging", "internal-tool")
    assert [s.name for s in app.services] == ["orders", "web-shop"]
    assert app.owner_team is not None
    assert app.owner_team.name == "Web"
    assert import_csv(sessions, text) == (0, 2)
    assert count(sessions, InstalledSoftware) == 5  # web-01 2, db-01 2, app-01 1: no duplicates


def test_csv_with_bad_rows_reports_them_all_and_imports_nothing(
    sessions: sessionmaker[Session],
) -> None:
    apply(sessions, PLAN)
    text = HEADER + (
        "new-01,10.0.2.1,server,production,internal,orders,Web,\n"
        "new-02,10.0.0.300,server,production,internal,ghost,Nobody,openssl\n"
        "db-01,10.0.2.3,server,production,internal,,,\n"
    )

    with pytest.raises(CsvInvalid) as caught:
        import_csv(sessions, text)

    assert [str(p) for p in caught.value.problems] == [
        "line 3: ip: '10.0.0.300' is not an IP address",
        "line 3: software: 'openssl' is not product@version",
        "line 3: services: unknown service 'ghost'",
        "line 3: owner_team: unknown team 'Nobody'",
    ]
    assert count(sessions, Asset) == 2
    db = run(sessions, lambda s: s.scalars(select(Asset).filter_by(hostname="db-01")).one())
    assert db.ips == []
