"""Request and response bodies of the knowledge base API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class SolutionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Title
    symptoms: Text = Field(default="", description="What responders see (Markdown)")
    cause: Text = Field(default="", description="Why it happens (Markdown)")
    fix: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
    services: list[Name] = Field(default_factory=list, max_length=50)
    incident: str | None = Field(default=None, description="The incident it was learnt from")


class SolutionOut(BaseModel):
    id: int
    title: str
    symptoms: str
    cause: str
    fix: str
    services: list[str]
    incident: str | None
    author: str | None
    created_at: datetime
    updated_at: datetime


class EntryOut(BaseModel):
    id: int
    source: str = Field(description="incident, postmortem, solution or runbook")
    ref: str = Field(description="INC-12, INC-12 postmortem, SOL-3 or the service's name")
    title: str
    status: str
    fix: str
    url: str
    occurred_at: datetime | None


class SuggestionOut(BaseModel):
    entry: EntryOut
    score: float
    reasons: list[str] = Field(description="Why it was chosen")


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entry_id: int
    helpful: bool


class FeedbackOut(BaseModel):
    entry_id: int
    helpful: bool
    helpful_marks: int
    unhelpful_marks: int
