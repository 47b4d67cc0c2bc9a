"""Campaigns, records and progress as the API shows them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row
from sqlalchemy.orm import Session

from warroom.changes.conflicts import evaluate
from warroom.changes.lifecycle import conflict_json
from warroom.changes.models import Change
from warroom.changes.notify import change_url
from warroom.changes.rules import Conflict
from warroom.changes.schemas import ConflictOut
from warroom.changes.service import format_change
from warroom.vulns.campaigns import counts
from warroom.vulns.models import Remediation, VulnCampaign, VulnWindow
from warroom.vulns.notices import Concerned
from warroom.vulns.remediations import Progress
from warroom.vulns.schemas import (
    CampaignDetailOut,
    CampaignOut,
    CountsOut,
    CustomerNoticeOut,
    CustomerOut,
    PointOut,
    ProgressOut,
    RecordOut,
    TierOut,
    WindowOut,
)
from warroom.vulns.windows import list_windows, window_records


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


def window_out(
    window: VulnWindow,
    change: Change,
    records: list[tuple[str, str]],
    conflicts: list[Conflict],
    base_url: str,
) -> WindowOut:
    statuses: dict[str, int] = {}
    for _, status in records:
        statuses[status] = statuses.get(status, 0) + 1
    return WindowOut(
        change=format_change(change.id),
        title=change.title,
        state=change.state,
        tier=window.tier,
        planned_start=change.planned_start,
        planned_end=change.planned_end,
        assets=window.assets,
        records=dict(sorted(statuses.items())),
        hostnames=[hostname for hostname, _ in records],
        conflicts=[ConflictOut.model_validate(conflict_json(c)) for c in conflicts],
        settled_at=window.settled_at,
        settled_as=window.settled_as,
        url=change_url(base_url, change.id),
    )


def windows_out(
    session: Session, campaign: VulnCampaign, now: datetime, base_url: str
) -> list[WindowOut]:
    """The campaign's windows, each with its records and its change's conflicts as of now."""
    pairs = list_windows(session=session, campaign=campaign)
    found = evaluate(session=session, changes=[change for _, change in pairs], now=now)
    records = window_records(session=session, campaign=campaign)
    return [
        window_out(window, change, records.get(change.id, []), found[change.id], base_url)
        for window, change in pairs
    ]


def one_window_out(
    session: Session,
    campaign: VulnCampaign,
    window: VulnWindow,
    change: Change,
    now: datetime,
    base_url: str,
) -> WindowOut:
    found = evaluate(session=session, changes=[change], now=now)[change.id]
    records = window_records(session=session, campaign=campaign).get(change.id, [])
    return window_out(window, change, records, found, base_url)


def notice_out(item: Concerned) -> CustomerNoticeOut:
    notice = item.notice
    return CustomerNoticeOut(
        customer=item.customer.name,
        tier=item.customer.tier,
        services=sorted(item.services),
        assets=len(item.assets),
        exposed=len(item.exposed),
        contacts=len(item.emails),
        notified_at=notice.notified_at if notice else None,
        times=notice.times if notice else 0,
    )
