"""Read-only catalog queries for people browsing it: search across every kind of record, asset
lists filtered by support status and paged over thousands of rows, and the small judgements
the lists show (worst support of an asset, a contract's status)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import ColumnElement

from warroom.catalog.lifecycles import cycles_by_product
from warroom.catalog.models import (
    Asset,
    AssetService,
    Contact,
    Contract,
    Customer,
    CustomerSla,
    InstalledSoftware,
    Service,
    Vendor,
)
from warroom.catalog.rules import Support, product_key, support_status

SEARCH_LIMIT = 25
# Worst first: one package past its end of life makes the whole asset "eol".
SUPPORT_ORDER = (Support.eol, Support.unknown, Support.supported)
EXPIRING_DAYS = 30


class ContractStatus(StrEnum):
    upcoming = "upcoming"
    active = "active"
    expiring = "expiring"
    expired = "expired"


def contract_status(starts_on: date, ends_on: date, today: date) -> ContractStatus:
    if ends_on < today:
        return ContractStatus.expired
    if starts_on > today:
        return ContractStatus.upcoming
    if (ends_on - today).days <= EXPIRING_DAYS:
        return ContractStatus.expiring
    return ContractStatus.active


def worst_support(statuses: Iterable[Support]) -> Support | None:
    """The asset's badge: the worst status of its software; None when it lists none."""
    found = set(statuses)
    return next((s for s in SUPPORT_ORDER if s in found), None)


# --- assets ---------------------------------------------------------------------------------


def _like(q: str) -> str:
    escaped = q.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def asset_ids(*, session: Session, q: str = "", service: str = "", exposure: str = "") -> list[int]:
    """Ids of the matching assets by hostname; ``q`` matches the hostname, an alias, an IP, a
    tag or the location (the JSON lists are searched as their text)."""
    query = select(Asset.id).order_by(Asset.hostname)
    if q.strip():
        lists = (cast(f, String) for f in (Asset.aliases, Asset.ips, Asset.tags))
        query = query.where(_matches(_like(q), Asset.hostname, Asset.location, *lists))
    if service:
        wanted = select(Service.id).where(Service.name == service).scalar_subquery()
        query = query.join(AssetService, AssetService.asset_id == Asset.id).where(
            AssetService.service_id == wanted
        )
    if exposure:
        query = query.where(Asset.exposure == exposure)
    return list(session.scalars(query))


def support_by_asset(*, session: Session, today: date) -> dict[int, Support]:
    """Each asset's worst support status, from one query over the installed software; each
    distinct product and version is judged once however many assets run it."""
    cycles = cycles_by_product(session=session)
    rows = session.execute(
        select(InstalledSoftware.asset_id, InstalledSoftware.product, InstalledSoftware.version)
    )
    judged: dict[tuple[str, str], Support] = {}
    per_asset: dict[int, set[Support]] = defaultdict(set)
    for asset_id, product, version in rows:
        key = (product, version)
        if key not in judged:
            found = cycles.get(product_key(product), [])
            judged[key] = support_status(product, version, found, today).status
        per_asset[asset_id].add(judged[key])
    return {a: s for a, found in per_asset.items() if (s := worst_support(found)) is not None}


def assets_by_ids(*, session: Session, ids: Sequence[int]) -> list[Asset]:
    if not ids:
        return []
    found = {a.id: a for a in session.scalars(select(Asset).where(Asset.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def assets_running(*, session: Session, service_id: int) -> list[Asset]:
    query = (
        select(Asset)
        .join(AssetService, AssetService.asset_id == Asset.id)
        .where(AssetService.service_id == service_id)
        .order_by(Asset.hostname)
    )
    return list(session.scalars(query))


def slas_on(*, session: Session, service_id: int) -> list[tuple[str, CustomerSla]]:
    """(customer name, SLA) for every customer with an SLA on the service."""
    query = (
        select(Customer.name, CustomerSla)
        .join(CustomerSla, CustomerSla.customer_id == Customer.id)
        .where(CustomerSla.service_id == service_id)
        .order_by(Customer.name)
    )
    return [(name, sla) for name, sla in session.execute(query)]


# --- search and counts ----------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogHits:
    services: list[Service]
    assets: list[Asset]
    vendors: list[Vendor]
    contacts: list[Contact]
    customers: list[Customer]

    @property
    def total(self) -> int:
        kinds = (self.services, self.assets, self.vendors, self.contacts, self.customers)
        return sum(len(found) for found in kinds)


def _matches(
    like: str, *columns: ColumnElement[str] | InstrumentedAttribute[str]
) -> ColumnElement[bool]:
    return or_(*(func.lower(c).like(like, escape="\\") for c in columns))


def search_catalog(*, session: Session, q: str) -> CatalogHits:
    """Up to ``SEARCH_LIMIT`` of each kind of record whose names (or an asset's aliases, IPs and
    tags; a contact's organisation and email) contain ``q``, in any case."""
    like = _like(q)
    services = select(Service).where(_matches(like, Service.name, Service.description))
    vendors = select(Vendor).where(_matches(like, Vendor.name))
    people = (Contact.name, Contact.organisation, func.coalesce(Contact.email, ""))
    contacts = select(Contact).where(_matches(like, *people))
    customers = select(Customer).where(_matches(like, Customer.name))
    hosts = asset_ids(session=session, q=q)[:SEARCH_LIMIT]
    return CatalogHits(
        services=list(session.scalars(services.order_by(Service.name).limit(SEARCH_LIMIT))),
        assets=assets_by_ids(session=session, ids=hosts),
        vendors=list(session.scalars(vendors.order_by(Vendor.name).limit(SEARCH_LIMIT))),
        contacts=list(session.scalars(contacts.order_by(Contact.name).limit(SEARCH_LIMIT))),
        customers=list(session.scalars(customers.order_by(Customer.name).limit(SEARCH_LIMIT))),
    )


def names_by_id(*, session: Session, model: type[Vendor] | type[Customer]) -> dict[int, str]:
    return {row.id: row.name for row in session.execute(select(model.id, model.name))}


def catalog_counts(*, session: Session) -> dict[str, int]:
    models = {
        "services": Service,
        "assets": Asset,
        "vendors": Vendor,
        "contracts": Contract,
        "contacts": Contact,
        "customers": Customer,
    }
    return {
        key: session.scalar(select(func.count()).select_from(model)) or 0
        for key, model in models.items()
    }
