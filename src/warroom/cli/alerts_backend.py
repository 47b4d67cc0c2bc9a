"""What ``warroom integration`` and ``warroom alert`` need, on the local database (acting as
``--as`` or the first admin, with the role the API route demands) or over HTTP. Both answer
with the API's documents and raise ``Problem``."""

from __future__ import annotations

from typing import Protocol

from pydantic import Field

from warroom.access.rules import Role
from warroom.alerts import integrations as integ
from warroom.alerts.manage import (
    AlertFilter,
    access_alert,
    do_acknowledge,
    do_resolve,
    list_alerts,
)
from warroom.alerts.rules import AlertSeverity, AlertStatus
from warroom.alerts.schemas import (
    AlertDetail,
    AlertOut,
    IntegrationCreate,
    IntegrationCreated,
    IntegrationOut,
    alert_detail,
    alert_out,
    integration_out,
)
from warroom.cli.local import LocalBackend
from warroom.cli.remote import RemoteBackend
from warroom.db import make_engine, make_session_factory
from warroom.incidents.schemas import AwareDatetime, Page, Strict


class AlertQuery(Strict):
    """The filters of ``GET /api/v1/alerts``, under the API's own parameter names."""

    status: list[AlertStatus] = Field(default_factory=list)
    severity: list[AlertSeverity] = Field(default_factory=list)
    service: str | None = None
    asset: str | None = None
    integration: str | None = None
    since: AwareDatetime = None
    cursor: str | None = None
    limit: int = Field(default=50, ge=1, le=200)


class AlertsBackend(Protocol):
    def timezone(self) -> str: ...
    def create_integration(self, data: IntegrationCreate) -> IntegrationCreated: ...
    def integrations(self) -> list[IntegrationOut]: ...
    def alerts(self, query: AlertQuery) -> Page[AlertOut]: ...
    def acknowledge(self, alert_id: int) -> AlertDetail: ...
    def resolve(self, alert_id: int) -> AlertDetail: ...
    def close(self) -> None: ...


class LocalAlerts(LocalBackend):
    @classmethod
    def on(cls, database_url: str, as_email: str | None = None) -> LocalAlerts:
        engine = make_engine(database_url)
        return cls(make_session_factory(engine), as_email, engine=engine)

    def create_integration(self, data: IntegrationCreate) -> IntegrationCreated:
        with self._unit(Role.manager) as (session, _actor):
            row, key = integ.do_create_integration(
                session=session,
                kind=data.kind,
                name=data.name,
                now=self._clock(),
                service=data.service,
                config=data.config,
            )
            session.refresh(row)
            return IntegrationCreated(**integration_out(row).model_dump(), routing_key=key)

    def integrations(self) -> list[IntegrationOut]:
        with self._unit(Role.manager) as (session, _actor):
            return [integration_out(r) for r in integ.list_integrations(session=session)]

    def alerts(self, query: AlertQuery) -> Page[AlertOut]:
        wanted = AlertFilter(
            tuple(query.status),
            tuple(query.severity),
            query.service,
            query.asset,
            query.integration,
            query.since,
        )
        with self._unit() as (session, _actor):
            rows, nxt = list_alerts(
                session=session, wanted=wanted, cursor=query.cursor, limit=query.limit
            )
            return Page[AlertOut](items=[alert_out(r) for r in rows], next_cursor=nxt)

    def acknowledge(self, alert_id: int) -> AlertDetail:
        with self._unit(Role.responder) as (session, actor):
            found = access_alert(session=session, alert_id=alert_id)
            done = do_acknowledge(session=session, alert=found, actor=actor, now=self._clock())
            return alert_detail(done)

    def resolve(self, alert_id: int) -> AlertDetail:
        with self._unit(Role.responder) as (session, actor):
            found = access_alert(session=session, alert_id=alert_id)
            done = do_resolve(session=session, alert=found, actor=actor, now=self._clock())
            return alert_detail(done)


class RemoteAlerts(RemoteBackend):
    def create_integration(self, data: IntegrationCreate) -> IntegrationCreated:
        body = data.model_dump(mode="json", exclude_none=True)
        return IntegrationCreated.model_validate(self._call("POST", "/integrations", json=body))

    def integrations(self) -> list[IntegrationOut]:
        return [IntegrationOut.model_validate(r) for r in self._call("GET", "/integrations")]

    def alerts(self, query: AlertQuery) -> Page[AlertOut]:
        params = query.model_dump(mode="json", exclude_none=True)
        return Page[AlertOut].model_validate(self._call("GET", "/alerts", params=params))

    def acknowledge(self, alert_id: int) -> AlertDetail:
        return AlertDetail.model_validate(self._call("POST", f"/alerts/{alert_id}/acknowledge"))

    def resolve(self, alert_id: int) -> AlertDetail:
        return AlertDetail.model_validate(self._call("POST", f"/alerts/{alert_id}/resolve"))
