"""Pure catalog rules: the dependency graph, blast radius, lifecycle matching and support
status, and contract coverage. No session, no clock: callers pass ``today``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class AssetKind(StrEnum):
    server = "server"
    vm = "vm"
    container = "container"
    network = "network"
    saas = "saas"
    endpoint = "endpoint"


class Exposure(StrEnum):
    internet_facing = "internet-facing"
    internal = "internal"
    internal_tool = "internal-tool"


# --- the dependency graph -------------------------------------------------------------------


def find_cycle(depends_on: Mapping[str, Iterable[str]], service: str, new: str) -> list[str] | None:
    """The loop that ``service → new`` would close, as a path from ``service`` back to itself,
    or None when the edge is safe."""
    path = _path(depends_on, new, service)
    return [service, *path] if path is not None else None


def _path(graph: Mapping[str, Iterable[str]], start: str, goal: str) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        if node == goal:
            return path
        if node in seen:
            continue
        seen.add(node)
        stack.extend((nxt, [*path, nxt]) for nxt in sorted(graph.get(node, ()), reverse=True))
    return None


def reverse(depends_on: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    """Who depends on each service."""
    used_by: dict[str, set[str]] = {}
    for service, needs in depends_on.items():
        for need in needs:
            used_by.setdefault(need, set()).add(service)
    return used_by


def reach(graph: Mapping[str, Iterable[str]], roots: Iterable[str]) -> set[str]:
    """Every node reachable from ``roots`` (the roots included); shared nodes counted once."""
    found: set[str] = set()
    todo = list(roots)
    while todo:
        node = todo.pop()
        if node not in found:
            found.add(node)
            todo.extend(graph.get(node, ()))
    return found


@dataclass(frozen=True)
class SlaTerm:
    customer: str
    service: str
    availability_target: float | None
    response_minutes: int | None
    penalty_terms: str


@dataclass(frozen=True)
class CatalogGraph:
    depends_on: Mapping[str, frozenset[str]]
    asset_services: Mapping[str, frozenset[str]]
    slas: tuple[SlaTerm, ...] = ()


@dataclass(frozen=True)
class BlastRadius:
    services: tuple[str, ...]
    assets: tuple[str, ...]
    customers: tuple[str, ...]
    slas: tuple[SlaTerm, ...]


def blast_radius(
    graph: CatalogGraph, *, services: Iterable[str] = (), assets: Iterable[str] = ()
) -> BlastRadius:
    """What stops working when these services or assets fail: every service that depends on
    them however indirectly, the assets that run those services, and the customers (with
    their SLA terms) who use any of them."""
    roots = set(services)
    for asset in assets:
        roots |= graph.asset_services.get(asset, frozenset())
    hit = reach(reverse(graph.depends_on), roots)
    hosts = {a for a, svcs in graph.asset_services.items() if svcs & hit} | set(assets)
    terms = tuple(t for t in graph.slas if t.service in hit)
    return BlastRadius(
        services=tuple(sorted(hit)),
        assets=tuple(sorted(hosts)),
        customers=tuple(sorted({t.customer for t in terms})),
        slas=terms,
    )


# --- lifecycles -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cycle:
    """One release cycle as endoflife.date describes it."""

    product: str
    cycle: str
    release_date: date | None = None
    support: date | None = None
    support_flag: bool | None = None
    eol: date | None = None
    eol_flag: bool | None = None
    latest: str | None = None


class Support(StrEnum):
    supported = "supported"
    eol = "eol"
    unknown = "unknown"


@dataclass(frozen=True)
class SupportStatus:
    product: str
    version: str
    status: Support
    cycle: str | None = None
    eol: date | None = None
    days_left: int | None = None
    active_support: bool | None = None
    latest: str | None = None


def product_key(name: str) -> str:
    """Products are compared by a lower-case, hyphenated key ("OpenSSL" == "openssl")."""
    return re.sub(r"[\s_]+", "-", name.strip().lower())


def normalise_version(version: str) -> str:
    text = version.strip()
    return text[1:] if text[:1] in ("v", "V") and text[1:2].isdigit() else text


def match_cycle(version: str, cycles: Iterable[str]) -> str | None:
    """The most specific cycle a version belongs to: ``1.0.1e`` is in ``1.0.1`` (not ``1.0``),
    ``8.5.0-build12`` in ``8.5``, but ``1.10.2`` is not in ``1.1``."""
    text = normalise_version(version)
    best: str | None = None
    for cycle in cycles:
        if _in_cycle(text, cycle) and (best is None or len(cycle) > len(best)):
            best = cycle
    return best


def _in_cycle(version: str, cycle: str) -> bool:
    if not version.startswith(cycle):
        return False
    rest = version[len(cycle) :]
    return not rest or not (rest[0].isdigit() or (cycle[-1:].isalpha() and rest[0].isalpha()))


def _passed(day: date | None, flag: bool | None, today: date) -> bool | None:
    if day is not None:
        return day <= today
    return flag


def support_status(
    product: str, version: str, cycles: Iterable[Cycle], today: date
) -> SupportStatus:
    """Supported, end of life, or unknown (no lifecycle data for that product or version)."""
    by_name = {c.cycle: c for c in cycles}
    name = match_cycle(version, by_name)
    if name is None:
        return SupportStatus(product, version, Support.unknown)
    cycle = by_name[name]
    ended = _passed(cycle.eol, cycle.eol_flag, today)
    active = _passed(cycle.support, cycle.support_flag, today)
    days = (cycle.eol - today).days if cycle.eol is not None else None
    return SupportStatus(
        product=product,
        version=version,
        status=Support.eol if ended else Support.supported,
        cycle=name,
        eol=cycle.eol,
        days_left=days,
        active_support=None if active is None else not active,
        latest=cycle.latest,
    )


# --- contract coverage ----------------------------------------------------------------------


@dataclass(frozen=True)
class ContractTerms:
    number: str
    vendor: str
    starts_on: date
    ends_on: date
    hours: str
    assets: frozenset[str] = frozenset()
    products: frozenset[str] = frozenset()

    def active(self, today: date) -> bool:
        return self.starts_on <= today <= self.ends_on


class Cover(StrEnum):
    covered = "covered"
    expired = "expired"
    none = "none"


@dataclass(frozen=True)
class Coverage:
    subject: str
    status: Cover
    contracts: tuple[str, ...] = ()
    expired: tuple[str, ...] = ()
    uncovered_products: tuple[str, ...] = field(default=())


def asset_coverage(
    hostname: str, products: Iterable[str], contracts: Iterable[ContractTerms], today: date
) -> Coverage:
    """Which contracts cover an asset, directly or through a product it runs; an asset whose
    only contracts have ended is ``expired``, not merely uncovered."""
    keys = {product_key(p) for p in products}
    relevant = [c for c in contracts if hostname in c.assets or keys & c.products]
    live = tuple(sorted(c.number for c in relevant if c.active(today)))
    ended = tuple(sorted(c.number for c in relevant if not c.active(today)))
    covered_products = {p for c in relevant if c.active(today) for p in c.products}
    direct = any(hostname in c.assets and c.active(today) for c in relevant)
    loose = () if direct else tuple(sorted(keys - covered_products))
    status = Cover.covered if live else (Cover.expired if ended else Cover.none)
    return Coverage(hostname, status, live, ended, loose)
