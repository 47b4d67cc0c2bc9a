"""JSON routes for correlation rules (and their dry run), alert groups, and maintenance
windows. Rules and windows change what escalates, so writing them needs a manager;
declaring from a group is a responder's call; reading is for everyone signed in."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from warroom.access.deps import DbSession, Manager, Now, Responder, Viewer
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
from warroom.incidents.present import incident_out
from warroom.incidents.rules import Severity
from warroom.incidents.schemas import IncidentOut

router = APIRouter(prefix="/api/v1", tags=["correlation"])


@router.get("/correlation-rules", response_model=list[CorrelationRuleOut])
def list_rules(session: DbSession, actor: Viewer) -> list[CorrelationRuleOut]:
    """In the order they are applied (``position``, then id)."""
    return [
        correlation_service.rule_out(r) for r in correlation_service.list_rules(session=session)
    ]


@router.post("/correlation-rules", status_code=201, response_model=CorrelationRuleOut)
def create_rule(body: CorrelationRuleIn, session: DbSession, actor: Manager) -> CorrelationRuleOut:
    rule = correlation_service.do_save_rule(session=session, data=body)
    return correlation_service.rule_out(rule)


@router.post("/correlation-rules/dry-run", response_model=DryRunOut)
def dry_run_body(body: CorrelationRuleIn, session: DbSession, actor: Viewer, at: Now) -> DryRunOut:
    """What this unsaved rule would have done with the last 24 hours of alerts."""
    spec = correlation_service.spec_of(session=session, data=body)
    return correlation_service.dry_run(session=session, rule=spec, now=at)


@router.get("/correlation-rules/{rule_id}", response_model=CorrelationRuleOut)
def show_rule(rule_id: int, session: DbSession, actor: Viewer) -> CorrelationRuleOut:
    rule = correlation_service.access_rule(session=session, rule_id=rule_id)
    return correlation_service.rule_out(rule)


@router.put("/correlation-rules/{rule_id}", response_model=CorrelationRuleOut)
def replace_rule(
    rule_id: int, body: CorrelationRuleIn, session: DbSession, actor: Manager
) -> CorrelationRuleOut:
    rule = correlation_service.access_rule(session=session, rule_id=rule_id)
    rule = correlation_service.do_save_rule(session=session, data=body, existing=rule)
    return correlation_service.rule_out(rule)


@router.delete("/correlation-rules/{rule_id}", status_code=204)
def delete_rule(rule_id: int, session: DbSession, actor: Manager) -> Response:
    rule = correlation_service.access_rule(session=session, rule_id=rule_id)
    correlation_service.do_delete_rule(session=session, rule=rule)
    return Response(status_code=204)


@router.post("/correlation-rules/{rule_id}/dry-run", response_model=DryRunOut)
def dry_run_saved(rule_id: int, session: DbSession, actor: Viewer, at: Now) -> DryRunOut:
    """What this rule would have done with the last 24 hours of alerts; writes nothing."""
    rule = correlation_service.access_rule(session=session, rule_id=rule_id)
    return correlation_service.dry_run(session=session, rule=rule_spec(rule), now=at)


@router.get("/alert-groups", response_model=list[AlertGroupOut])
def list_groups(
    session: DbSession,
    actor: Viewer,
    status: Annotated[str | None, Query(pattern="^(open|closed)$")] = None,
    service: str | None = None,
    incident: Annotated[str | None, Query(description="INC-42 or 42")] = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AlertGroupOut]:
    """Most recently active first; ``since`` keeps groups active at or after that time."""
    wanted = alert_groups.GroupFilter(status, service, incident, since, limit)
    rows = alert_groups.list_groups(session=session, wanted=wanted)
    return [alert_groups.group_out(session=session, group=g) for g in rows]


@router.get("/alert-groups/{group_id}", response_model=AlertGroupDetail)
def show_group(group_id: int, session: DbSession, actor: Viewer) -> AlertGroupDetail:
    group = alert_groups.access_group(session=session, group_id=group_id)
    return alert_groups.group_detail(session=session, group=group)


class DeclareFromGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    severity: Severity | None = Field(default=None, description="Default: the proposed one")
    title: Annotated[str | None, Field(min_length=1, max_length=300)] = None


@router.post("/alert-groups/{group_id}/declare", status_code=201, response_model=IncidentOut)
def declare_from_group(
    group_id: int,
    session: DbSession,
    actor: Responder,
    at: Now,
    body: DeclareFromGroup | None = None,
) -> IncidentOut:
    """Declare an incident from these alerts; 409 when the group already has one."""
    body = body or DeclareFromGroup()
    group = alert_groups.access_group(session=session, group_id=group_id)
    incident = alert_groups.do_declare_from_group(
        session=session, actor=actor, group=group, severity=body.severity, title=body.title, now=at
    )
    return incident_out(session, incident)


@router.get("/maintenance-windows", response_model=list[MaintenanceWindowOut])
def list_windows(
    session: DbSession, actor: Viewer, at: Now, include_past: bool = False
) -> list[MaintenanceWindowOut]:
    rows = maintenance.list_windows(session=session, now=at, include_past=include_past)
    return [maintenance.window_out(w, at) for w in rows]


@router.post("/maintenance-windows", status_code=201, response_model=MaintenanceWindowOut)
def create_window(
    body: MaintenanceWindowIn, session: DbSession, actor: Manager, at: Now
) -> MaintenanceWindowOut:
    window = maintenance.do_create_window(session=session, actor=actor, data=body)
    return maintenance.window_out(window, at)


@router.delete("/maintenance-windows/{window_id}", status_code=204)
def delete_window(window_id: int, session: DbSession, actor: Manager) -> Response:
    window = maintenance.access_window(session=session, window_id=window_id)
    maintenance.do_delete_window(session=session, window=window)
    return Response(status_code=204)
