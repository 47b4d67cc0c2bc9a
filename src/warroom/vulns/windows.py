"""Emergency maintenance windows per tier, through the change calendar.

Scheduling a window makes an emergency change (``changes.save.do_new_change``, as any change
is made, so its conflicts are found and announced, an incident commander can hold it, and it
opens its own maintenance window) whose scope is the tier's assets still ``affected``, and
moves those records to ``scheduled``, linked to the change.

Completing the change does not by itself mark its assets patched: a window can finish with
hosts left undone, so someone *settles* the window once the change has ended. Settling a
completed change moves its records still ``scheduled`` to ``patched``, at the change's actual
end; a failed, rolled-back or cancelled change puts them back to ``affected``, ready for the
next window. Records moved by hand in the meantime are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.catalog.models import Asset
from warroom.changes.conflicts import evaluate
from warroom.changes.models import Change
from warroom.changes.rules import ChangeState, ChangeType, Conflict
from warroom.changes.save import do_new_change
from warroom.changes.schemas import ChangeCreate
from warroom.changes.service import access_change, format_change
from warroom.errors import Conflict as Clash
from warroom.errors import InvalidInput, NotFound
from warroom.vulns.models import Remediation, VulnCampaign, VulnWindow
from warroom.vulns.remediation import RemediationStatus
from warroom.vulns.remediations import settle

R = RemediationStatus
MAX_ASSETS = 500  # what one change's scope holds
SOURCE = "vulnerability"  # the change's source, as the change page shows it
# What a settled window's records become, by how its change ended.
OUTCOMES = {
    ChangeState.completed: R.patched,
    ChangeState.failed: R.affected,
    ChangeState.rolled_back: R.affected,
    ChangeState.cancelled: R.affected,
}


@dataclass(frozen=True)
class Scheduled:
    window: VulnWindow
    change: Change
    hostnames: list[str]
    conflicts: list[Conflict]


def check_times(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if ends_at <= starts_at:
        raise InvalidInput("ends_at", "must be after starts_at")
    if ends_at <= now:
        raise InvalidInput("ends_at", "must be in the future")


def waiting(session: Session, campaign: VulnCampaign, tier: int) -> list[tuple[Remediation, str]]:
    """The tier's records still ``affected``, with their hostnames, by hostname."""
    query = (
        select(Remediation, Asset.hostname)
        .join(Asset, Asset.id == Remediation.asset_id)
        .where(
            Remediation.campaign_id == campaign.id,
            Remediation.tier == tier,
            Remediation.status == R.affected.value,
        )
        .order_by(Asset.hostname)
    )
    return [(record, hostname) for record, hostname in session.execute(query)]


def chosen(
    found: list[tuple[Remediation, str]], tier: int, only: list[str] | None
) -> list[tuple[Remediation, str]]:
    if not found:
        raise InvalidInput("tier", f"tier {tier} has no affected asset waiting for a window")
    if only is None:
        if len(found) > MAX_ASSETS:
            raise InvalidInput("assets", f"tier {tier} has {len(found)} affected assets; name "
                               f"at most {MAX_ASSETS} of them for one window")  # fmt: skip
        return found
    by_name = {hostname.lower(): (record, hostname) for record, hostname in found}
    strays = [name for name in only if name.strip().lower() not in by_name]
    if strays:
        raise InvalidInput("assets", f"{strays[0]!r} is not an affected asset of tier {tier} "
                           "waiting for a window")  # fmt: skip
    picked = {name.strip().lower() for name in only}
    return [by_name[name] for name in sorted(picked)]


