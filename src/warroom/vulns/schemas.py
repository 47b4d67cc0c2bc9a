"""Request and response bodies of the vulnerability API. The advisory itself is taken as the
JSON document it is (OSV or the hand form) and read by ``advisories.parse_advisory``."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from warroom.changes.rules import ChangeState
from warroom.changes.schemas import Aware, ConflictOut
from warroom.incidents.schemas import Text, Title
from warroom.vulns.progress import Tally
from warroom.vulns.remediation import RemediationStatus
from warroom.vulns.rules import Status


class RecordPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: RemediationStatus | None = Field(
        default=None, description="unassessed → affected → scheduled → patched → verified, or "
        "risk_accepted / false_positive from any status not yet final",
    )  # fmt: skip
    note: str | None = Field(default=None, max_length=20_000)


class CountsOut(BaseModel):
    total: int
    open: int = Field(description="unassessed, affected or scheduled: the asset is exposed")
    statuses: dict[str, int]

    @classmethod
    def of(cls, found: Tally) -> CountsOut:
        return cls(
            total=found.total, open=found.open, statuses=dict(sorted(found.statuses.items()))
        )


class CampaignOut(BaseModel):
    id: int
    advisory_id: str
    aliases: list[str]
    summary: str
    cvss: float | None
    known_exploited: bool
    fixed: list[str]
    opened_at: datetime
    assessed_at: datetime | None
    closed_at: datetime | None
    opened_by: str | None
    counts: CountsOut


class CampaignDetailOut(CampaignOut):
    document: dict[str, object] = Field(description="The advisory as submitted")
    policy: dict[str, object] = Field(description="The tier policy copied at opening")


class RecordOut(BaseModel):
    asset_id: int
    hostname: str
    product: str
    version: str
    purl: str | None
    verdict: Status
    reason: str
    tier: int
    tier_reason: str
    status: RemediationStatus
    note: str
    updated_at: datetime


class TierOut(CountsOut):
    tier: int


class CustomerOut(CountsOut):
    customer: str


class PointOut(BaseModel):
    at: datetime
    open: int


class ProgressOut(BaseModel):
    advisory_id: str
    counts: CountsOut
    by_tier: list[TierOut]
    by_customer: list[CustomerOut] = Field(
        description="Customers whose SLA services run on the campaign's assets; counts are assets"
    )
    burndown: list[PointOut] = Field(description="Open records each hour (each day past 3 days)")
    time_to_understand_seconds: float | None = Field(
        description="From opening until no record was left unassessed"
    )


class WindowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tier: int = Field(ge=1, description="The patch tier whose affected assets the window covers")
    starts_at: Aware
    ends_at: Aware
    title: Title | None = Field(default=None, description="The change's title; one is made up")
    assets: list[str] | None = Field(
        default=None, min_length=1, max_length=500,
        description="Only these hostnames of the tier's affected assets (default: all of them)",
    )  # fmt: skip


class WindowOut(BaseModel):
    change: str = Field(description="The emergency change, CHG-n")
    title: str
    state: ChangeState
    tier: int
    planned_start: datetime
    planned_end: datetime
    assets: int = Field(description="How many records the window scheduled")
    records: dict[str, int] = Field(description="Those records by status now")
    hostnames: list[str]
    conflicts: list[ConflictOut] = Field(description="The change's conflicts, evaluated now")
    settled_at: datetime | None
    settled_as: RemediationStatus | None = Field(
        description="patched (the change completed) or affected (it did not go ahead)"
    )
    url: str


class SettledOut(BaseModel):
    window: WindowOut
    moved: int = Field(description="Records moved from scheduled")


class NotifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    what_happened: Text | None = Field(default=None, description="Default: told from the campaign")
    doing: Text | None = Field(default=None, description="Default: how far the patching is")
    next_update_at: Aware | None = None
    customers: list[str] | None = Field(
        default=None, min_length=1, max_length=1000, description="Only these customers, by name"
    )
    again: bool = Field(default=False, description="Tell customers already told once more")


class CustomerNoticeOut(BaseModel):
    customer: str
    tier: int
    services: list[str]
    assets: int = Field(description="Assets running their SLA services (false positives aside)")
    exposed: int = Field(description="Of those, still open")
    contacts: int = Field(description="Contacts with an email")
    notified_at: datetime | None
    times: int = Field(description="How many times they were told")


class SkippedOut(BaseModel):
    customer: str
    reason: str


class NotifyOut(BaseModel):
    notified: list[CustomerNoticeOut]
    skipped: list[SkippedOut]
