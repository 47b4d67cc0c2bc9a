"""What the audit routes take and answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class AuditEntryOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: str  # insert, update, delete, or bulk_insert/bulk_update/bulk_delete
    object_type: str  # the table
    object_id: str  # its primary key ("*" for a statement over many rows)
    before_digest: str  # sha256 of the row before ("" when there was none)
    after_digest: str
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    entries: list[AuditEntryOut]  # newest first
    next_before: int | None  # pass as ``before`` for the next page; None: no more


class HeadIn(BaseModel):
    seq: int = Field(ge=1)
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")


class VerifyIn(BaseModel):
    anchor: HeadIn | None = None  # a head shipped outside earlier


class VerdictOut(BaseModel):
    ok: bool
    checked: int
    first_bad: int | None  # the entry to look at first
    problem: str
    head: HeadIn | None  # the last entry that checked out
