"""Request and response bodies of the integrations and alerts API (never the ORM classes)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from warroom.alerts.models import Alert, Integration
from warroom.alerts.rules import AlertSeverity, AlertStatus, IntegrationKind
from warroom.incidents.schemas import Strict

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class IntegrationCreate(Strict):
    kind: IntegrationKind
    name: Name
    service: str | None = Field(default=None, description="Alerts without an asset's service")
    config: dict[str, Any] = Field(
        default_factory=dict,
        description="generic: the field mapping; heartbeat: interval_seconds, grace_seconds",
    )


class IntegrationOut(BaseModel):
    id: int
    kind: IntegrationKind
    name: str
    service: str | None
    key_hint: str
    enabled: bool
    config: dict[str, Any]
    created_at: datetime
    last_seen_at: datetime | None
    endpoint: str = Field(description="Where the sender posts, the routing key in place of {key}")


class IntegrationCreated(IntegrationOut):
    routing_key: str = Field(description="Shown only now; store it in the sender's config")


ENDPOINTS = {
    IntegrationKind.alertmanager: "/api/v1/integrations/alertmanager/{key}",
    IntegrationKind.grafana: "/api/v1/integrations/grafana/{key}",
    IntegrationKind.generic: "/api/v1/integrations/generic/{key}",
    IntegrationKind.heartbeat: "/api/v1/integrations/heartbeat/{key}",
    IntegrationKind.pagerduty: "/v2/enqueue (routing_key in the body)",
}


def integration_out(row: Integration) -> IntegrationOut:
    kind = IntegrationKind(row.kind)
    return IntegrationOut(
        id=row.id,
        kind=kind,
        name=row.name,
        service=row.service.name if row.service else None,
        key_hint=row.key_hint,
        enabled=row.enabled,
        config=dict(row.config or {}),
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        endpoint=ENDPOINTS[kind],
    )


class AlertOut(BaseModel):
    id: int
    integration: str
    dedup_key: str
    fingerprint: str | None
    summary: str
    severity: AlertSeverity
    status: AlertStatus
    event: str
    source: str
    count: int
    first_seen: datetime
    last_seen: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    asset: str | None
    service: str | None
    group_id: int | None
    expected: bool
    flapping: bool
    labels: dict[str, Any]


class AlertDetail(AlertOut):
    details: dict[str, Any]
    links: list[Any]
    state_changes: list[str]
    raw: dict[str, Any]


def alert_out(row: Alert) -> AlertOut:
    return AlertOut.model_validate(_alert_fields(row))


def alert_detail(row: Alert) -> AlertDetail:
    fields = _alert_fields(row)
    fields.update(
        details=row.details or {},
        links=row.links or [],
        state_changes=row.state_changes or [],
        raw=row.raw or {},
    )
    return AlertDetail.model_validate(fields)


def _alert_fields(row: Alert) -> dict[str, Any]:
    names = (
        *("id", "dedup_key", "fingerprint", "summary", "severity", "status", "event"),
        *("source", "count", "first_seen", "last_seen", "acknowledged_at", "resolved_at"),
        *("group_id", "expected", "flapping"),
    )
    fields = {name: getattr(row, name) for name in names}
    fields.update(
        integration=row.integration.name,
        asset=row.asset.hostname if row.asset else None,
        service=row.service.name if row.service else None,
        labels=row.labels or {},
    )
    return fields
