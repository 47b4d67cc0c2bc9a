"""Request and response bodies of the escalation-policy and paging-route API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, model_validator

from warroom.incidents.schemas import Email, Strict

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class TargetIn(Strict):
    """Exactly one of ``{"person": email}``, ``{"schedule": name}`` or ``{"team": name}``."""

    person: Email | None = None
    schedule: Name | None = None
    team: Name | None = None

    @model_validator(mode="after")
    def _one(self) -> TargetIn:
        given = [v for v in (self.person, self.schedule, self.team) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of person, schedule or team")
        return self


class StepIn(Strict):
    delay_minutes: int = Field(
        default=15, ge=0, le=1440, description="Minutes to wait for an acknowledgement"
    )
    targets: list[TargetIn] = Field(min_length=1, max_length=20)


class PolicyIn(Strict):
    name: Name
    description: Annotated[str, StringConstraints(max_length=5000)] = ""
    repeat: int = Field(default=0, ge=0, le=9, description="Times the steps run again")
    steps: list[StepIn] = Field(min_length=1, max_length=20)


class TargetOut(BaseModel):
    kind: str
    id: int
    name: str
    email: str | None = None


class StepOut(BaseModel):
    position: int
    delay_minutes: int
    targets: list[TargetOut]


class PolicyOut(BaseModel):
    id: int
    name: str
    description: str
    repeat: int
    steps: list[StepOut]
    services: list[str]
    routes: list[str]
    created_at: datetime
    updated_at: datetime


class ServicePolicyIn(Strict):
    policy: Name


class ServicePolicyOut(BaseModel):
    service: str
    policy: str


class RoutesIn(Strict):
    """The whole routing; a route left out (or null) is cleared."""

    security: Name | None = Field(
        default=None, description="Policy every security incident follows"
    )
    default: Name | None = Field(default=None, description="Policy for services without one")
    commander: Name | None = Field(default=None, description="Schedule a SEV1 also pages")


class RoutesOut(BaseModel):
    security: str | None
    default: str | None
    commander: str | None