def do_schedule_window(
    *,
    session: Session,
    actor: Actor,
    campaign: VulnCampaign,
    tier: int,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    title: str | None = None,
    only: list[str] | None = None,
) -> Scheduled:
    """An emergency change over the tier's affected assets (or ``only`` those hostnames of
    them) from ``starts_at`` to ``ends_at``, submitted; the records become ``scheduled`` and point
    at it."""
    check_times(starts_at, ends_at, now)
    found = chosen(waiting(session, campaign, tier), tier, only)
    hostnames = [hostname for _, hostname in found]
    data = ChangeCreate(
        title=title or f"{campaign.advisory_id}: patch tier {tier} ({len(found)} assets)",
        type=ChangeType.emergency,
        planned_start=starts_at,
        planned_end=ends_at,
        assets=hostnames,
        description=_description(campaign, tier),
        submit=True,
    )
    change = do_new_change(session=session, actor=actor, data=data, now=now, source=SOURCE)
    for record, _ in found:
        record.status, record.scheduled_at, record.change_id = R.scheduled.value, now, change.id
        record.updated_at, record.updated_by_id = now, actor.person_id
    window = VulnWindow(
        campaign_id=campaign.id,
        change_id=change.id,
        tier=tier,
        assets=len(found),
        created_at=now,
        created_by_id=actor.person_id,
    )
    session.add(window)
    session.flush()
    settle(session=session, campaign=campaign, now=now)
    conflicts = evaluate(session=session, changes=[change], now=now)[change.id]
    return Scheduled(window, change, hostnames, conflicts)


def _description(campaign: VulnCampaign, tier: int) -> str:
    fixed = f" Install a fixed version ({', '.join(campaign.fixed)})." if campaign.fixed else ""
    about = f" ({campaign.summary})" if campaign.summary else ""
    return (
        f"Emergency patch window for tier {tier} of the {campaign.advisory_id}{about} "
        f"vulnerability campaign.{fixed} Settle the window on the campaign once the change "
        "has ended: its assets become patched, or affected again if it did not go ahead."
    )


def list_windows(*, session: Session, campaign: VulnCampaign) -> list[tuple[VulnWindow, Change]]:
    """The campaign's windows, soonest planned start first."""
    query = (
        select(VulnWindow, Change)
        .join(Change, Change.id == VulnWindow.change_id)
        .where(VulnWindow.campaign_id == campaign.id)
        .order_by(Change.planned_start, Change.id)
    )
    return [(window, change) for window, change in session.execute(query)]


def access_window(
    *, session: Session, campaign: VulnCampaign, ref: str
) -> tuple[VulnWindow, Change]:
    """By its change (``CHG-12`` or ``12``); 404 unless that change is one of the campaign's."""
    change = access_change(session=session, ref=ref)
    window = session.scalar(
        select(VulnWindow).where(
            VulnWindow.campaign_id == campaign.id, VulnWindow.change_id == change.id
        )
    )
    if window is None:
        raise NotFound(f"{format_change(change.id)} is not a window of {campaign.advisory_id}")
    return window, change


def do_settle_window(
    *,
    session: Session,
    actor: Actor,
    campaign: VulnCampaign,
    window: VulnWindow,
    change: Change,
    now: datetime,
) -> int:
    """Carry the ended change's outcome onto its records still ``scheduled``; how many moved.
    A change not yet ended is a 409."""
    outcome = OUTCOMES.get(ChangeState(change.state))
    if outcome is None:
        raise Clash(
            f"{format_change(change.id)} is {change.state.replace('_', ' ')}: settle the "
            "window once the change has ended"
        )
    at = (change.actual_end or now) if outcome is R.patched else now
    values: dict[str, object] = {
        "status": outcome.value,
        "updated_at": now,
        "updated_by_id": actor.person_id,
        f"{outcome.value}_at": at,
    }
    moved = session.execute(
        update(Remediation)
        .where(
            Remediation.campaign_id == campaign.id,
            Remediation.change_id == change.id,
            Remediation.status == R.scheduled.value,
        )
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    window.settled_at, window.settled_as = now, outcome.value
    session.flush()
    settle(session=session, campaign=campaign, now=now)
    return int(getattr(moved, "rowcount", 0) or 0)


def window_records(*, session: Session, campaign: VulnCampaign) -> dict[int, list[tuple[str, str]]]:
    """The (hostname, status) of each record linked to each of the campaign's changes."""
    query = (
        select(Remediation.change_id, Asset.hostname, Remediation.status)
        .join(Asset, Asset.id == Remediation.asset_id)
        .where(Remediation.campaign_id == campaign.id, Remediation.change_id.is_not(None))
        .order_by(Asset.hostname)
    )
    found: dict[int, list[tuple[str, str]]] = {}
    for change_id, hostname, status in session.execute(query):
        if change_id is not None:  # filtered out above; the type does not know it
            found.setdefault(change_id, []).append((hostname, status))
    return found
