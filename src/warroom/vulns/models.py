"""Vulnerability campaigns: one advisory worked through the estate, and one remediation record
per asset the advisory may affect (assets judged not affected get none)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warroom.access.models import Person
from warroom.db import Base, UTCDateTime


class VulnCampaign(Base):
    __tablename__ = "vuln_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    advisory_id: Mapped[str] = mapped_column(String(200), unique=True)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    # The advisory as submitted, so what the verdicts were judged against can be shown later.
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    cvss: Mapped[float | None] = mapped_column(Float)
    known_exploited: Mapped[bool] = mapped_column(default=False)
    fixed: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The tier policy as it was at opening: editing a policy never re-sorts a running campaign.
    policy: Mapped[dict[str, Any]] = mapped_column(JSON)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When no record was left unassessed: the end of "time to understand the risk".
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When every record reached a final status (verified, risk accepted, false positive).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    opened_by: Mapped[Person | None] = relationship(lazy="joined")


class Remediation(Base):
    """One asset's part in a campaign: the installed row the verdict is about, its patch tier,
    and where the work on it stands, with when each status was (last) reached."""

    __tablename__ = "vuln_remediations"
    __table_args__ = (Index("ix_vuln_remediations_campaign_status", "campaign_id", "status"),)

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("vuln_campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    product: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100))
    purl: Mapped[str | None] = mapped_column(String(500))
    verdict: Mapped[str] = mapped_column(String(20))  # affected, unknown
    reason: Mapped[str] = mapped_column(Text)
    tier: Mapped[int] = mapped_column()
    tier_reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    affected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    patched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    risk_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    false_positive_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
