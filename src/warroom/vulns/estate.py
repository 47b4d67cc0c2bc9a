"""What the catalog holds that an advisory may concern, read in a fixed few queries whatever
the size of the estate: the distinct installed rows naming the advisory's packages, then the
assets of only the rows found affected or unknown, with what tiering needs to know of each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from sqlalchemy import ColumnElement, CompoundSelect, Select, and_, func, or_, select, tuple_, union
from sqlalchemy.orm import Session

from warroom.catalog.models import Asset, AssetService, InstalledSoftware, Service
from warroom.vulns.advisories import Advisory
from warroom.vulns.rules import AssetRow, Installed, Status, Verdict
from warroom.vulns.tiers import AssetFacts, asset_facts

SOFTWARE = InstalledSoftware
COLUMNS = (SOFTWARE.product, SOFTWARE.version, SOFTWARE.purl)


class Found(NamedTuple):
    """The installed rows of the assets an advisory may affect, and those assets' facts."""

    rows: list[AssetRow]
    facts: dict[int, AssetFacts]


def candidate_rows(*, session: Session, advisory: Advisory) -> list[tuple[str, str, str | None]]:
    """Each distinct ``(product, version, purl)`` whose product (any case) or purl name is a
    package the advisory names. The purl test is a superset (``/name`` anywhere in the purl);
    the matching rules decide."""
    names = sorted({a.package.lower() for a in advisory.affected})
    sqlite = session.get_bind().dialect.name == "sqlite"
    query = _through_index(session, names) if sqlite else _one_scan(names)
    return [(p, v, u) for p, v, u in session.execute(query)]


def _one_scan(names: list[str]) -> Select[str, str, str | None]:
    """One pass over the table with both tests: PostgreSQL reads the table whole either way."""
    purl = func.lower(SOFTWARE.purl)
    by_purl = [purl.like(f"%/{name}%") for name in names]
    named = func.lower(SOFTWARE.product).in_(names)
    return select(*COLUMNS).where(or_(named, *by_purl)).distinct()


def _through_index(session: Session, names: list[str]) -> CompoundSelect[str, str, str | None]:
    """SQLite: the products named (any case) from the product index, their rows through it,
    and only the other rows searched by purl, with LIKE, which ignores ASCII case there. A
    third of the time of one pass that lowers every row."""
    products = session.scalars(select(SOFTWARE.product).distinct())
    named = [p for p in products if p.lower() in names]
    by_purl = [SOFTWARE.purl.like(f"%/{name}%") for name in names]
    return union(
        select(*COLUMNS).where(SOFTWARE.product.in_(named)),
        select(*COLUMNS).where(SOFTWARE.product.not_in(named), or_(*by_purl)),
    )


def assets_of(*, session: Session, verdicts: Mapping[Installed, Verdict]) -> Found:
    """The ``(asset_id, product, version, purl)`` rows of the installed rows judged affected
    or unknown, and each such asset's exposure and most critical service tier."""
    wanted = [i for i, v in verdicts.items() if v.status is not Status.not_affected]
    if not wanted:
        return Found([], {})
    service_tier = (
        select(func.min(Service.tier))
        .join(AssetService, AssetService.service_id == Service.id)
        .where(AssetService.asset_id == SOFTWARE.asset_id)
        .scalar_subquery()
    )
    query = (
        select(SOFTWARE.asset_id, SOFTWARE.product, SOFTWARE.version, SOFTWARE.purl)
        .add_columns(Asset.exposure, service_tier)
        .join(Asset, Asset.id == SOFTWARE.asset_id)
        .where(_among(wanted))
    )
    rows: list[AssetRow] = []
    facts: dict[int, AssetFacts] = {}
    # Thousands of assets share a dozen (exposure, tier) pairs: one AssetFacts for each.
    shared: dict[tuple[str, int | None], AssetFacts] = {}
    for asset_id, product, version, purl, exposure, tier in session.execute(query):
        rows.append((asset_id, product, version, purl))
        key = (exposure, tier)
        if key not in shared:
            shared[key] = asset_facts(exposure, [] if tier is None else [tier])
        facts[asset_id] = shared[key]
    return Found(rows, facts)


def _among(wanted: list[Installed]) -> ColumnElement[bool]:
    """Rows equal to one of ``wanted``; a NULL purl never equals anything, so rows without a
    purl are matched on product and version alone, apart."""
    with_purl = [(i.product, i.version, i.purl) for i in wanted if i.purl is not None]
    bare = [(i.product, i.version) for i in wanted if i.purl is None]
    tests: list[ColumnElement[bool]] = []
    if with_purl:
        tests.append(tuple_(SOFTWARE.product, SOFTWARE.version, SOFTWARE.purl).in_(with_purl))
    if bare:
        pair = tuple_(SOFTWARE.product, SOFTWARE.version).in_(bare)
        tests.append(and_(SOFTWARE.purl.is_(None), pair))
    # Naming the products too lets the product index narrow the rows before the tuples test.
    return and_(SOFTWARE.product.in_(sorted({i.product for i in wanted})), or_(*tests))
