"""Request and response bodies of the vulnerability API. The advisory itself is taken as the
JSON document it is (OSV or the hand form) and read by ``advisories.parse_advisory``."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

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
