"""The plan's pure logic: what applying a wanted plan to the current one would change, and
what in it cannot be applied. No session, no I/O: both plans are ``PlanDocument`` values.

Apply is declarative for the kinds a file lists: a record in the file is created, or replaced
field by field (a field left out takes its default). Records the file does not list are kept,
unless the file says ``prune: true``; then those of the kinds it lists are deleted. Lists that
are sets (a service's dependencies, an asset's services and software, a contract's products
and assets, a customer's SLAs) compare without regard to order, so an export read back in
any order changes nothing."""

from __future__ import annotations

import graphlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from warroom.alerts.correlation_schemas import CorrelationRuleIn
from warroom.catalog.parties_schemas import ContactIn, CustomerIn
from warroom.catalog.plan_schema import (
    KINDS,
    ContactRef,
    PlanContract,
    PlanDocument,
    PlanProblem,
)
from warroom.catalog.rules import find_cycle, product_key
from warroom.catalog.schemas import AssetIn, ServiceIn

Action = Literal["create", "update", "delete"]
SINGULAR = {
    "vendors": "vendor",
    "services": "service",
    "assets": "asset",
    "customers": "customer",
    "contacts": "contact",
    "contracts": "contract",
    "correlation_rules": "correlation rule",
}
SETS = {
    "services": ("depends_on",),
    "assets": ("services", "software"),
    "contracts": ("products", "assets", "escalation"),
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Change:
    action: Action
    kind: str
    key: str
    index: int | None = None  # the record's position in the file; None for a deletion
    item: BaseModel | None = None  # the wanted record; None for a deletion
    fields: tuple[FieldChange, ...] = ()

    @property
    def path(self) -> str:
        return f"{self.kind}[{self.index}]" if self.index is not None else self.kind


KEY_FIELD = {"assets": "hostname", "contracts": "number"}


def record_key(kind: str, item: BaseModel) -> str:
    """What names a record within its kind: the key a plan and the database share."""
    if isinstance(item, ContactIn):
        return ContactRef(name=item.name, organisation=item.organisation).label()
    return str(getattr(item, KEY_FIELD.get(kind, "name")))


def _software(item: dict[str, Any]) -> str:
    text = f"{product_key(item['product'])}@{item['version']}"
    return f"{text} ({item['purl']})" if item.get("purl") else text


def canonical(kind: str, item: BaseModel) -> dict[str, Any]:
    """The record's fields as they compare: stored spellings, sets sorted."""
    data = item.model_dump(mode="json")
    if kind == "assets":
        data["software"] = [_software(s) for s in data["software"]]
    if kind == "contracts":
        del data["escalation_contacts"]
        data["escalation"] = [ContactRef.model_validate(c).label() for c in data["escalation"]]
    if kind == "customers":
        data["slas"] = sorted(data["slas"], key=lambda sla: str(sla["service"]))
    for field in SETS.get(kind, ()):
        data[field] = sorted(set(data[field]))
    return data


def _records(plan: PlanDocument, kind: str) -> dict[str, tuple[int, BaseModel]]:
    items: Sequence[BaseModel] = getattr(plan, kind) or []
    return {record_key(kind, item): (index, item) for index, item in enumerate(items)}


def _changes(kind: str, current: PlanDocument, wanted: PlanDocument) -> list[Change]:
    now = {key: canonical(kind, item) for key, (_, item) in _records(current, kind).items()}
    found = []
    for key, (index, item) in _records(wanted, kind).items():
        new, old = canonical(kind, item), now.get(key)
        if old is None:
            found.append(Change("create", kind, key, index, item))
        elif old != new:
            fields = tuple(FieldChange(f, old[f], new[f]) for f in new if old.get(f) != new[f])
            found.append(Change("update", kind, key, index, item, fields))
    return found


def _deletions(kind: str, current: PlanDocument, wanted: PlanDocument) -> list[Change]:
    keep = _records(wanted, kind)
    return [Change("delete", kind, key) for key in _records(current, kind) if key not in keep]


def _services_first(changes: list[Change], graph: Mapping[str, Iterable[str]]) -> list[Change]:
    """Dependencies before their dependents, so no save sees a half-rewired graph."""
    try:
        names = graphlib.TopologicalSorter(graph).static_order()
        order = {name: i for i, name in enumerate(names)}
    except graphlib.CycleError:  # check_plan reports the cycle; keep the file's order
        return changes
    return sorted(changes, key=lambda c: order.get(c.key, -1))


def _graph(plan: PlanDocument) -> dict[str, list[str]]:
    return {s.name: list(s.depends_on) for s in plan.services or []}


def diff_plan(current: PlanDocument, wanted: PlanDocument) -> list[Change]:
    """The changes that make ``current`` into ``wanted``, in the order they can be applied:
    creations and updates kind by kind (vendors … contracts), then deletions in reverse."""
    changes: list[Change] = []
    for kind in KINDS:
        if getattr(wanted, kind) is None:
            continue
        found = _changes(kind, current, wanted)
        if kind == "services":
            found = _services_first(found, final_graph(current, wanted))
        changes += found
    if wanted.prune:
        for kind in reversed(KINDS):
            if getattr(wanted, kind) is not None:
                found = _deletions(kind, current, wanted)
                if kind == "services":
                    found = list(reversed(_services_first(found, _graph(current))))
                changes += found
    return changes


def final_graph(current: PlanDocument, wanted: PlanDocument) -> dict[str, list[str]]:
    """Each service's dependencies once ``wanted`` is applied."""
    graph = {} if wanted.prune and wanted.services is not None else _graph(current)
    return graph | _graph(wanted)


def _final_keys(kind: str, current: PlanDocument, wanted: PlanDocument) -> set[str]:
    listed = set(_records(wanted, kind))
    if getattr(wanted, kind) is not None and wanted.prune:
        return listed
    return listed | set(_records(current, kind))


def _duplicates(kind: str, plan: PlanDocument) -> list[PlanProblem]:
    seen: dict[str, int] = {}
    problems = []
    for index, item in enumerate(getattr(plan, kind) or []):
        key = record_key(kind, item)
        if key in seen:
            detail = f"{key!r} is listed twice (first at {kind}[{seen[key]}])"
            problems.append(PlanProblem(f"{kind}[{index}]", detail))
        seen.setdefault(key, index)
    return problems


Refs = Callable[[BaseModel], Iterable[tuple[str, str | None, str]]]


def _service_refs(item: BaseModel) -> Iterable[tuple[str, str | None, str]]:
    assert isinstance(item, ServiceIn)
    yield "teams", item.owner_team, "owner_team"
    for i, name in enumerate(item.depends_on):
        yield "services", name, f"depends_on[{i}]"


def _asset_refs(item: BaseModel) -> Iterable[tuple[str, str | None, str]]:
    assert isinstance(item, AssetIn)
    yield "teams", item.owner_team, "owner_team"
    for i, name in enumerate(item.services):
        yield "services", name, f"services[{i}]"


def _customer_refs(item: BaseModel) -> Iterable[tuple[str, str | None, str]]:
    assert isinstance(item, CustomerIn)
    for i, sla in enumerate(item.slas):
        yield "services", sla.service, f"slas[{i}].service"


def _contact_refs(item: BaseModel) -> Iterable[tuple[str, str | None, str]]:
    assert isinstance(item, ContactIn)
    yield "vendors", item.vendor, "vendor"
    yield "customers", item.customer, "customer"


def _contract_refs(item: BaseModel) -> Iterable[tuple[str, str | None, str]]:
    assert isinstance(item, PlanContract)
    yield "vendors", item.vendor, "vendor"
    for i, hostname in enumerate(item.assets):
        yield "assets", hostname, f"assets[{i}]"
    for i, contact in enumerate(item.escalation):
        yield "contacts", contact.label(), f"escalation[{i}]"


def _rule_refs(item: BaseModel) -> Iterable[tuple[str, str | None, str]]:
    assert isinstance(item, CorrelationRuleIn)
    yield "services", item.service, "service"


REFS: dict[str, Refs] = {
    "services": _service_refs,
    "assets": _asset_refs,
    "customers": _customer_refs,
    "contacts": _contact_refs,
    "contracts": _contract_refs,
    "correlation_rules": _rule_refs,
}


def _unknown(kind: str, wanted: PlanDocument, known: Mapping[str, set[str]]) -> list[PlanProblem]:
    problems = []
    for index, item in enumerate(getattr(wanted, kind) or []):
        for target, name, field in REFS[kind](item):
            if name is not None and name not in known[target]:
                what = SINGULAR.get(target, "team")
                problems.append(PlanProblem(f"{kind}[{index}].{field}", f"unknown {what} {name!r}"))
    return problems


def _cycles(current: PlanDocument, wanted: PlanDocument) -> list[PlanProblem]:
    # Start from the edges the plan keeps, then add the plan's own one by one.
    listed = _graph(wanted)
    graph = {
        name: frozenset() if name in listed else frozenset(needs)
        for name, needs in final_graph(current, wanted).items()
    }
    problems = []
    for index, service in enumerate(wanted.services or []):
        for i, needed in enumerate(service.depends_on):
            loop = find_cycle(graph, service.name, needed)
            if loop is not None:
                detail = "would create a cycle: " + " → ".join(loop)
                problems.append(PlanProblem(f"services[{index}].depends_on[{i}]", detail))
                continue
            graph[service.name] = graph.get(service.name, frozenset()) | {needed}
    return problems


def check_plan(
    current: PlanDocument, wanted: PlanDocument, teams: Iterable[str]
) -> list[PlanProblem]:
    """Every reason ``wanted`` cannot be applied on top of ``current``: records listed twice,
    references to things that will not exist, dependency cycles."""
    known = {kind: _final_keys(kind, current, wanted) for kind in KINDS}
    known["teams"] = set(teams)
    problems = [p for kind in KINDS for p in _duplicates(kind, wanted)]
    for kind in REFS:
        problems += _unknown(kind, wanted, known)
    if not problems:
        problems += _cycles(current, wanted)
    return problems
