"""JSON routes for the service catalog."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from warroom.access.deps import DbSession, Manager, Viewer
from warroom.access.models import Team
from warroom.catalog.models import Service
from warroom.catalog.schemas import ServiceIn, ServiceOut
from warroom.catalog.service import do_create_service, list_services
from warroom.errors import InvalidInput

router = APIRouter(prefix="/api/v1/services", tags=["catalog"])


def service_out(s: Service) -> ServiceOut:
    return ServiceOut(
        id=s.id, name=s.name, tier=s.tier, owner_team=s.owner_team.name if s.owner_team else None
    )


@router.get("", response_model=list[ServiceOut])
def list_(session: DbSession, actor: Viewer) -> list[ServiceOut]:
    return [service_out(s) for s in list_services(session=session)]


@router.post("", status_code=201, response_model=ServiceOut)
def create(body: ServiceIn, session: DbSession, actor: Manager) -> ServiceOut:
    team = None
    if body.owner_team:
        team = session.scalar(select(Team).where(Team.name == body.owner_team))
        if team is None:
            raise InvalidInput("owner_team", f"unknown team {body.owner_team!r}")
    return service_out(
        do_create_service(session=session, name=body.name, tier=body.tier, owner_team=team)
    )
