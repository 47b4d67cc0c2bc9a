"""Product lifecycles: importing endoflife.date data and reading support status."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from importlib.resources import files
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.catalog.endoflife import parse_endoflife
from warroom.catalog.models import Asset, LifecycleCycle
from warroom.catalog.rules import Cycle, SupportStatus, product_key, support_status

SHIPPED = "warroom.catalog.data"


def shipped_products() -> list[str]:
    return sorted(
        p.name.removesuffix(".json") for p in files(SHIPPED).iterdir() if p.name.endswith(".json")
    )


def shipped_data(product: str) -> Any:
    return json.loads((files(SHIPPED) / f"{product}.json").read_text(encoding="utf-8"))


def do_import_lifecycle(*, session: Session, product: str, data: Any) -> list[LifecycleCycle]:
    """Create or update every cycle in ``data``; cycles not mentioned are kept."""
    cycles = parse_endoflife(product, data)
    key = product_key(product)
    existing = {
        row.cycle: row
        for row in session.scalars(select(LifecycleCycle).where(LifecycleCycle.product == key))
    }
    rows = []
    for cycle in cycles:
        row = existing.get(cycle.cycle) or LifecycleCycle(product=key, cycle=cycle.cycle)
        _copy(cycle, row)
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def _copy(cycle: Cycle, row: LifecycleCycle) -> None:
    row.release_date, row.latest = cycle.release_date, cycle.latest
    row.support, row.support_flag = cycle.support, cycle.support_flag
    row.eol, row.eol_flag = cycle.eol, cycle.eol_flag


def do_import_shipped(*, session: Session, only_missing: bool = True) -> list[str]:
    """Load the lifecycle data shipped with warroom; by default only for products not yet
    known, so a newer refresh by an operator is never overwritten."""
    known = set(session.scalars(select(LifecycleCycle.product).distinct()))
    loaded = []
    for product in shipped_products():
        if only_missing and product in known:
            continue
        do_import_lifecycle(session=session, product=product, data=shipped_data(product))
        loaded.append(product)
    return loaded


def as_cycle(row: LifecycleCycle) -> Cycle:
    return Cycle(
        row.product,
        row.cycle,
        row.release_date,
        row.support,
        row.support_flag,
        row.eol,
        row.eol_flag,
        row.latest,
    )


def cycles_by_product(*, session: Session) -> dict[str, list[Cycle]]:
    found: dict[str, list[Cycle]] = {}
    for row in session.scalars(select(LifecycleCycle).order_by(LifecycleCycle.product)):
        found.setdefault(row.product, []).append(as_cycle(row))
    return found


def list_cycles(*, session: Session, product: str | None = None) -> list[LifecycleCycle]:
    query = select(LifecycleCycle).order_by(LifecycleCycle.product, LifecycleCycle.id)
    if product:
        query = query.where(LifecycleCycle.product == product_key(product))
    return list(session.scalars(query))


def software_status(
    assets: Iterable[Asset], cycles: dict[str, list[Cycle]], today: date
) -> dict[str, list[SupportStatus]]:
    """Support status of every piece of software on each asset, keyed by hostname."""
    return {
        asset.hostname: [
            support_status(sw.product, sw.version, cycles.get(product_key(sw.product), []), today)
            for sw in asset.software
        ]
        for asset in assets
    }
