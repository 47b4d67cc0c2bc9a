"""Request and response bodies of changes, windows, conflicts and suspects."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from warroom.changes.rules import ChangeState, ChangeType, ConflictSeverity, Reason, Risk
from warroom.incidents.schemas import Email, PersonRef, Strict, Text, Title


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must include a time zone offset, e.g. 2026-11-23T03:10:00Z")
    # Kept in UTC from the start: an answer then shows the same instant as every later read.
    return value.astimezone(UTC)


Aware = Annotated[datetime, AfterValidator(_aware)]
Names = Annotated[list[str], Field(max_length=500)]
Why = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Mark = Literal["suspect", "cause"]


class ChangeCreate(Strict):
    title: Title
    type: ChangeType = ChangeType.normal
    planned_start: Aware
    planned_end: Aware
    services: Names = Field(default_factory=list, description="Service names")
    assets: Names = Field(default_factory=list, description="Asset hostnames")
    description: Text = ""
    backout_plan: Text = ""
    risk: Risk | None = Field(default=None, description="Omit to take the computed suggestion")
    reboot_required: bool = False
    implementer: Email | None = Field(default=None, description="Email of the implementer")
    authority: Email | None = Field(default=None, description="Email of the change authority")
    incident: str | None = Field(default=None, description="The incident an emergency change fixes")
    submit: bool = Field(
        default=False, description="Submit at once (a standard change is approved)"
    )


class ChangeUpdate(Strict):
    version: int | None = Field(default=None, description="The version you last saw")
    title: Title | None = None
    type: ChangeType | None = None
    planned_start: Aware | None = None
    planned_end: Aware | None = None
    actual_start: Aware | None = None
    actual_end: Aware | None = None
    services: Names | None = None
    assets: Names | None = None
    description: Text | None = None
    backout_plan: Text | None = None
    risk: Risk | None = None
    reboot_required: bool | None = None
    implementer: Email | Literal[""] | None = Field(default=None, description='"" clears it')
    authority: Email | Literal[""] | None = Field(default=None, description='"" clears it')
    state: ChangeState | None = None
    override_reason: Why | None = Field(
        default=None, description="Start despite unresolved conflicts, and say why"
    )
    reason: Why | None = Field(default=None, description="Why; recorded on the change's timeline")


class HoldIn(Strict):
    reason: Why
    incident: str | None = Field(default=None, description="The incident that prompts the hold")


class ApprovalIn(Strict):
    decision: Literal["approved", "rejected"] = "approved"
    comment: Text = ""


class MarkIn(Strict):
    mark: Mark
    note: Text = ""


class RiskHintOut(BaseModel):
    code: str
    text: str


class ConflictOut(BaseModel):
    reason: Reason
    severity: ConflictSeverity
    detail: str
    incident: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class ApprovalOut(BaseModel):
    person: PersonRef | None
    decision: str
    comment: str
    decided_at: datetime


class LogOut(BaseModel):
    kind: str
    at: datetime
    actor: PersonRef | None
    text: str
    data: dict[str, Any] = Field(default_factory=dict)


class ScopeOut(BaseModel):
    services: list[str]
    hosts: list[str]
    dependencies: list[str]
    dependents: list[str]


class ChangeOut(BaseModel):
    id: int
    ref: str
    title: str
    type: ChangeType
    state: ChangeState
    held_from: ChangeState | None
    risk: Risk
    suggested_risk: Risk
    risk_hints: list[RiskHintOut]
    reboot_required: bool
    planned_start: datetime
    planned_end: datetime
    actual_start: datetime | None
    actual_end: datetime | None
    services: list[str]
    assets: list[str]
    owner: PersonRef | None
    implementer: PersonRef | None
    authority: PersonRef | None
    incident: str | None
    source: str
    conflicts: list[ConflictOut]
    override_reason: str | None
    override_by: PersonRef | None
    override_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    url: str


class ChangeDetail(ChangeOut):
    description: str
    backout_plan: str
    scope: ScopeOut
    approvals: list[ApprovalOut]
    log: list[LogOut]


class BlockedOut(BaseModel):
    """What a refused start answers with (409)."""

    detail: str
    conflicts: list[ConflictOut]


class WindowIn(Strict):
    name: Title
    kind: Literal["freeze", "maintenance"] = "maintenance"
    starts_at: Aware
    ends_at: Aware
    services: Names = Field(default_factory=list)
    assets: Names = Field(default_factory=list)
    rrule: str | None = Field(
        default=None,
        max_length=500,
        description="Repeat rule (RFC 5545), e.g. FREQ=WEEKLY;BYDAY=SA",
    )
    reason: Text = ""


class WindowOut(BaseModel):
    id: int
    name: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    services: list[str]
    assets: list[str]
    rrule: str | None
    repeat_until: datetime | None
    reason: str
    active: bool
    next: list[tuple[datetime, datetime]] = Field(
        default_factory=list, description="The next occurrences (up to five)"
    )


class AtRiskOut(BaseModel):
    """An upcoming change that touches an incident's scope."""

    change: ChangeOut
    conflict: ConflictOut


class SuspectOut(BaseModel):
    change: ChangeOut
    score: int
    reasons: list[str]
    mark: Mark | None = None
    note: str = ""
    marked_by: PersonRef | None = None


class ChangeEventIn(Strict):
    """A change a deploy tool made: recorded as a completed standard change."""

    summary: Title
    occurred_at: Aware | None = Field(default=None, description="Default: when received")
    services: Names = Field(default_factory=list)
    assets: Names = Field(default_factory=list)
    links: list[dict[str, str]] = Field(default_factory=list, max_length=50)
    details: Text = ""
    external_id: str | None = Field(
        default=None, max_length=255, description="The sender's id: a retry records it once"
    )


class ChangeFeedOut(BaseModel):
    url: str
    webcal: str
