"""What ``warroom rule``, ``warroom group`` and ``warroom maintenance`` need, on the local
database (acting as ``--as`` or the first admin, with the role the API route demands: a
manager to write rules and windows, a viewer to read) or over HTTP. Both answer with the API's
documents and raise ``Problem``."""

from __future__ import annotations

from typing import Annotated, Protocol

from pydantic import Field

from warroom.access.rules import Role
from warroom.alerts import alert_groups, correlation_service, maintenance
from warroom.alerts.correlate import rule_spec
from warroom.alerts.correlation_schemas import (
    AlertGroupDetail,
    AlertGroupOut,
    CorrelationRuleIn,
    CorrelationRuleOut,
    DryRunOut,
    MaintenanceWindowIn,
    MaintenanceWindowOut,
)
from warroom.cli.local import LocalBackend
from warroom.cli.remote import RemoteBackend
from warroom.db import make_engine, make_session_factory
from warroom.incidents.schemas import AwareDatetime, Strict

RULES = "/correlation-rules"
WINDOWS = "/maintenance-windows"


class GroupQuery(Strict):
    """The filters of ``GET /api/v1/alert-groups``, under the API's own parameter names."""

    status: Annotated[str | None, Field(pattern="^(open|closed)$")] = None
    service: str | None = None
    incident: str | None = None
    since: AwareDatetime = None
    limit: int = Field(default=100, ge=1, le=500)


class CorrelationBackend(Protocol):
    def timezone(self) -> str: ...
    def rules(self) -> list[CorrelationRuleOut]: ...
    def rule(self, rule_id: int) -> CorrelationRuleOut: ...
    def create_rule(self, data: CorrelationRuleIn) -> CorrelationRuleOut: ...
    def delete_rule(self, rule_id: int) -> CorrelationRuleOut: ...
    def dry_run(self, rule_id: int) -> DryRunOut: ...
    def groups(self, query: GroupQuery) -> list[AlertGroupOut]: ...
    def group(self, group_id: int) -> AlertGroupDetail: ...
    def windows(self, include_past: bool) -> list[MaintenanceWindowOut]: ...
    def create_window(self, data: MaintenanceWindowIn) -> MaintenanceWindowOut: ...
    def delete_window(self, window_id: int) -> None: ...
    def close(self) -> None: ...


class LocalCorrelation(LocalBackend):
    @classmethod
    def on(cls, database_url: str, as_email: str | None = None) -> LocalCorrelation:
        engine = make_engine(database_url)
        return cls(make_session_factory(engine), as_email, engine=engine)

    def rules(self) -> list[CorrelationRuleOut]:
        with self._unit() as (session, _actor):
            rows = correlation_service.list_rules(session=session)
            return [correlation_service.rule_out(r) for r in rows]

    def rule(self, rule_id: int) -> CorrelationRuleOut:
        with self._unit() as (session, _actor):
            found = correlation_service.access_rule(session=session, rule_id=rule_id)
            return correlation_service.rule_out(found)

    def create_rule(self, data: CorrelationRuleIn) -> CorrelationRuleOut:
        with self._unit(Role.manager) as (session, _actor):
            made = correlation_service.do_save_rule(session=session, data=data)
            return correlation_service.rule_out(made)

    def delete_rule(self, rule_id: int) -> CorrelationRuleOut:
        with self._unit(Role.manager) as (session, _actor):
            found = correlation_service.access_rule(session=session, rule_id=rule_id)
            gone = correlation_service.rule_out(found)
            correlation_service.do_delete_rule(session=session, rule=found)
            return gone

    def dry_run(self, rule_id: int) -> DryRunOut:
        with self._unit() as (session, _actor):
            found = correlation_service.access_rule(session=session, rule_id=rule_id)
            spec = rule_spec(found)
            return correlation_service.dry_run(session=session, rule=spec, now=self._clock())

    def groups(self, query: GroupQuery) -> list[AlertGroupOut]:
        wanted = alert_groups.GroupFilter(
            query.status, query.service, query.incident, query.since, query.limit
        )
        with self._unit() as (session, _actor):
            rows = alert_groups.list_groups(session=session, wanted=wanted)
            return [alert_groups.group_out(session=session, group=g) for g in rows]

    def group(self, group_id: int) -> AlertGroupDetail:
        with self._unit() as (session, _actor):
            found = alert_groups.access_group(session=session, group_id=group_id)
            return alert_groups.group_detail(session=session, group=found)

    def windows(self, include_past: bool) -> list[MaintenanceWindowOut]:
        now = self._clock()
        with self._unit() as (session, _actor):
            rows = maintenance.list_windows(session=session, now=now, include_past=include_past)
            return [maintenance.window_out(w, now) for w in rows]

    def create_window(self, data: MaintenanceWindowIn) -> MaintenanceWindowOut:
        with self._unit(Role.manager) as (session, actor):
            made = maintenance.do_create_window(session=session, actor=actor, data=data)
            return maintenance.window_out(made, self._clock())

    def delete_window(self, window_id: int) -> None:
        with self._unit(Role.manager) as (session, _actor):
            found = maintenance.access_window(session=session, window_id=window_id)
            maintenance.do_delete_window(session=session, window=found)


class RemoteCorrelation(RemoteBackend):
    def rules(self) -> list[CorrelationRuleOut]:
        return [CorrelationRuleOut.model_validate(r) for r in self._call("GET", RULES)]

    def rule(self, rule_id: int) -> CorrelationRuleOut:
        return CorrelationRuleOut.model_validate(self._call("GET", f"{RULES}/{rule_id}"))

    def create_rule(self, data: CorrelationRuleIn) -> CorrelationRuleOut:
        body = data.model_dump(mode="json", exclude_none=True)
        return CorrelationRuleOut.model_validate(self._call("POST", RULES, json=body))

    def delete_rule(self, rule_id: int) -> CorrelationRuleOut:
        # The API answers 204 with no body; the rule is read first so the name can be shown.
        gone = self.rule(rule_id)
        self._send("DELETE", f"{RULES}/{rule_id}")
        return gone

    def dry_run(self, rule_id: int) -> DryRunOut:
        return DryRunOut.model_validate(self._call("POST", f"{RULES}/{rule_id}/dry-run"))

    def groups(self, query: GroupQuery) -> list[AlertGroupOut]:
        params = query.model_dump(mode="json", exclude_none=True)
        rows = self._call("GET", "/alert-groups", params=params)
        return [AlertGroupOut.model_validate(r) for r in rows]

    def group(self, group_id: int) -> AlertGroupDetail:
        return AlertGroupDetail.model_validate(self._call("GET", f"/alert-groups/{group_id}"))

    def windows(self, include_past: bool) -> list[MaintenanceWindowOut]:
        params = {"include_past": "true" if include_past else "false"}
        rows = self._call("GET", WINDOWS, params=params)
        return [MaintenanceWindowOut.model_validate(r) for r in rows]

    def create_window(self, data: MaintenanceWindowIn) -> MaintenanceWindowOut:
        body = data.model_dump(mode="json")
        return MaintenanceWindowOut.model_validate(self._call("POST", WINDOWS, json=body))

    def delete_window(self, window_id: int) -> None:
        self._send("DELETE", f"{WINDOWS}/{window_id}")
