"""Request and response bodies for the service catalog."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class ServiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    tier: int = Field(default=3, ge=1, le=4, description="1 business-critical … 4 experimental")
    owner_team: str | None = None


class ServiceOut(BaseModel):
    id: int
    name: str
    tier: int
    owner_team: str | None
