"""JSON routes for services, their dependency graph and blast radius, and lifecycles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from warroom.access.deps import DbSession, Manager, Viewer
from warroom.catalog import lifecycles
from warroom.catalog.schemas import (
    BlastRadiusOut,
    CycleOut,
    LifecycleImport,
    ServiceIn,
    ServiceOut,
    ServicePatch,
)
from warroom.catalog.service import (
    access_service,
    do_delete_service,
    do_patch_service,
    do_save_service,
    list_services,
)
from warroom.catalog.views import blast_radius_out, cycle_out, service_out

router = APIRouter(prefix="/api/v1", tags=["catalog"])


@router.get("/services", response_model=list[ServiceOut])
def list_(session: DbSession, actor: Viewer, q: str | None = None) -> list[ServiceOut]:
    return [service_out(session, s) for s in list_services(session=session, q=q)]


@router.post("/services", status_code=201, response_model=ServiceOut)
def create(body: ServiceIn, session: DbSession, actor: Manager) -> ServiceOut:
    return service_out(session, do_save_service(session=session, data=body))


@router.get("/services/{name}", response_model=ServiceOut)
def show(name: str, session: DbSession, actor: Viewer) -> ServiceOut:
    return service_out(session, access_service(session=session, name=name))


@router.patch("/services/{name}", response_model=ServiceOut)
def patch(name: str, body: ServicePatch, session: DbSession, actor: Manager) -> ServiceOut:
    service = access_service(session=session, name=name)
    return service_out(session, do_patch_service(session=session, service=service, data=body))


@router.delete("/services/{name}", status_code=204)
def delete(name: str, session: DbSession, actor: Manager) -> Response:
    do_delete_service(session=session, service=access_service(session=session, name=name))
    return Response(status_code=204)


@router.get("/services/{name}/blast-radius", response_model=BlastRadiusOut)
def service_blast_radius(name: str, session: DbSession, actor: Viewer) -> BlastRadiusOut:
    service = access_service(session=session, name=name)
    return blast_radius_out(session=session, subject=service.name, services=[service.name])


@router.get("/lifecycles", response_model=list[CycleOut])
def list_lifecycles(
    session: DbSession, actor: Viewer, product: Annotated[str | None, Query()] = None
) -> list[CycleOut]:
    return [cycle_out(r) for r in lifecycles.list_cycles(session=session, product=product)]


@router.post("/lifecycles", status_code=201, response_model=list[CycleOut])
def import_lifecycle(body: LifecycleImport, session: DbSession, actor: Manager) -> list[CycleOut]:
    """Create or update a product's cycles from endoflife.date JSON (API v0 or v1)."""
    rows = lifecycles.do_import_lifecycle(session=session, product=body.product, data=body.data)
    return [cycle_out(r) for r in rows]
