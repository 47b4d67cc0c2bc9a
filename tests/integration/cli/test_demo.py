"""``warroom demo``: a living organisation, loaded once, through the services."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.integration.cli.conftest import Cli
from warroom.access.models import Person, Team
from warroom.access.service import authenticate_password
from warroom.catalog.assets import list_assets
from warroom.catalog.models import (
    Asset,
    Contact,
    Contract,
    Customer,
    InstalledSoftware,
    LifecycleCycle,
    Service,
    Vendor,
)
from warroom.catalog.schemas import AssetOut
from warroom.catalog.views import asset_outs
from warroom.incidents.models import Incident, Participant, Task, TimelineEvent


def test_demo_loads_a_living_organisation(cli: Cli) -> None:
    result = cli.ok("demo")

    assert "priya.raman@kestrel-supply.example" in result.stdout
    assert "warroom-ic" in result.stdout
    assert 15 <= cli.count(Person) <= 25
    assert cli.count(Team) == 7
    assert cli.count(Service) >= 8
    people = cli.run(lambda s: list(s.scalars(select(Person))))
    assert len({p.timezone for p in people}) >= 4
    assert all(p.phone and p.chat_handle for p in people)
    tiers = cli.run(lambda s: {svc.name: svc.tier for svc in s.scalars(select(Service))})
    assert tiers["sales-ordering"] == 1
    assert tiers["internal-wiki"] == 3


def test_demo_history_has_past_and_active_incidents(cli: Cli) -> None:
    cli.ok("demo")

    def statuses(session: Session) -> list[str]:
        return [i.status for i in session.scalars(select(Incident))]

    found = cli.run(statuses)
    assert {"closed", "resolved"} <= set(found)
    assert 1 <= sum(s not in ("resolved", "closed") for s in found) <= 2
    active = cli.json("incident", "list", "--status", "active")["items"]
    assert len(active) == sum(s not in ("resolved", "closed") for s in found)


def test_past_incidents_carry_a_realistic_back_dated_record(cli: Cli) -> None:
    cli.ok("demo")
    now = datetime.now(UTC)

    def closed_story(session: Session) -> Incident:
        query = select(Incident).where(Incident.status == "closed").order_by(Incident.id)
        return session.scalars(query).first() or Incident()

    incident = cli.run(closed_story)
    assert incident.declared_at < now - timedelta(days=1)
    assert incident.resolved_at is not None
    assert incident.resolved_at - incident.declared_at > timedelta(hours=1)
    events = cli.run(
        lambda s: list(s.scalars(select(TimelineEvent).filter_by(incident_id=incident.id)))
    )
    assert max(e.recorded_at for e in events) - min(e.recorded_at for e in events) > timedelta(
        hours=2
    )
    assert all(e.recorded_at <= now for e in events)
    assert {"note", "status_changed", "role_assigned", "participant_released"} <= {
        e.kind for e in events
    }
    assert any(e.occurred_at < e.recorded_at for e in events if e.kind == "note")
    released = cli.run(
        lambda s: list(s.scalars(select(Participant).where(Participant.released_at.is_not(None))))
    )
    assert released
    done = cli.run(lambda s: list(s.scalars(select(Task).where(Task.status == "done"))))
    assert done


def test_demo_accounts_can_sign_in(cli: Cli) -> None:
    cli.ok("demo")

    def check(session: Session) -> list[str]:
        pairs = [
            ("olivia.grant@kestrel-supply.example", "warroom-admin"),
            ("priya.raman@kestrel-supply.example", "warroom-ic"),
            ("tomas.ortega@kestrel-supply.example", "warroom-responder"),
        ]
        people = [authenticate_password(session=session, email=e, password=p) for e, p in pairs]
        return [p.role for p in people if p is not None]

    assert cli.run(check) == ["admin", "manager", "responder"]


CATALOG = (Service, Asset, InstalledSoftware, LifecycleCycle, Vendor, Contract, Contact, Customer)


def test_demo_twice_changes_nothing(cli: Cli) -> None:
    cli.ok("demo")
    models = (Person, Team, Incident, TimelineEvent, *CATALOG)
    counts = [cli.count(m) for m in models]
    contracts = cli.json("contract", "list")

    again = cli.ok("demo")

    assert "already loaded" in again.stdout
    assert [cli.count(m) for m in models] == counts
    assert cli.json("contract", "list") == contracts


def test_demo_beside_an_existing_admin_and_on_a_fresh_file(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init", "--email", "ada@example.com", "--password", "correct horse")
    cli.ok("demo")
    fresh = Cli(f"sqlite:///{tmp_path / 'fresh.db'}", CliRunner())
    fresh.ok("demo")

    assert cli.count(Incident) == fresh.count(Incident) > 0
    listed = cli.json("incident", "list")["items"]  # acting as ada, the first admin
    # Ada is not on the demo's security team: its restricted security incident is not hers.
    restricted = cli.run(
        lambda s: len(list(s.scalars(select(Incident).where(Incident.restricted))))
    )
    assert restricted >= 1
    assert len(listed) == cli.count(Incident) - restricted


def _assets(session: Session) -> dict[str, AssetOut]:
    rows = list_assets(session=session, limit=1000)
    return {a.hostname: a for a in asset_outs(session=session, assets=rows, today=_today())}


def _today() -> date:
    return datetime.now(UTC).date()


def _software(asset: AssetOut, product: str) -> tuple[str, str]:
    found = next(sw for sw in asset.software if sw.product == product)
    return found.version, found.support.value


def test_demo_catalog_is_a_whole_plan(cli: Cli) -> None:
    cli.ok("demo")

    services = {s["name"]: s for s in cli.json("service", "list")}
    assets = cli.run(_assets)
    roles = {c["plan_role"] for c in cli.json("contact", "list")}
    customers = cli.json("customer", "list")

    assert {"order-db", "identity-sso", "pricing-catalogue", "payments-gateway"} <= set(
        services["sales-ordering"]["depends_on"]
    )
    assert "sales-ordering" in services["web-shop"]["depends_on"]
    with_runbook = [s for s in services.values() if s["runbook"]]
    assert len(with_runbook) >= len(services) - 2
    assert all(s["description"] for s in services.values())
    assert 40 <= len(assets) <= 80
    assert {a.kind.value for a in assets.values()} >= {"server", "network", "saas", "endpoint"}
    assert assets["shop-web-01"].exposure.value == "internet-facing"
    assert {"debian", "openssl", "nginx", "sentinel-av-engine"} <= {
        sw.product for sw in assets["sos-app-01"].software
    }
    assert any(sw.product == "postgresql" for sw in assets["sos-db-01"].software)
    assert cli.count(Vendor) >= 4
    assert {"executive", "legal", "pr", "comms", "vendor_engineer", "delivery_partner"} <= roles
    assert any(c["tier"] == 1 and len(c["slas"]) >= 2 for c in customers)
    sla = customers[0]["slas"][0]
    assert sla["availability_target"]
    assert sla["response_minutes"]
    assert sla["penalty_terms"]


def test_demo_plants_the_gaps_the_readiness_report_must_find(cli: Cli) -> None:
    cli.ok("demo")
    today = _today()

    assets = cli.run(_assets)
    av = {
        h: _software(a, "sentinel-av-engine") for h, a in assets.items() if h.startswith("sos-app")
    }
    av_contract = cli.json("contract", "show", "SSS-2023-0417")
    network = cli.json("contract", "show", "MN-MAINT-7781")
    sales = cli.json("service", "show", "sales-ordering")

    old = sorted(h for h, (version, status) in av.items() if status == "eol")
    assert old == [f"sos-app-{n:02d}" for n in range(1, 7)]
    assert all(av[h] == ("8.5.0", "eol") for h in old)
    assert {v for h, v in av.items() if h not in old} == {("9.2.4", "supported")}
    assert av_contract["vendor"] == "Sentinel Shield Security"
    assert "sentinel-av-engine" in av_contract["products"]
    assert 30 <= (today - date.fromisoformat(av_contract["ends_on"])).days <= 200
    assert {a.coverage.status.value for h, a in assets.items() if h in av} == {"expired"}
    assert sales["tier"] == 1
    assert sales["runbook"] == ""
    shop = assets["shop-web-04"]
    assert shop.exposure.value == "internet-facing"
    assert _software(shop, "openssl")[1] == "eol"
    assert _software(assets["label-print-01"], "labelforge-server")[1] == "unknown"
    assert 0 <= (date.fromisoformat(network["ends_on"]) - today).days <= 30


def test_readiness_finds_the_planted_gaps_after_the_demo(cli: Cli) -> None:
    cli.ok("demo")

    findings = cli.json("readiness")["findings"]

    def subjects(check: str) -> set[str]:
        return {f["subject"] for f in findings if f["check"] == check}

    assert {f"sos-app-{n:02d}" for n in range(1, 7)} <= subjects("eol_software")
    assert "sos-app-07" not in subjects("eol_software")
    assert "sales-ordering" in subjects("no_runbook")
    assert "shop-web-04" in subjects("internet_facing_eol")
    assert "MN-MAINT-7781" in subjects("contract_expiring")
    expired = [f for f in findings if "SSS-2023-0417" in f["message"]]
    assert expired
    assert all(f["check"] == "no_support_contract" for f in expired)
    assert all(f["hint"] for f in findings)
