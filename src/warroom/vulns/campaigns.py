"""Opening a vulnerability campaign, and finding campaigns.

Opening reads the advisory (either form), judges the estate's distinct installed rows once,
and writes one remediation record per asset the advisory may affect, in one bulk insert. The
tier policy is copied onto the campaign, so later edits of a policy leave it as it was."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.errors import Conflict, NotFound
from warroom.vulns.advisories import Advisory, parse_advisory
from warroom.vulns.estate import assets_of, candidate_rows
from warroom.vulns.models import Remediation, VulnCampaign
from warroom.vulns.progress import Tally, tally
from warroom.vulns.remediation import Planned, RemediationStatus, plan_records
from warroom.vulns.rules import fan_out, match_estate
from warroom.vulns.tiers import TierPolicy, default_policy, policy_data

RECORDS = cast(Table, Remediation.__table__)


def do_open_campaign(
    *,
    session: Session,
    actor: Actor,
    document: dict[str, Any],
    now: datetime,
    policy: TierPolicy | None = None,
) -> VulnCampaign:
    """A campaign for the advisory ``document``, with its records. An advisory already worked
    by a campaign is refused (409): its records are where the work goes on."""
    advisory = parse_advisory(document)
    check_new(session=session, advisory_id=advisory.id)
    policy = policy or default_policy()
    planned = match_and_plan(session=session, advisory=advisory, policy=policy)
    campaign = _campaign(advisory, document, policy, actor, now)
    if not any(p.status is RemediationStatus.unassessed for p in planned):
        campaign.assessed_at = now
    if not planned:
        campaign.closed_at = now  # nothing in the estate to work on
    session.add(campaign)
    try:
        session.flush()
    except IntegrityError:  # opened at the same moment by someone else
        raise Conflict(f"{advisory.id} already has a campaign") from None
    insert_records(session=session, campaign=campaign, planned=planned, actor=actor, now=now)
    return campaign


def _campaign(
    advisory: Advisory, document: dict[str, Any], policy: TierPolicy, actor: Actor, now: datetime
) -> VulnCampaign:
    return VulnCampaign(
        advisory_id=advisory.id,
        aliases=list(advisory.aliases),
        summary=advisory.summary,
        document=document,
        cvss=advisory.cvss,
        known_exploited=advisory.known_exploited,
        fixed=list(advisory.fixed),
        policy=policy_data(policy),
        opened_at=now,
        opened_by_id=actor.person_id,
    )


def check_new(*, session: Session, advisory_id: str) -> None:
    same = func.upper(VulnCampaign.advisory_id) == advisory_id.upper()
    found = session.scalar(select(VulnCampaign.id).where(same))
    if found is not None:
        raise Conflict(f"{advisory_id} already has a campaign (id {found})")


def match_and_plan(*, session: Session, advisory: Advisory, policy: TierPolicy) -> list[Planned]:
    """The records the estate calls for: each distinct installed row judged once, then the
    assets of only the rows that may be affected, each tiered."""
    verdicts = match_estate(advisory, candidate_rows(session=session, advisory=advisory))
    found = assets_of(session=session, verdicts=verdicts)
    return plan_records(advisory, policy, fan_out(verdicts, found.rows), found.facts)


def insert_records(
    *,
    session: Session,
    campaign: VulnCampaign,
    planned: Sequence[Planned],
    actor: Actor,
    now: datetime,
) -> None:
    if not planned:
        return
    rows = [
        {
            "campaign_id": campaign.id,
            "asset_id": p.asset_id,
            "product": p.product,
            "version": p.version,
            "purl": p.purl,
            "verdict": p.verdict.value,
            "reason": p.reason,
            "tier": p.tier,
            "tier_reason": p.tier_reason,
            "status": p.status.value,
            "note": "",
            "updated_at": now,
            "updated_by_id": actor.person_id,
            "affected_at": now if p.status is RemediationStatus.affected else None,
        }
        for p in planned
    ]
    # A Core insert of the table: one executemany, and one audit entry for the lot.
    session.execute(insert(RECORDS), rows)


def access_campaign(*, session: Session, ref: str) -> VulnCampaign:
    """By number or by advisory id (``CVE-2014-0160``, in any case); 404 otherwise."""
    query = select(VulnCampaign)
    if ref.isdigit():
        query = query.where(VulnCampaign.id == int(ref))
    else:
        query = query.where(func.upper(VulnCampaign.advisory_id) == ref.upper())
    campaign = session.scalar(query)
    if campaign is None:
        raise NotFound(f"no vulnerability campaign {ref!r}")
    return campaign


def list_campaigns(*, session: Session, limit: int = 200) -> list[VulnCampaign]:
    """Newest first."""
    query = select(VulnCampaign).order_by(VulnCampaign.opened_at.desc(), VulnCampaign.id.desc())
    return list(session.scalars(query.limit(limit)))


def counts(*, session: Session, campaign_ids: Sequence[int]) -> dict[int, Tally]:
    """Each campaign's records by status, in one query."""
    query = (
        select(Remediation.campaign_id, Remediation.status, func.count())
        .where(Remediation.campaign_id.in_(campaign_ids))
        .group_by(Remediation.campaign_id, Remediation.status)
    )
    rows: dict[int, list[tuple[str, int]]] = {cid: [] for cid in campaign_ids}
    for campaign_id, status, count in session.execute(query):
        rows[campaign_id].append((status, count))
    return {cid: tally(found) for cid, found in rows.items()}
