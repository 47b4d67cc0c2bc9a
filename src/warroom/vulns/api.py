"""JSON routes for vulnerability campaigns: open one from an advisory (OSV or the hand form),
follow its records asset by asset, move their status, and read its progress."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from warroom.access.deps import DbSession, Now, Responder, Viewer
from warroom.vulns import campaigns, remediations
from warroom.vulns.present import (
    campaign_out,
    campaigns_out,
    progress_out,
    record_out,
    records_out,
)
from warroom.vulns.remediation import RemediationStatus
from warroom.vulns.schemas import (
    CampaignDetailOut,
    CampaignOut,
    ProgressOut,
    RecordOut,
    RecordPatch,
)

router = APIRouter(prefix="/api/v1/vulnerabilities", tags=["vulnerabilities"])
ADVISORY = Body(
    description="An OSV advisory, or the hand form: "
    '{"id": "CVE-2014-0160", "product": "openssl", '
    '"affected": "vers:openssl/>=1.0.1|<=1.0.1f|1.0.2-beta1", "fixed": "1.0.1g"}',
)


@router.post("", status_code=201, response_model=CampaignDetailOut)
def open_campaign(
    document: Annotated[dict[str, Any], ADVISORY], session: DbSession, actor: Responder, at: Now
) -> CampaignDetailOut:
    """Match the advisory against the estate and open a campaign with one record per asset it
    may affect. A malformed advisory is a 422 naming the JSON path of the fault."""
    campaign = campaigns.do_open_campaign(session=session, actor=actor, document=document, now=at)
    return campaign_out(session, campaign)


@router.get("", response_model=list[CampaignOut])
def list_campaigns(
    session: DbSession, actor: Viewer, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> list[CampaignOut]:
    """Newest first, each with its records counted by status."""
    return campaigns_out(session, campaigns.list_campaigns(session=session, limit=limit))


@router.get("/{ref}", response_model=CampaignDetailOut)
def show_campaign(ref: str, session: DbSession, actor: Viewer) -> CampaignDetailOut:
    """By number or by advisory id (CVE-2014-0160)."""
    return campaign_out(session, campaigns.access_campaign(session=session, ref=ref))


@router.get("/{ref}/assets", response_model=list[RecordOut])
def list_assets(
    ref: str,
    session: DbSession,
    actor: Viewer,
    status: RemediationStatus | None = None,
    tier: Annotated[int | None, Query(ge=1)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
) -> list[RecordOut]:
    """The assets the advisory may affect, tier 1 (patch first) first, then by hostname."""
    campaign = campaigns.access_campaign(session=session, ref=ref)
    rows = remediations.list_records(
        session=session, campaign=campaign, status=status, tier=tier, offset=offset, limit=limit
    )
    return records_out(rows)


@router.patch("/{ref}/assets/{asset_id}", response_model=RecordOut)
def set_status(
    ref: str, asset_id: int, body: RecordPatch, session: DbSession, actor: Responder, at: Now
) -> RecordOut:
    """``{"status": "scheduled", "note": "..."}``; a move the workflow forbids is a 422."""
    campaign = campaigns.access_campaign(session=session, ref=ref)
    record = remediations.access_record(session=session, campaign=campaign, asset_id=asset_id)
    remediations.do_set_status(
        session=session,
        actor=actor,
        campaign=campaign,
        record=record,
        status=body.status,
        note=body.note,
        now=at,
    )
    hostname = remediations.hostname_of(session=session, asset_id=asset_id)
    return record_out(record, hostname)


@router.get("/{ref}/progress", response_model=ProgressOut)
def show_progress(ref: str, session: DbSession, actor: Viewer, at: Now) -> ProgressOut:
    """Records by tier and status, assets by customer, the burndown, and the time it took to
    understand the risk (until no record was left unassessed)."""
    campaign = campaigns.access_campaign(session=session, ref=ref)
    return progress_out(
        campaign, remediations.campaign_progress(session=session, campaign=campaign, now=at)
    )
