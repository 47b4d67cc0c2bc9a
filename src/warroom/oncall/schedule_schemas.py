"""Request and response bodies of schedules, their overrides, and who is on call."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from warroom.oncall.schedule_rules import Rotation

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=320)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must include a time zone offset, e.g. 2026-11-23T09:00:00Z")
    return value.astimezone(UTC)


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RestrictionIn(Strict):
    """On from ``start`` to ``end`` (local wall time) on ``days``; an ``end`` at or before
    ``start`` runs past midnight."""

    days: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        default_factory=lambda: list(range(7)), description="Monday is 0, Sunday 6"
    )
    start: time = Field(description="HH:MM")
    end: time = Field(description="HH:MM")


class LayerIn(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    rotation: Rotation = Rotation.weekly
    shift_seconds: int | None = Field(
        default=None, gt=0, description="Custom rotations only (hourly, daily, weekly: implied)"
    )
    shift_hours: float | None = Field(
        default=None, gt=0, description="Or the custom shift in hours"
    )
    starts: datetime = Field(
        description="First handoff as local wall time in ``timezone``, e.g. 2026-11-02T09:00"
    )
    timezone: str | None = Field(default=None, description="IANA zone; default the schedule's")
    participants: list[Email] = Field(
        default_factory=list, max_length=200, description="People's emails, in rotation order"
    )
    restrictions: list[RestrictionIn] = Field(default_factory=list, max_length=50)
    ends_at: AwareDatetime | None = None


class ScheduleIn(Strict):
    name: Name
    description: Annotated[str, StringConstraints(max_length=10_000)] = ""
    timezone: str = Field(default="UTC", description="IANA time zone, e.g. Europe/Paris")
    layers: list[LayerIn] = Field(
        default_factory=list, max_length=20, description="Later layers win where they overlap"
    )


class SchedulePatch(Strict):
    """Only the fields given change; ``layers``, when given, replaces them all."""

    name: Name | None = None
    description: Annotated[str | None, StringConstraints(max_length=10_000)] = None
    timezone: str | None = None
    layers: list[LayerIn] | None = Field(default=None, max_length=20)


class PersonRef(BaseModel):
    id: int
    name: str
    email: str


class LayerOut(BaseModel):
    name: str
    rotation: Rotation
    shift_seconds: int
    starts: datetime = Field(description="Local wall time in ``timezone``")
    timezone: str
    participants: list[str]
    restrictions: list[RestrictionIn]
    ends_at: datetime | None


class OverrideIn(Strict):
    person: Email = Field(description="Who covers the whole schedule, by email")
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    note: Note = ""


class OverrideOut(BaseModel):
    id: int
    person: PersonRef
    starts_at: datetime
    ends_at: datetime
    note: str


class ScheduleOut(BaseModel):
    id: int
    name: str
    description: str
    timezone: str
    layers: list[LayerOut]
    overrides: list[OverrideOut] = Field(description="Those not yet ended, soonest first")
    created_at: datetime


class ScheduleRef(BaseModel):
    id: int
    name: str


class ShiftOut(BaseModel):
    person: PersonRef
    starts_at: datetime
    ends_at: datetime
    source: Literal["layer", "override"]
    layer: str | None = Field(description="The layer's name (or 'layer N'); null for overrides")


class GapOut(BaseModel):
    starts_at: datetime
    ends_at: datetime


class OnCallOut(BaseModel):
    schedule: ScheduleRef
    at: datetime
    person: PersonRef | None = Field(description="Null in a gap")
    source: Literal["layer", "override"] | None
    until: datetime | None = Field(description="When this shift hands over (null in a gap)")


class ReachedPerson(BaseModel):
    person: PersonRef
    via: str = Field(description="'schedule <name>', 'person' or 'team <name>'")


class ServiceOnCallOut(BaseModel):
    service: str
    policy: str | None = Field(description="Its escalation policy; null when it has none")
    people: list[ReachedPerson] = Field(description="Whom its first step pages at ``at``")


class OnCallBoard(BaseModel):
    at: datetime
    schedules: list[OnCallOut]
    services: list[ServiceOnCallOut]


class SkippedEvent(BaseModel):
    uid: str
    summary: str
    reason: str


class ImportOut(BaseModel):
    imported: int
    overrides: list[OverrideOut]
    skipped: list[SkippedEvent]
