"""Request bodies for mentions and feeds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from warroom.incidents.schemas import Strict
from warroom.sentiment.rules import Outreach


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must include a time zone offset, e.g. 2026-11-23T03:10:00Z")
    return value.astimezone(UTC)


Aware = Annotated[datetime, AfterValidator(_aware)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]


class MentionIn(Strict):
    text: Text
    posted_at: Aware
    author: str = Field(default="", max_length=200)
    url: str = Field(default="", max_length=2000)
    id: str | None = Field(default=None, max_length=500, description="The sender's own id")


class MentionsIn(Strict):
    source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    mentions: list[MentionIn] = Field(min_length=1, max_length=1000)


class OutreachIn(Strict):
    status: Outreach
    note: str = Field(default="", max_length=2000)


class FeedIn(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    url: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://\S+$")]


class MentionOut(BaseModel):
    id: int
    source: str
    author: str
    text: str
    url: str
    posted_at: datetime
    score: float
    label: str
    incident: str | None
    outreach: str
    outreach_note: str


class ReceivedOut(BaseModel):
    received: int
    new: int
    queued: int


class BucketOut(BaseModel):
    start: datetime
    count: int
    negative: int
    negative_share: float


class PictureOut(BaseModel):
    total: int
    negative: int
    negative_share: float
    queued: int
    buckets: list[BucketOut]
    worst: list[MentionOut]


class FeedOut(BaseModel):
    id: int
    name: str
    url: str
    polled_at: datetime | None
    last_error: str | None
