"""Vulnerability campaigns: one advisory worked through the estate, one remediation record
per asset the advisory may affect (assets judged not affected get none), the emergency
changes that patch a tier in one window, and the customers told about the campaign."""

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
    # The emergency change whose window patches this asset (the latest one, if rescheduled).
    change_id: Mapped[int | None] = mapped_column(
        ForeignKey("changes.id", ondelete="SET NULL"), index=True
    )


class VulnWindow(Base):
    """An emergency change scheduled from a campaign for one tier's affected assets, and when
    its outcome was carried back onto the records (patched, or affected again)."""

    __tablename__ = "vuln_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("vuln_campaigns.id", ondelete="CASCADE"), index=True
    )
    change_id: Mapped[int] = mapped_column(
        ForeignKey("changes.id", ondelete="CASCADE"), unique=True
    )
    tier: Mapped[int] = mapped_column()
    assets: Mapped[int] = mapped_column()  # how many records it scheduled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    settled_as: Mapped[str | None] = mapped_column(String(20))  # patched, affected


class VulnNotice(Base):
    """A customer told about a campaign: when last, how often, and how many contacts."""

    __tablename__ = "vuln_notices"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("vuln_campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    first_notified_at: Mapped[datetime] = mapped_column(UTCDateTime())
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime())
    times: Mapped[int] = mapped_column(default=1)
    contacts: Mapped[int] = mapped_column()  # emails written the last time
    notified_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
