"""Catalog use cases. The caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Team
from warroom.catalog.models import Service
from warroom.errors import Conflict, InvalidInput


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


def list_services(*, session: Session) -> list[Service]:
    return list(session.scalars(select(Service).order_by(Service.tier, Service.name)))
