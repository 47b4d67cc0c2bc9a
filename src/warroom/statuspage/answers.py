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


class InternalIncidentOut(BaseModel):
    ref: str
    title: str
    severity: str
    status: str


class OverviewComponentOut(BaseModel):
    code: str
    name: str
    group: str | None
    is_group: bool
    status: str  # as the public page shows it (a group: its worst member)
    hidden: bool  # off the public page now (shown only when degraded)
    service: str | None  # the catalog service it shows
    incidents: list[InternalIncidentOut]  # open internal incidents on that service
    public_incidents: list[str]  # codes of open public incidents naming it, drafts included


class DraftOut(BaseModel):
    public_incident: str  # its code
    name: str
    update: str  # the draft update's code, to approve
    status: str
    written_by: str | None
    created_at: datetime
    incident: str | None  # the internal incident's reference


class OverviewOut(BaseModel):
    """The private page: what the public reads, and what is behind it."""

    indicator: str  # none, minor, major, critical, maintenance
    description: str
    components: list[OverviewComponentOut]
    drafts: list[DraftOut]  # updates waiting for approval, oldest first
    unannounced: list[InternalIncidentOut]  # open SEV1/SEV2 with no public incident
