"""Request and response bodies of the incident API (never the ORM classes)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from warroom.incidents.rules import IncidentRole, Kind, Severity, Status, TaskStatus
from warroom.security.rules import Phase

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=320)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("must include a time zone offset, e.g. 2026-11-23T03:10:00Z")
    return value


AwareDatetime = Annotated[datetime | None, AfterValidator(_aware)]
T = TypeVar("T")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IncidentCreate(Strict):
    title: Title
    description: Text = ""
    kind: Kind = Kind.service
    severity: Severity
    services: list[str] = Field(default_factory=list, max_length=100)
    commander: Email | None = Field(default=None, description="Email of the incident commander")
    started_at: AwareDatetime = None
    detected_at: AwareDatetime = None
    restricted: bool | None = Field(
        default=None,
        description="Seen only by its members and the security team (default: security incidents)",
    )


class IncidentUpdate(Strict):
    version: int | None = Field(
        default=None, description="The version you last saw; a stale one is answered with 409"
    )
    title: Title | None = None
    description: Text | None = None
    severity: Severity | None = None
    status: Status | None = None
    services: list[str] | None = Field(default=None, max_length=100)
    started_at: AwareDatetime = None
    detected_at: AwareDatetime = None
    acknowledged_at: AwareDatetime = None
    mitigated_at: AwareDatetime = None
    resolved_at: AwareDatetime = None
    restricted: bool | None = Field(
        default=None, description="Restrict to members and the security team, or lift it"
    )
    message: Text | None = Field(default=None, description="Why; recorded on the timeline")


class PersonRef(BaseModel):
    id: int
    name: str
    email: str


class RoleOut(BaseModel):
    id: int
    role: IncidentRole
    label: str
    person: PersonRef
    assigned_at: datetime


class ParticipantOut(BaseModel):
    id: int
    person: PersonRef
    reason: str
    joined_at: datetime
    released_at: datetime | None
    time_to_innocence_seconds: float | None


class TaskOut(BaseModel):
    id: int
    title: str
    status: TaskStatus
    assignee: PersonRef | None
    due_at: datetime | None
    created_at: datetime
    completed_at: datetime | None


class IncidentOut(BaseModel):
    ref: str
    title: str
    description: str
    kind: Kind
    severity: Severity
    status: Status
    services: list[str]
    reporter: PersonRef | None
    commander: PersonRef | None
    declared_at: datetime
    updated_at: datetime
    started_at: datetime | None
    detected_at: datetime | None
    acknowledged_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    restricted: bool
    version: int


class IncidentDetail(IncidentOut):
    roles: list[RoleOut]
    participants: list[ParticipantOut]
    tasks: list[TaskOut]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class NoteCreate(Strict):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
    occurred_at: AwareDatetime = Field(
        default=None, description="When it happened, if earlier than now (back-dating)"
    )


class TimelineEventOut(BaseModel):
    id: int
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    actor: PersonRef | None
    text: str
    before: str | None
    after: str | None
    data: dict[str, Any]


class RoleAssign(Strict):
    role: IncidentRole
    person: Email


class ParticipantAdd(Strict):
    person: Email
    reason: Reason


class TaskCreate(Strict):
    title: Title
    assignee: Email | None = None
    due_at: AwareDatetime = None


class TaskUpdate(Strict):
    title: Title | None = None
    status: TaskStatus | None = None
    assignee: Email | None = None
    due_at: AwareDatetime = None
    clear_assignee: bool = False


class TemplateItem(Strict):
    title: Title
    role: IncidentRole | None = None
    due_minutes: int | None = Field(default=None, ge=0, le=60 * 24 * 30)


class TemplateIn(Strict):
    name: Title
    kind: Kind
    severities: list[Severity] = Field(min_length=1)
    items: list[TemplateItem] = Field(min_length=1, max_length=100)
    auto_apply: bool = True
    phase: Phase | None = Field(
        default=None,
        description="A security playbook: applied when the incident enters this NIST phase "
        "(detection_analysis: at declaration) instead of at declaration",
    )


class TemplateOut(BaseModel):
    id: int
    name: str
    kind: Kind
    severities: list[Severity]
    items: list[TemplateItem]
    auto_apply: bool
    phase: Phase | None


class ApplyTemplate(Strict):
    template_id: int
