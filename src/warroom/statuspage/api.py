"""JSON routes for running the status page: its components, and public incidents and
maintenances written as drafts and published when the communications lead or the commander
(or a manager) approves. What the public reads is served by ``public_api.py``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from warroom.access.deps import DbSession, Manager, Now, Responder, Viewer
from warroom.statuspage import components, manage, publishing
from warroom.statuspage.answers import OverviewOut
from warroom.statuspage.overview import overview
from warroom.statuspage.present import (
    ComponentOut,
    PublicIncidentOut,
    component_out,
    components_out,
    public_incident_out,
)
from warroom.statuspage.schemas import ComponentIn, PublicIncidentIn, UpdateIn

router = APIRouter(prefix="/api/v1", tags=["status page"])


@router.get("/status-overview", response_model=OverviewOut)
def status_overview(request: Request, session: DbSession, actor: Viewer, at: Now) -> OverviewOut:
    """The private page: each component as the public sees it and what is behind it (its
    service, the internal incidents open there, the public incidents naming it), the updates
    waiting for approval, and the major incidents the public page says nothing about yet."""
    return overview(session, request.app.state.settings, at, actor)


@router.get("/status-components", response_model=list[ComponentOut])
def list_components(session: DbSession, actor: Viewer) -> list[ComponentOut]:
    """In page order, groups and their components alike."""
    return components_out(components.list_components(session))


@router.post("/status-components", status_code=201, response_model=ComponentOut)
def create_component(
    body: ComponentIn, session: DbSession, actor: Manager, at: Now
) -> ComponentOut:
    made = components.do_create_component(session=session, data=body, now=at)
    return component_out(session, made)


@router.get("/status-components/{ref}", response_model=ComponentOut)
def show_component(ref: str, session: DbSession, actor: Viewer) -> ComponentOut:
    """By code, name or id."""
    return component_out(session, components.access_component(session=session, ref=ref))


@router.patch("/status-components/{ref}", response_model=ComponentOut)
def edit_component(
    ref: str, body: manage.ComponentPatch, session: DbSession, actor: Responder, at: Now
) -> ComponentOut:
    """``{"status": "partial_outage"}`` from a responder (recorded in the component's history);
    any other field needs a manager."""
    found = components.access_component(session=session, ref=ref)
    manage.do_edit_component(session=session, actor=actor, component=found, data=body, now=at)
    return component_out(session, found)


@router.delete("/status-components/{ref}", status_code=204, response_class=Response)
def delete_component(ref: str, session: DbSession, actor: Manager, at: Now) -> Response:
    found = components.access_component(session=session, ref=ref)
    components.do_delete_component(session=session, component=found, now=at)
    return Response(status_code=204)


@router.get("/public-incidents", response_model=list[PublicIncidentOut])
def list_public_incidents(
    session: DbSession,
    actor: Viewer,
    open_only: Annotated[
        bool | None, Query(alias="open", description="true: not yet resolved; false: ended")
    ] = None,
    incident: Annotated[str | None, Query(description="Only those about INC-n")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[PublicIncidentOut]:
    """Newest first, drafts included."""
    rows = manage.list_public_incidents(
        session, open_only=open_only, incident_id=manage.incident_number(incident), limit=limit
    )
    return [public_incident_out(session, p) for p in rows]


@router.post("/public-incidents", status_code=201, response_model=PublicIncidentOut)
def open_public_incident(
    body: PublicIncidentIn, session: DbSession, actor: Responder, at: Now
) -> PublicIncidentOut:
    """A public incident (or a maintenance, with its window) whose first update waits, as a
    draft, for approval; ``incident`` ties it to the internal one."""
    public = publishing.do_open(session=session, actor=actor, data=body, now=at)
    return public_incident_out(session, public)


@router.get("/public-incidents/{code}", response_model=PublicIncidentOut)
def show_public_incident(code: str, session: DbSession, actor: Viewer) -> PublicIncidentOut:
    return public_incident_out(
        session, publishing.access_public_incident(session=session, ref=code)
    )


@router.post("/public-incidents/{code}/updates", status_code=201, response_model=PublicIncidentOut)
def add_update(
    code: str, body: UpdateIn, session: DbSession, actor: Responder, at: Now
) -> PublicIncidentOut:
    """A draft update (the first in ``updates``, newest first), published once approved."""
    public = publishing.access_public_incident(session=session, ref=code)
    publishing.do_add_update(session=session, actor=actor, public=public, data=body, now=at)
    return public_incident_out(session, public)


@router.post("/public-updates/{code}/approve", response_model=PublicIncidentOut)
def approve_update(code: str, session: DbSession, actor: Responder, at: Now) -> PublicIncidentOut:
    """Publish the update: the incident's communications lead or commander, or a manager (its
    writer only as the commander). Anyone else gets 403."""
    update = publishing.access_update(session=session, ref=code)
    public = publishing.do_approve(session=session, actor=actor, update=update, now=at)
    return public_incident_out(session, public)
