"""What the communications routes answer, shared by the API and the command line (which
must not load the web framework to shape the same JSON)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class RecipientOut(BaseModel):
    name: str
    email: str
    why: str


class PreviewOut(BaseModel):
    texts: dict[str, str]
    recipients: dict[str, list[RecipientOut]]


class CommsUpdateOut(BaseModel):
    id: int
    audiences: list[str]
    what_happened: str
    doing: str
    next_update_at: datetime | None
    sent: dict[str, int]
    public_update: str | None  # the draft's code on the status page
    public_state: str | None  # draft until approved, then published
    created_at: datetime


class CadenceOut(BaseModel):
    severity: str
    last_update_at: datetime
    due_at: datetime
    overdue: bool
    minutes_left: int


class AffectedOut(BaseModel):
    customer: str
    tier: int
    services: list[str]
    outage_minutes: float
    budget_share: float | None  # of the month's allowed downtime (1.0: all of it)
    response_missed: bool
    task_id: int | None
    task_status: str | None


class MessageTemplateOut(BaseModel):
    audience: str  # public, stakeholders, customers
    subject: str  # empty for the public update, which has none
    body: str
    customised: bool  # False: the built-in template
    placeholders: list[str]
    updated_by: str | None
    updated_at: datetime | None
