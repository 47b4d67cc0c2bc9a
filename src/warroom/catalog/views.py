"""Derived views over the stored catalog: the rules' inputs built from the database, and the
API shapes of their answers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.catalog.lifecycles import cycles_by_product, software_status
from warroom.catalog.models import Asset, Contract, Customer, LifecycleCycle, Service
from warroom.catalog.rules import (
    CatalogGraph,
    ContractTerms,
    SlaTerm,
    SupportStatus,
    asset_coverage,
    blast_radius,
    product_key,
    reverse,
)
from warroom.catalog.schemas import (
    AssetOut,
    BlastRadiusOut,
    CoverageOut,
    CycleOut,
    ServiceOut,
    SlaOut,
    SoftwareOut,
)
from warroom.catalog.service import dependency_graph


def catalog_graph(*, session: Session) -> CatalogGraph:
    assets: dict[str, frozenset[str]] = {
        a.hostname: frozenset(s.name for s in a.services) for a in session.scalars(select(Asset))
    }
    slas = tuple(
        SlaTerm(
            c.name,
            sla.service.name,
            sla.availability_target,
            sla.response_minutes,
            sla.penalty_terms,
        )
        for c in session.scalars(select(Customer).order_by(Customer.name))
        for sla in c.slas
    )
    return CatalogGraph(dependency_graph(session=session), assets, slas)


def blast_radius_out(
    *, session: Session, subject: str, services: Iterable[str] = (), assets: Iterable[str] = ()
) -> BlastRadiusOut:
    found = blast_radius(catalog_graph(session=session), services=services, assets=assets)
    return BlastRadiusOut(
        subject=subject,
        services=list(found.services),
        assets=list(found.assets),
        customers=list(found.customers),
        slas=[SlaOut(**vars(t)) for t in found.slas],
    )


def contract_terms(*, session: Session) -> list[ContractTerms]:
    return [
        ContractTerms(
            number=c.number,
            vendor=c.vendor.name,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            hours=c.hours,
            assets=frozenset(a.hostname for a in c.assets),
            products=frozenset(product_key(p) for p in c.products),
        )
        for c in session.scalars(select(Contract).order_by(Contract.number))
    ]


def service_out(session: Session, service: Service) -> ServiceOut:
    used_by = reverse(dependency_graph(session=session)).get(service.name, set())
    return ServiceOut(
        id=service.id,
        name=service.name,
        tier=service.tier,
        owner_team=service.owner_team.name if service.owner_team else None,
        description=service.description,
        runbook=service.runbook,
        depends_on=[s.name for s in service.depends_on],
        used_by=sorted(used_by),
    )


def asset_outs(*, session: Session, assets: list[Asset], today: date) -> list[AssetOut]:
    """Assets with each program's support status and the asset's contract coverage."""
    statuses = software_status(assets, cycles_by_product(session=session), today)
    terms = contract_terms(session=session)
    return [_asset_out(a, statuses[a.hostname], terms, today) for a in assets]


def _asset_out(
    asset: Asset, statuses: list[SupportStatus], terms: list[ContractTerms], today: date
) -> AssetOut:
    cover = asset_coverage(asset.hostname, [s.product for s in asset.software], terms, today)
    software = [
        SoftwareOut(
            product=sw.product,
            version=sw.version,
            purl=sw.purl,
            support=st.status,
            cycle=st.cycle,
            eol=st.eol,
            days_left=st.days_left,
            latest=st.latest,
        )
        for sw, st in zip(asset.software, statuses, strict=True)
    ]
    return AssetOut(
        id=asset.id,
        hostname=asset.hostname,
        aliases=asset.aliases,
        ips=asset.ips,
        kind=asset.kind,
        environment=asset.environment,
        location=asset.location,
        exposure=asset.exposure,
        services=[s.name for s in asset.services],
        owner_team=asset.owner_team.name if asset.owner_team else None,
        tags=asset.tags,
        software=software,
        coverage=CoverageOut(
            status=cover.status,
            contracts=list(cover.contracts),
            expired=list(cover.expired),
            uncovered_products=list(cover.uncovered_products),
        ),
    )


def cycle_out(row: LifecycleCycle) -> CycleOut:
    return CycleOut(
        product=row.product,
        cycle=row.cycle,
        release_date=row.release_date,
        support=row.support,
        support_ended=row.support_flag,
        eol=row.eol,
        eol_reached=row.eol_flag,
        latest=row.latest,
    )
