"""Request and response bodies of the pages, delivery-log, contact-method and
notification-rule API."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from warroom.incidents.schemas import Email, PersonRef, Strict

ContactKind = Literal["email", "webhook", "apprise"]
# Loose on purpose: Apprise knows dozens of schemes (slack://, tgram://, ntfys://, …); the
# worker's Apprise says whether it can send there. This only rejects what is not a URL at all.
APPRISE_URL = re.compile(r"^[a-z][a-z0-9+.-]{1,31}://\S+$", re.IGNORECASE)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class PageOut(BaseModel):
    id: int
    incident: str
    incident_title: str
    severity: str
    person: PersonRef
    reason: str
    status: str
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_via: str | None
    closed_at: datetime | None


class PageRequest(Strict):
    """Page one person, or start one policy's escalation."""

    person: Email | None = Field(default=None, description="Email of the person to page")
    policy: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] | None = None

    @model_validator(mode="after")
    def _one(self) -> PageRequest:
        if (self.person is None) == (self.policy is None):
            raise ValueError("give exactly one of person or policy")
        return self


class PagingResult(BaseModel):
    incident: str
    paged: int = Field(description="People paged (or escalations moved on)")
    pages: list[PageOut]


class DeliveryOut(BaseModel):
    id: int
    page_id: int | None
    person: PersonRef | None
    channel: str
    address: str
    purpose: str
    subject: str
    status: str
    due_at: datetime
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def _address_ok(kind: str, address: str) -> str | None:
    """Why ``address`` is no address of ``kind``, or None when it is one."""
    if kind == "email":
        return None if EMAIL.match(address) else "not an email address"
    if kind == "webhook":
        parts = urlsplit(address)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return "a webhook needs an http:// or https:// URL"
        return None
    return None if APPRISE_URL.match(address) else "an Apprise URL looks like scheme://…"


class ContactMethodIn(Strict):
    kind: ContactKind
    address: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]
    label: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    max_per_hour: int = Field(default=20, ge=1, le=1000)

    @field_validator("address")
    @classmethod
    def _address(cls, value: str, info: ValidationInfo) -> str:
        problem = _address_ok(str(info.data.get("kind", "")), value)
        if problem:
            raise ValueError(problem)
        return value


class ContactMethodOut(BaseModel):
    id: int
    kind: str
    label: str
    address: str
    max_per_hour: int
    created_at: datetime


class NotificationRuleIn(Strict):
    contact_method: int = Field(description="The id of one of the person's contact methods")
    delay_minutes: int = Field(default=0, ge=0, le=1440, description="Minutes after the page")


class NotificationRuleOut(BaseModel):
    id: int
    contact_method: ContactMethodOut
    delay_minutes: int
