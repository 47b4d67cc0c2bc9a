"""What ``warroom statuspage`` needs, on the local database (acting as ``--as`` or the first
admin, with the role the API route demands: a manager to create or delete components, a
responder to set a status or write and approve updates, a viewer to read) or over HTTP. Both
answer with the API's documents and raise ``Problem``."""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import quote

from pydantic import BaseModel

from warroom.access.rules import Role
from warroom.cli.local import LocalBackend
from warroom.cli.remote import RemoteBackend
from warroom.db import make_engine, make_session_factory
from warroom.settings import load_settings
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

COMPONENTS = "/status-components"
PUBLIC = "/public-incidents"


class StatusPageBackend(Protocol):
    def timezone(self) -> str: ...
    def components(self) -> list[ComponentOut]: ...
    def create_component(self, data: ComponentIn) -> ComponentOut: ...
    def edit_component(self, ref: str, data: manage.ComponentPatch) -> ComponentOut: ...
    def delete_component(self, ref: str) -> ComponentOut: ...
    def public_incidents(
        self, open_only: bool | None, incident: str | None
    ) -> list[PublicIncidentOut]: ...
    def public_incident(self, code: str) -> PublicIncidentOut: ...
    def open_public(self, data: PublicIncidentIn) -> PublicIncidentOut: ...
    def add_update(self, code: str, data: UpdateIn) -> PublicIncidentOut: ...
    def approve(self, update_code: str) -> PublicIncidentOut: ...
    def overview(self) -> OverviewOut: ...
    def close(self) -> None: ...


class LocalStatusPage(LocalBackend):
    @classmethod
    def on(cls, database_url: str, as_email: str | None = None) -> LocalStatusPage:
        engine = make_engine(database_url)
        return cls(make_session_factory(engine), as_email, engine=engine)

    def components(self) -> list[ComponentOut]:
        with self._unit() as (session, _actor):
            return components_out(components.list_components(session))

    def overview(self) -> OverviewOut:
        with self._unit() as (session, actor):
            return overview(session, load_settings(), self._clock(), actor)

    def create_component(self, data: ComponentIn) -> ComponentOut:
        with self._unit(Role.manager) as (session, _actor):
            made = components.do_create_component(session=session, data=data, now=self._clock())
            return component_out(session, made)

    def edit_component(self, ref: str, data: manage.ComponentPatch) -> ComponentOut:
        with self._unit(Role.responder) as (session, actor):
            found = components.access_component(session=session, ref=ref)
            manage.do_edit_component(
                session=session, actor=actor, component=found, data=data, now=self._clock()
            )
            return component_out(session, found)

    def delete_component(self, ref: str) -> ComponentOut:
        with self._unit(Role.manager) as (session, _actor):
            found = components.access_component(session=session, ref=ref)
            gone = component_out(session, found)
            components.do_delete_component(session=session, component=found, now=self._clock())
            return gone

    def public_incidents(
        self, open_only: bool | None, incident: str | None
    ) -> list[PublicIncidentOut]:
        number = manage.incident_number(incident)
        with self._unit() as (session, _actor):
            rows = manage.list_public_incidents(session, open_only=open_only, incident_id=number)
            return [public_incident_out(session, p) for p in rows]

    def public_incident(self, code: str) -> PublicIncidentOut:
        with self._unit() as (session, _actor):
            found = publishing.access_public_incident(session=session, ref=code)
            return public_incident_out(session, found)

    def open_public(self, data: PublicIncidentIn) -> PublicIncidentOut:
        with self._unit(Role.responder) as (session, actor):
            public = publishing.do_open(session=session, actor=actor, data=data, now=self._clock())
            return public_incident_out(session, public)

    def add_update(self, code: str, data: UpdateIn) -> PublicIncidentOut:
        with self._unit(Role.responder) as (session, actor):
            public = publishing.access_public_incident(session=session, ref=code)
            publishing.do_add_update(
                session=session, actor=actor, public=public, data=data, now=self._clock()
            )
            return public_incident_out(session, public)

    def approve(self, update_code: str) -> PublicIncidentOut:
        with self._unit(Role.responder) as (session, actor):
            update = publishing.access_update(session=session, ref=update_code)
            public = publishing.do_approve(
                session=session, actor=actor, update=update, now=self._clock()
            )
            return public_incident_out(session, public)


def _path(base: str, ref: str) -> str:
    return f"{base}/{quote(ref.strip(), safe='')}"


def _body(data: BaseModel, *, unset: bool = False) -> dict[str, Any]:
    # A patch sends only what was given: a null there means "clear it".
    if unset:
        return data.model_dump(mode="json", exclude_unset=True)
    return data.model_dump(mode="json", exclude_none=True)


class RemoteStatusPage(RemoteBackend):
    def overview(self) -> OverviewOut:
        return OverviewOut.model_validate(self._call("GET", "/status-overview"))

    def components(self) -> list[ComponentOut]:
        return [ComponentOut.model_validate(r) for r in self._call("GET", COMPONENTS)]

    def create_component(self, data: ComponentIn) -> ComponentOut:
        return ComponentOut.model_validate(self._call("POST", COMPONENTS, json=_body(data)))

    def edit_component(self, ref: str, data: manage.ComponentPatch) -> ComponentOut:
        body = _body(data, unset=True)
        return ComponentOut.model_validate(self._call("PATCH", _path(COMPONENTS, ref), json=body))

    def delete_component(self, ref: str) -> ComponentOut:
        # The API answers 204 with no body; the component is read first so it can be named.
        gone = ComponentOut.model_validate(self._call("GET", _path(COMPONENTS, ref)))
        self._send("DELETE", _path(COMPONENTS, gone.code))
        return gone

    def public_incidents(
        self, open_only: bool | None, incident: str | None
    ) -> list[PublicIncidentOut]:
        params = {} if open_only is None else {"open": "true" if open_only else "false"}
        params |= {"incident": incident} if incident else {}
        rows = self._call("GET", PUBLIC, params=params)
        return [PublicIncidentOut.model_validate(r) for r in rows]

    def public_incident(self, code: str) -> PublicIncidentOut:
        return PublicIncidentOut.model_validate(self._call("GET", _path(PUBLIC, code)))

    def open_public(self, data: PublicIncidentIn) -> PublicIncidentOut:
        return PublicIncidentOut.model_validate(self._call("POST", PUBLIC, json=_body(data)))

    def add_update(self, code: str, data: UpdateIn) -> PublicIncidentOut:
        path = _path(PUBLIC, code) + "/updates"
        return PublicIncidentOut.model_validate(self._call("POST", path, json=_body(data)))

    def approve(self, update_code: str) -> PublicIncidentOut:
        path = _path("/public-updates", update_code) + "/approve"
        return PublicIncidentOut.model_validate(self._call("POST", path))
