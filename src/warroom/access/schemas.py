"""Request and response bodies for people, teams and tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from warroom.access.rules import Role

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, pattern=r"^[^@\s]+@[^@\s]+$", max_length=320
    ),
]


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    email: Email
    phone: str | None = Field(default=None, max_length=50)
    chat_handle: str | None = Field(default=None, max_length=100)
    timezone: str = "UTC"
    role: Role = Role.viewer
    password: str | None = Field(default=None, min_length=8, max_length=200)


class PersonOut(BaseModel):
    id: int
    name: str
    email: str
    phone: str | None
    chat_handle: str | None
    timezone: str
    role: Role
    active: bool


class TeamIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    lead: Email | None = None
    members: list[Email] = Field(default_factory=list)
    sees_restricted: bool = Field(
        default=False, description="The security team: its people see every restricted incident"
    )


class TeamPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sees_restricted: bool


class TeamOut(BaseModel):
    id: int
    name: str
    lead: str | None
    members: list[str]
    sees_restricted: bool


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="", max_length=200)
    role: Role | None = None
    expires_at: datetime | None = None


class TokenOut(BaseModel):
    id: int
    name: str
    role: Role
    person: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="Shown once; only its hash is stored")
