"""Request and response bodies of postmortems and action items (never the ORM classes)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from warroom.incidents.schemas import Email, PersonRef, Strict, Title
from warroom.reviews.rules import ActionStatus, ActionType, PostmortemState

Markdown = Annotated[str, StringConstraints(max_length=50_000)]


def _web_url(value: str | None) -> str | None:
    # Only links a browser opens as a page: no ``javascript:`` or ``data:`` on our pages.
    if value is None or not value.strip():
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http(s) URL, e.g. https://tracker.example/PROJ-12")
    return value.strip()


TrackerUrl = Annotated[str | None, Field(max_length=2000), AfterValidator(_web_url)]


class SectionOut(BaseModel):
    key: str
    title: str
    markdown: str


class ActionItemIn(Strict):
    title: Title
    type: ActionType
    owner: Email | None = Field(default=None, description="Email of the person who owns it")
    due_on: date | None = None
    status: ActionStatus = ActionStatus.open
    tracker_url: TrackerUrl = Field(default=None, description="The item in an external tracker")


class ActionItemPatch(Strict):
    """Only the fields sent change; ``null`` clears the owner, the due date or the URL."""

    version: int | None = Field(
        default=None, description="The version you last saw; a stale one is answered with 409"
    )
    title: Title | None = None
    type: ActionType | None = None
    owner: Email | None = None
    due_on: date | None = None
    status: ActionStatus | None = None
    tracker_url: TrackerUrl = None


class ActionItemOut(BaseModel):
    id: int
    incident: str
    incident_title: str
    title: str
    type: ActionType
    status: ActionStatus
    owner: PersonRef | None
    due_on: date | None
    overdue: bool
    tracker_url: str | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    version: int


class PostmortemPatch(Strict):
    """Markdown of the sections sent; the others are kept."""

    version: int | None = Field(
        default=None, description="The version you last saw; a stale one is answered with 409"
    )
    owner: Email | None = Field(
        default=None, description="Email of who drives the review; null: nobody (the commander)"
    )
    summary: Markdown | None = None
    impact: Markdown | None = None
    trigger: Markdown | None = None
    contributing_factors: Markdown | None = None
    detection: Markdown | None = None
    response: Markdown | None = None
    changes: Markdown | None = None
    timeline: Markdown | None = None
    went_well: Markdown | None = None
    went_wrong: Markdown | None = None
    lucky: Markdown | None = None


class PostmortemOut(BaseModel):
    incident: str
    incident_title: str
    severity: str
    incident_status: str
    state: PostmortemState
    required: bool
    due_at: datetime | None
    overdue: bool
    owner: PersonRef | None
    sections: list[SectionOut]
    action_items: list[ActionItemOut]
    drafted_at: datetime
    submitted_at: datetime | None
    published_at: datetime | None
    published_by: PersonRef | None
    version: int
    url: str = Field(description="The postmortem's page")


class PostmortemSummary(BaseModel):
    incident: str
    incident_title: str
    severity: str
    state: PostmortemState
    required: bool
    due_at: datetime | None
    overdue: bool
    owner: PersonRef | None
    open_action_items: int
    updated_at: datetime
