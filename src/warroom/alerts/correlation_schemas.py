"""Request and response bodies of correlation rules, alert groups and maintenance windows."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from warroom.alerts.correlation_rules import check_group_by

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Host = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]


def _group_by(value: list[str]) -> list[str]:
    problem = check_group_by(value)
    if problem:
        raise ValueError(problem)
    return value


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must include a time zone offset, e.g. 2026-11-23T03:10:00Z")
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]


class CorrelationRuleIn(BaseModel):
    """A rule as written in a POST body or in the plan file (``service`` by name)."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    service: Name | None = Field(default=None, description="Only this service's alerts")
    group_by: Annotated[list[str], AfterValidator(_group_by)] = Field(
        default_factory=lambda: ["event"],
        max_length=10,
        description="event, source, severity, service, or labels.<name>",
    )
    window_seconds: int = Field(default=900, ge=10, le=7 * 24 * 3600)
    min_alerts: int | None = Field(default=None, ge=1)
    min_assets: int | None = Field(default=None, ge=1)
    min_share: float | None = Field(default=None, gt=0, le=1)
    open_incident: bool = True
    enabled: bool = True
    position: int = Field(default=100, ge=0, le=100_000)


class CorrelationRuleOut(CorrelationRuleIn):
    id: int


class GroupedAlert(BaseModel):
    id: int
    summary: str
    severity: str
    status: str
    source: str
    host: str
    expected: bool
    flapping: bool
    last_seen: datetime


class AlertGroupOut(BaseModel):
    id: int
    rule: str
    title: str
    status: str
    values: dict[str, str]
    service: str | None
    first_seen: datetime
    last_seen: datetime
    alert_count: int
    asset_count: int
    escalating_alerts: int
    escalating_assets: int
    proposed_severity: str | None
    threshold_met_at: datetime | None
    incident: str | None


class AlertGroupDetail(AlertGroupOut):
    hosts: list[str]
    alerts: list[GroupedAlert]


class DryRunGroup(BaseModel):
    title: str
    values: dict[str, str]
    first_seen: datetime
    last_seen: datetime
    alert_count: int
    asset_count: int
    hosts: list[str]
    threshold_met_at: datetime | None
    proposed_severity: str | None
    opens_incident: bool


class DryRunOut(BaseModel):
    rule: str
    since: datetime
    until: datetime
    alerts_seen: int
    groups: list[DryRunGroup]
    incidents: int = Field(description="How many incidents the rule would have opened")


class MaintenanceWindowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    assets: list[Host] = Field(default_factory=list, max_length=5000)
    services: list[Name] = Field(default_factory=list, max_length=500)


class MaintenanceWindowOut(MaintenanceWindowIn):
    id: int
    active: bool
