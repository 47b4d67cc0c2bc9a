"""Telling the customers a campaign concerns, through Communicate's customer update.

The customers concerned are those the progress counts (an SLA on a service that runs on an
asset of the campaign), leaving out assets found to be false positives. Each is written the
organisation's customer update (``statuspage.templates.wordings``, rendered by
``statuspage.messages``: the same words, placeholders and sandbox as an incident's customer
update), one email per contact, into the worker's outbox, which sends them and keeps the
delivery log. A customer told once is not told again unless asked (``again``); each notice
records when and how often."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.catalog.models import AssetService, Customer, CustomerSla, Service
from warroom.errors import InvalidInput
from warroom.oncall.models import Delivery
from warroom.statuspage.audiences import Audience
from warroom.statuspage.messages import Facts, render, subject
from warroom.statuspage.templates import wordings
from warroom.vulns.models import Remediation, VulnCampaign, VulnNotice
from warroom.vulns.remediation import OPEN, RemediationStatus

PURPOSE = "update"  # the outbox's word for an update email, as an incident's customer update


@dataclass
class Concerned:
    """A customer whose SLA services run on the campaign's assets."""

    customer: Customer
    services: set[str] = field(default_factory=set)
    assets: set[int] = field(default_factory=set)
    exposed: set[int] = field(default_factory=set)  # of those, still open
    notice: VulnNotice | None = None

    @property
    def emails(self) -> list[tuple[str, str]]:
        """(name, email) of its contacts with an email, each address once."""
        seen: dict[str, tuple[str, str]] = {}
        for contact in self.customer.contacts:
            if contact.email and contact.email.strip().lower() not in seen:
                seen[contact.email.strip().lower()] = (contact.name, contact.email.strip())
        return list(seen.values())


@dataclass(frozen=True)
class Message:
    what_happened: str | None = None
    doing: str | None = None
    next_update_at: datetime | None = None


@dataclass(frozen=True)
class Outcome:
    told: list[Concerned]
    skipped: list[tuple[Concerned, str]]


def concerned(*, session: Session, campaign: VulnCampaign) -> list[Concerned]:
    """The customers concerned, most important tier first, then by name."""
    query = (
        select(CustomerSla.customer_id, Service.name, Remediation.asset_id, Remediation.status)
        .join(AssetService, AssetService.asset_id == Remediation.asset_id)
        .join(CustomerSla, CustomerSla.service_id == AssetService.service_id)
        .join(Service, Service.id == AssetService.service_id)
        .where(
            Remediation.campaign_id == campaign.id,
            Remediation.status != RemediationStatus.false_positive.value,
        )
    )
    rows = list(session.execute(query))
    ids = sorted({customer_id for customer_id, *_ in rows})
    customers = session.scalars(select(Customer).where(Customer.id.in_(ids)))
    found = {c.id: Concerned(c) for c in customers}
    for customer_id, service, asset_id, status in rows:
        item = found[customer_id]
        item.services.add(service)
        item.assets.add(asset_id)
        if status in OPEN:
            item.exposed.add(asset_id)
    notices = select(VulnNotice).where(VulnNotice.campaign_id == campaign.id)
    for notice in session.scalars(notices):
        if notice.customer_id in found:
            found[notice.customer_id].notice = notice
    return sorted(found.values(), key=lambda c: (c.customer.tier, c.customer.name))


def do_notify_customers(
    *,
    session: Session,
    actor: Actor,
    campaign: VulnCampaign,
    message: Message,
    now: datetime,
    base_url: str,
    time_zone: str,
    only: list[str] | None = None,
    again: bool = False,
) -> Outcome:
    """Write the update to each concerned customer (or ``only`` those named) not yet told,
    or to all of them ``again``; a customer without a contact email is skipped, untold."""
    if message.next_update_at is not None and message.next_update_at <= now:
        raise InvalidInput("next_update_at", "must be in the future")
    wanted = _chosen(concerned(session=session, campaign=campaign), only)
    told: list[Concerned] = []
    skipped: list[tuple[Concerned, str]] = []
    for item in wanted:
        reason = _why_not(item, again)
        if reason:
            skipped.append((item, reason))
            continue
        facts = facts_for(campaign, item, message, base_url, time_zone)
        _write(session, item, facts, now)
        _record(session, campaign, item, actor, now)
        told.append(item)
    session.flush()
    return Outcome(told, skipped)


def _chosen(found: list[Concerned], only: list[str] | None) -> list[Concerned]:
    if only is None:
        return found
    by_name = {c.customer.name.lower(): c for c in found}
    for name in only:
        if name.strip().lower() not in by_name:
            raise InvalidInput("customers", f"{name!r} is not a customer this campaign concerns")
    names = {name.strip().lower() for name in only}
    return [c for c in found if c.customer.name.lower() in names]


def _why_not(item: Concerned, again: bool) -> str:
    if not item.emails:
        return "no contact with an email"
    if item.notice is not None and not again:
        return f"already notified ({item.notice.notified_at:%Y-%m-%d %H:%M} UTC)"
    return ""


def facts_for(
    campaign: VulnCampaign, item: Concerned, message: Message, base_url: str, time_zone: str
) -> Facts:
    """The update's facts for one customer: their own services, and how far the work is."""
    services = ", ".join(sorted(item.services))
    named = campaign.advisory_id + (f" ({campaign.summary})" if campaign.summary else "")
    done = len(item.assets) - len(item.exposed)
    return Facts(
        ref=campaign.advisory_id,
        title=campaign.summary or campaign.advisory_id,
        severity=f"CVSS {campaign.cvss:g}" if campaign.cvss is not None else "security",
        status="identified",
        services=services,
        what_happened=message.what_happened
        or f"A security vulnerability, {named}, affects software on systems that run "
        f"{services} for you.",
        doing=message.doing
        or f"We are installing the fixed version on each affected system: {done} of "
        f"{len(item.assets)} done so far.",
        next_update_at=message.next_update_at,
        url=f"{base_url}/vulnerabilities/{campaign.id}",
        status_page=f"{base_url}/status",
        time_zone=time_zone,
    )


def _write(session: Session, item: Concerned, facts: Facts, now: datetime) -> None:
    words = wordings(session)[Audience.customers]
    title = subject(Audience.customers, facts, words.subject)
    for name, email in item.emails:
        body = render(Audience.customers, facts, name=name, customer=item.customer.name,
                      template=words.body)  # fmt: skip
        session.add(Delivery(channel="email", address=email, purpose=PURPOSE, subject=title,
                             body=body, status="pending", due_at=now, attempts=0,
                             created_at=now))  # fmt: skip


def _record(
    session: Session, campaign: VulnCampaign, item: Concerned, actor: Actor, now: datetime
) -> None:
    notice = item.notice
    if notice is None:
        notice = VulnNotice(campaign_id=campaign.id, customer_id=item.customer.id,
                            first_notified_at=now, times=0)  # fmt: skip
        session.add(notice)
        item.notice = notice
    notice.notified_at, notice.times = now, notice.times + 1
    notice.contacts, notice.notified_by_id = len(item.emails), actor.person_id
