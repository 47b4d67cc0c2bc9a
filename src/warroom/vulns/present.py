"""Campaigns, records and progress as the API shows them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row
from sqlalchemy.orm import Session

from warroom.vulns.campaigns import counts
from warroom.vulns.models import Remediation, VulnCampaign
from warroom.vulns.remediations import Progress
from warroom.vulns.schemas import (
    CampaignDetailOut,
    CampaignOut,
    CountsOut,
    CustomerOut,
    PointOut,
    ProgressOut,
    RecordOut,
    TierOut,
)


def campaigns_out(session: Session, campaigns: Sequence[VulnCampaign]) -> list[CampaignOut]:
    tallies = counts(session=session, campaign_ids=[c.id for c in campaigns])
    return [CampaignOut(**_fields(c), counts=CountsOut.of(tallies[c.id])) for c in campaigns]


def campaign_out(session: Session, campaign: VulnCampaign) -> CampaignDetailOut:
    tallied = counts(session=session, campaign_ids=[campaign.id])[campaign.id]
    return CampaignDetailOut(
        **_fields(campaign),
        counts=CountsOut.of(tallied),
        document=campaign.document,
        policy=campaign.policy,
    )


def _fields(campaign: VulnCampaign) -> dict[str, object]:
    return {
        "id": campaign.id,
        "advisory_id": campaign.advisory_id,
        "aliases": campaign.aliases,
        "summary": campaign.summary,
        "cvss": campaign.cvss,
        "known_exploited": campaign.known_exploited,
        "fixed": campaign.fixed,
        "opened_at": campaign.opened_at,
        "assessed_at": campaign.assessed_at,
        "closed_at": campaign.closed_at,
        "opened_by": campaign.opened_by.name if campaign.opened_by else None,
    }


def record_out(record: Remediation, hostname: str) -> RecordOut:
    return RecordOut.model_validate(
        {
            "asset_id": record.asset_id,
            "hostname": hostname,
            "product": record.product,
            "version": record.version,
            "purl": record.purl,
            "verdict": record.verdict,
            "reason": record.reason,
            "tier": record.tier,
            "tier_reason": record.tier_reason,
            "status": record.status,
            "note": record.note,
            "updated_at": record.updated_at,
        }
    )


def records_out(rows: Sequence[Row[Remediation, str]]) -> list[RecordOut]:
    return [record_out(record, hostname) for record, hostname in rows]


def progress_out(campaign: VulnCampaign, found: Progress) -> ProgressOut:
    return ProgressOut(
        advisory_id=campaign.advisory_id,
        counts=CountsOut.of(found.totals),
        by_tier=[TierOut(tier=tier, **CountsOut.of(t).model_dump()) for tier, t in found.tiers],
        by_customer=[
            CustomerOut(customer=name, **CountsOut.of(t).model_dump())
            for name, t in found.customers
        ],
        burndown=[PointOut(at=p.at, open=p.open) for p in found.burndown],
        time_to_understand_seconds=found.time_to_understand_seconds,
    )
