"""Service use cases: the catalog's services and their dependency graph.
The caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Team
from warroom.catalog.models import Service, ServiceDependency
from warroom.catalog.rules import find_cycle
from warroom.catalog.schemas import ServiceIn, ServicePatch
from warroom.errors import Conflict, InvalidInput, NotFound


def do_create_service(
    *, session: Session, name: str, tier: int, owner_team: Team | None = None
) -> Service:
    if not 1 <= tier <= 4:
        raise InvalidInput("tier", "must be 1 (business-critical) to 4 (experimental)")
    if session.scalar(select(Service.id).where(Service.name == name)) is not None:
        raise Conflict(f"a service named {name} already exists")
    service = Service(name=name, tier=tier, owner_team=owner_team)
    session.add(service)
    session.flush()
    return service


def check_services(
    *, session: Session, names: Sequence[str], field: str = "services"
) -> list[Service]:
    """Resolve service names, naming the first unknown one in the error."""
    wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    if not wanted:
        return []
    found = {s.name: s for s in session.scalars(select(Service).where(Service.name.in_(wanted)))}
    for name in wanted:
        if name not in found:
            raise InvalidInput(field, f"unknown service {name!r}")
    return [found[n] for n in wanted]


def check_team(*, session: Session, name: str | None, field: str = "owner_team") -> Team | None:
    if not name:
        return None
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        raise InvalidInput(field, f"unknown team {name!r}")
    return team


def access_service(*, session: Session, name: str) -> Service:
    service = session.scalar(select(Service).where(Service.name == name))
    if service is None:
        raise NotFound(f"no service {name!r}")
    return service


def list_services(*, session: Session, q: str | None = None) -> list[Service]:
    query = select(Service).order_by(Service.tier, Service.name)
    if q:
        query = query.where(Service.name.ilike(f"%{q}%") | Service.description.ilike(f"%{q}%"))
    return list(session.scalars(query))


def dependency_graph(*, session: Session) -> dict[str, frozenset[str]]:
    """Each service name and the names it depends on, from one query."""
    rows = session.execute(select(Service.id, Service.name)).all()
    names = {row.id: row.name for row in rows}
    graph: dict[str, set[str]] = {name: set() for name in names.values()}
    edges = session.execute(select(ServiceDependency.service_id, ServiceDependency.depends_on_id))
    for service_id, needed_id in edges:
        graph[names[service_id]].add(names[needed_id])
    return {k: frozenset(v) for k, v in graph.items()}


def _set_dependencies(session: Session, service: Service, names: Sequence[str]) -> None:
    needed = check_services(session=session, names=names, field="depends_on")
    graph = dict(dependency_graph(session=session))
    graph[service.name] = frozenset()  # the service's old edges are being replaced
    for other in needed:
        loop = find_cycle(graph, service.name, other.name)
        if loop is not None:
            raise InvalidInput("depends_on", "would create a cycle: " + " → ".join(loop))
        graph[service.name] |= {other.name}
    service.depends_on = needed


def do_save_service(
    *, session: Session, data: ServiceIn, existing: Service | None = None
) -> Service:
    """Create a service, or replace every field of ``existing`` (used by plan apply)."""
    clash = session.scalar(select(Service).where(Service.name == data.name))
    if clash is not None and clash is not existing:
        raise Conflict(f"a service named {data.name} already exists")
    service = existing or Service(name=data.name)
    service.name, service.tier = data.name, data.tier
    service.owner_team = check_team(session=session, name=data.owner_team)
    service.description, service.runbook = data.description, data.runbook
    session.add(service)
    session.flush()
    _set_dependencies(session, service, data.depends_on)
    session.flush()
    return service


def do_patch_service(*, session: Session, service: Service, data: ServicePatch) -> Service:
    given = data.model_dump(exclude_unset=True)
    if "tier" in given and given["tier"] is not None:
        service.tier = given["tier"]
    if "owner_team" in given:
        service.owner_team = check_team(session=session, name=given["owner_team"])
    for field in ("description", "runbook"):
        if given.get(field) is not None:
            setattr(service, field, given[field])
    if given.get("depends_on") is not None:
        _set_dependencies(session, service, given["depends_on"])
    session.flush()
    return service


def do_delete_service(*, session: Session, service: Service) -> None:
    used_by = sorted(
        n for n, needs in dependency_graph(session=session).items() if service.name in needs
    )
    if used_by:
        raise Conflict(f"{service.name} is a dependency of {', '.join(used_by)}")
    session.delete(service)
