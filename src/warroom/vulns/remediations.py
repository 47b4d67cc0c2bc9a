"""The work on a campaign's records: listing them, moving their status, and the campaign's
progress. A status change also settles the campaign's ``assessed_at`` (no record left
unassessed) and ``closed_at`` (every record final; cleared when one reopens)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Row, Select, func, select
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.catalog.models import Asset, AssetService, Customer, CustomerSla
from warroom.errors import NotFound
from warroom.vulns import progress
from warroom.vulns.models import Remediation, VulnCampaign
from warroom.vulns.remediation import FINAL, RemediationStatus, check_transition, left_open_at

REACHED = {
    status: f"{status.value}_at" for status in RemediationStatus if status.value != "unassessed"
}
FINAL_VALUES = [s.value for s in FINAL]


def list_records(
    *,
    session: Session,
    campaign: VulnCampaign,
    status: RemediationStatus | None = None,
    tier: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[Row[Remediation, str]]:
    """The campaign's records with their assets' hostnames, tier 1 first, then by hostname;
    ``offset`` and ``limit`` page through a large estate."""
    query = (
        select(Remediation, Asset.hostname)
        .join(Asset, Asset.id == Remediation.asset_id)
        .where(Remediation.campaign_id == campaign.id)
        .order_by(Remediation.tier, Asset.hostname)
    )
    if status is not None:
        query = query.where(Remediation.status == status.value)
    if tier is not None:
        query = query.where(Remediation.tier == tier)
    return list(session.execute(query.offset(offset).limit(limit)))


def access_record(*, session: Session, campaign: VulnCampaign, asset_id: int) -> Remediation:
    record = session.get(Remediation, (campaign.id, asset_id))
    if record is None:
        raise NotFound(f"asset {asset_id} has no record in the campaign for {campaign.advisory_id}")
    return record


def access_asset(*, session: Session, campaign: VulnCampaign, asset: str) -> Remediation:
    """The record of an asset named by id or by hostname (any case)."""
    if asset.strip().isdigit():
        return access_record(session=session, campaign=campaign, asset_id=int(asset))
    same = func.lower(Asset.hostname) == asset.strip().lower()
    asset_id = session.scalar(select(Asset.id).where(same))
    if asset_id is None:
        raise NotFound(f"no asset {asset!r}")
    return access_record(session=session, campaign=campaign, asset_id=asset_id)


def do_set_status(
    *,
    session: Session,
    actor: Actor,
    campaign: VulnCampaign,
    record: Remediation,
    status: RemediationStatus | None,
    note: str | None,
    now: datetime,
) -> Remediation:
    """Move the record (IllegalTransition naming ``status`` when the move is not allowed)
    and/or replace its note; then settle the campaign's assessed and closed times."""
    if status is not None:
        check_transition(RemediationStatus(record.status), status)
        if status.value != record.status:
            record.status = status.value
            setattr(record, REACHED[status], now)
    if note is not None:
        record.note = note
    record.updated_at, record.updated_by_id = now, actor.person_id
    session.flush()
    settle(session=session, campaign=campaign, now=now)
    return record


def settle(*, session: Session, campaign: VulnCampaign, now: datetime) -> None:
    """Assessed once nothing is unassessed (and stays so: it measured the first pass);
    closed while every record is final."""
    counted = _count(session, campaign, Remediation.status == RemediationStatus.unassessed.value)
    if campaign.assessed_at is None and counted == 0:
        campaign.assessed_at = now
    unfinished = _count(session, campaign, Remediation.status.not_in(FINAL_VALUES))
    if unfinished and campaign.closed_at is not None:
        campaign.closed_at = None
    elif not unfinished and campaign.closed_at is None:
        campaign.closed_at = now


def _count(session: Session, campaign: VulnCampaign, test: ColumnElement[bool]) -> int:
    query = select(func.count()).where(Remediation.campaign_id == campaign.id, test)
    return session.scalar(query) or 0


@dataclass(frozen=True)
class Progress:
    totals: progress.Tally
    tiers: list[tuple[int, progress.Tally]]
    customers: list[tuple[str, progress.Tally]]
    burndown: list[progress.Point]
    time_to_understand_seconds: float | None


def campaign_progress(*, session: Session, campaign: VulnCampaign, now: datetime) -> Progress:
    tiers = progress.by_tier((t, s, n) for t, s, n in session.execute(_by_tier(campaign)))
    customers = progress.by_customer(
        (c, s, n) for c, s, n in session.execute(_by_customer(campaign))
    )
    totals = progress.tally((status, t.statuses[status]) for _, t in tiers for status in t.statuses)
    end = campaign.closed_at or now
    return Progress(
        totals,
        tiers,
        customers,
        progress.burndown(campaign.opened_at, end, _left_open(session, campaign)),
        progress.time_to_understand(campaign.opened_at, campaign.assessed_at),
    )


def _by_tier(campaign: VulnCampaign) -> Select[int, str, int]:
    return (
        select(Remediation.tier, Remediation.status, func.count())
        .where(Remediation.campaign_id == campaign.id)
        .group_by(Remediation.tier, Remediation.status)
    )


def _by_customer(campaign: VulnCampaign) -> Select[str, str, int]:
    """Customers whose SLA services run on the campaign's assets: their assets by status."""
    return (
        select(Customer.name, Remediation.status, func.count(func.distinct(Remediation.asset_id)))
        .join(AssetService, AssetService.asset_id == Remediation.asset_id)
        .join(CustomerSla, CustomerSla.service_id == AssetService.service_id)
        .join(Customer, Customer.id == CustomerSla.customer_id)
        .where(Remediation.campaign_id == campaign.id)
        .group_by(Customer.name, Remediation.status)
    )


def _left_open(session: Session, campaign: VulnCampaign) -> list[datetime | None]:
    columns = [getattr(Remediation, column) for column in REACHED.values()]
    query = select(Remediation.status, *columns).where(Remediation.campaign_id == campaign.id)
    out: list[datetime | None] = []
    for status, *times in session.execute(query):
        reached = dict(zip(REACHED, times, strict=True))
        out.append(left_open_at(RemediationStatus(status), reached))
    return out


def hostname_of(*, session: Session, asset_id: int) -> str:
    return session.scalar(select(Asset.hostname).where(Asset.id == asset_id)) or ""
