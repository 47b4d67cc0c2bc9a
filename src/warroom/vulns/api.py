"""JSON routes for vulnerability campaigns: open one from an advisory (OSV or the hand form),
follow its records asset by asset, move their status, read its progress, schedule emergency
windows per tier through the change calendar, and tell the customers concerned."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request

from warroom.access.deps import DbSession, Now, Responder, Viewer
from warroom.vulns import campaigns, notices, remediations, windows
from warroom.vulns.present import (
    campaign_out,
    campaigns_out,
    notice_out,
    one_window_out,
    progress_out,
    record_out,
    records_out,
    window_out,
    windows_out,
)
from warroom.vulns.remediation import RemediationStatus
from warroom.vulns.schemas import (
    CampaignDetailOut,
    CampaignOut,
    CustomerNoticeOut,
    NotifyIn,
    NotifyOut,
    ProgressOut,
    RecordOut,
    RecordPatch,
    SettledOut,
    SkippedOut,
    WindowIn,
    WindowOut,
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


@router.patch("/{ref}/assets/{asset}", response_model=RecordOut)
def set_status(
    ref: str, asset: str, body: RecordPatch, session: DbSession, actor: Responder, at: Now
) -> RecordOut:
    """``{"status": "scheduled", "note": "..."}``; the asset by id or hostname. A move the
    workflow forbids is a 422."""
    campaign = campaigns.access_campaign(session=session, ref=ref)
    record = remediations.access_asset(session=session, campaign=campaign, asset=asset)
    remediations.do_set_status(
        session=session,
        actor=actor,
        campaign=campaign,
        record=record,
        status=body.status,
        note=body.note,
        now=at,
    )
    hostname = remediations.hostname_of(session=session, asset_id=record.asset_id)
    return record_out(record, hostname)


@router.get("/{ref}/progress", response_model=ProgressOut)
def show_progress(ref: str, session: DbSession, actor: Viewer, at: Now) -> ProgressOut:
    """Records by tier and status, assets by customer, the burndown, and the time it took to
    understand the risk (until no record was left unassessed)."""
    campaign = campaigns.access_campaign(session=session, ref=ref)
    return progress_out(
        campaign, remediations.campaign_progress(session=session, campaign=campaign, now=at)
    )


def _base_url(request: Request) -> str:
    return str(request.app.state.settings.base_url)


@router.post("/{ref}/windows", status_code=201, response_model=WindowOut)
def schedule_window(
    ref: str, body: WindowIn, request: Request, session: DbSession, actor: Responder, at: Now
) -> WindowOut:
    """An emergency change over the tier's affected assets in the window given; they become
    scheduled. Its conflicts (an active incident on one of the hosts, a freeze, another
    change) are in the answer and on the change, and announced as for any change."""
    campaign = campaigns.access_campaign(session=session, ref=ref)
    made = windows.do_schedule_window(
        session=session, actor=actor, campaign=campaign, tier=body.tier,
        starts_at=body.starts_at, ends_at=body.ends_at, now=at, title=body.title,
        only=body.assets,
    )  # fmt: skip
    records = [(hostname, RemediationStatus.scheduled.value) for hostname in made.hostnames]
    return window_out(made.window, made.change, records, made.conflicts, _base_url(request))


@router.get("/{ref}/windows", response_model=list[WindowOut])
def list_windows(
    ref: str, request: Request, session: DbSession, actor: Viewer, at: Now
) -> list[WindowOut]:
    """The campaign's emergency changes, soonest first, with their records' statuses."""
    campaign = campaigns.access_campaign(session=session, ref=ref)
    return windows_out(session, campaign, at, _base_url(request))


@router.post("/{ref}/windows/{change}/settle", response_model=SettledOut)
def settle_window(
    ref: str, change: str, request: Request, session: DbSession, actor: Responder, at: Now
) -> SettledOut:
    """Once the change has ended: completed, its records still scheduled become patched;
    failed, rolled back or cancelled, they become affected again. Before the end, a 409."""
    campaign = campaigns.access_campaign(session=session, ref=ref)
    window, found = windows.access_window(session=session, campaign=campaign, ref=change)
    moved = windows.do_settle_window(session=session, actor=actor, campaign=campaign,
                                     window=window, change=found, now=at)  # fmt: skip
    shown = one_window_out(session, campaign, window, found, at, _base_url(request))
    return SettledOut(window=shown, moved=moved)


@router.get("/{ref}/customers", response_model=list[CustomerNoticeOut])
def list_customers(ref: str, session: DbSession, actor: Viewer) -> list[CustomerNoticeOut]:
    """The customers concerned, with when each was last told (null: not yet)."""
    campaign = campaigns.access_campaign(session=session, ref=ref)
    return [notice_out(c) for c in notices.concerned(session=session, campaign=campaign)]


@router.post("/{ref}/notify", response_model=NotifyOut)
def notify_customers(
    ref: str, body: NotifyIn, request: Request, session: DbSession, actor: Responder, at: Now
) -> NotifyOut:
    """The organisation's customer update, by email to each contact of each customer not
    yet told (all of them with ``again``); who was skipped and why."""
    campaign = campaigns.access_campaign(session=session, ref=ref)
    settings = request.app.state.settings
    message = notices.Message(body.what_happened, body.doing, body.next_update_at)
    outcome = notices.do_notify_customers(
        session=session, actor=actor, campaign=campaign, message=message, now=at,
        base_url=settings.base_url, time_zone=settings.statuspage_time_zone,
        only=body.customers, again=body.again,
    )  # fmt: skip
    return NotifyOut(
        notified=[notice_out(c) for c in outcome.told],
        skipped=[SkippedOut(customer=c.customer.name, reason=why) for c, why in outcome.skipped],
    )
