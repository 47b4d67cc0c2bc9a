"""The demo's change calendar: the evening patch-and-reboot of the sales application servers
(the change the product exists to stop when those servers are sick), a database upgrade in
the weekly maintenance window, a certificate rotation, a web-shop deploy reported yesterday,
and a year-end trading freeze.

Loaded last, through the same services as the API, so conflicts are found as they would be
on a live installation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.access.service import Actor, actor_for
from warroom.catalog.models import Service
from warroom.changes.conflicts import do_refresh
from warroom.changes.deploys import Deploy, do_record_deploy
from warroom.changes.lifecycle import do_decide, do_transition
from warroom.changes.models import Change
from warroom.changes.rules import ChangeState, ChangeType
from warroom.changes.save import do_new_change
from warroom.changes.schemas import ChangeCreate, WindowIn
from warroom.changes.watch import live_changes
from warroom.changes.windows import do_create_window
from warroom.demo.assets import hosts
from warroom.demo.org import DOMAIN

PATCH_TITLE = "Monthly OS patch and reboot: sales application servers"
PATCH_EVENING_HOUR = 19  # UTC


@dataclass(frozen=True)
class DemoChange:
    title: str
    kind: ChangeType
    start: datetime
    hours: float
    owner: str
    implementer: str
    authority: str
    services: tuple[str, ...]
    assets: tuple[str, ...] = ()
    reboot: bool = False
    description: str = ""
    backout: str = ""
    state: ChangeState = ChangeState.scheduled


def this_evening(now: datetime) -> datetime:
    """The next 19:00 UTC at least an hour away: the change is always still to come."""
    start = now.replace(hour=PATCH_EVENING_HOUR, minute=0, second=0, microsecond=0)
    return start if start - now >= timedelta(hours=1) else start + timedelta(days=1)


def next_sunday(now: datetime, hour: int) -> datetime:
    days = (6 - now.weekday()) % 7 or 7
    return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _changes(now: datetime) -> list[DemoChange]:
    sales_hosts = tuple(h.hostname for h in hosts() if h.hostname.startswith("sos-app-"))
    return [
        DemoChange(
            PATCH_TITLE, ChangeType.normal, this_evening(now), 3, "marcus.webb", "tomas.ortega",
            "priya.raman", ("sales-ordering",), sales_hosts, reboot=True,
            description="Install the November OS security updates on sos-app-01..10, then "
            "reboot each server. Runs in two halves behind the load balancer.",
            backout="Uninstall the update set from the recovery console and reboot; restore "
            "from the nightly image if a server does not come back.",
        ),
        DemoChange(
            "order-db minor upgrade to PostgreSQL 16.6", ChangeType.normal,
            next_sunday(now, 2), 2, "samuel.adeyemi", "mei.tanaka", "priya.raman",
            ("order-db",), reboot=False,
            description="Rolling minor upgrade: replica first, switch over, then the primary.",
            backout="Switch back to the untouched replica.",
        ),
        DemoChange(
            "Rotate the shop's TLS certificate", ChangeType.standard,
            now + timedelta(days=3, hours=2), 0.5, "grace.liu", "grace.liu", "piotr.nowak",
            ("web-shop",), state=ChangeState.approved,
            description="Pre-approved certificate rotation on the load balancer.",
        ),
    ]  # fmt: skip


def _windows(now: datetime) -> list[WindowIn]:
    sunday = next_sunday(now, 1)
    freeze = (now + timedelta(days=14)).replace(hour=0, minute=0, second=0, microsecond=0)
    return [
        WindowIn(
            name="Sunday maintenance",
            kind="maintenance",
            starts_at=sunday,
            ends_at=sunday + timedelta(hours=4),
            services=["sales-ordering", "order-db", "web-shop"],
            rrule="FREQ=WEEKLY;BYDAY=SU",
            reason="Agreed with sales: the shop is quiet on Sunday nights",
        ),
        WindowIn(
            name="Year-end trading freeze",
            kind="freeze",
            starts_at=freeze,
            ends_at=freeze + timedelta(days=16),
            services=["sales-ordering", "web-shop", "payments-gateway", "order-db"],
            reason="Peak order volume before the year end: only emergency changes",
        ),
    ]


def load_changes(*, session: Session, now: datetime) -> list[Change]:
    actor = _actor(session, "priya.raman")
    for window in _windows(now):
        do_create_window(session=session, actor=actor, data=window)
    made = [_plan(session, item, now) for item in _changes(now)]
    made.append(_deploy_yesterday(session, now))
    # No reaction watches the demo's session: find the conflicts as a live server would.
    do_refresh(session=session, changes=live_changes(session, now), now=now, base_url="")
    return made


def _plan(session: Session, item: DemoChange, now: datetime) -> Change:
    owner = _actor(session, item.owner)
    data = ChangeCreate(
        title=item.title,
        type=item.kind,
        planned_start=item.start,
        planned_end=item.start + timedelta(hours=item.hours),
        services=list(item.services),
        assets=list(item.assets),
        description=item.description,
        backout_plan=item.backout,
        reboot_required=item.reboot,
        implementer=f"{item.implementer}@{DOMAIN}",
        authority=f"{item.authority}@{DOMAIN}",
        submit=True,
    )
    created = now - timedelta(days=2)
    change = do_new_change(session=session, actor=owner, data=data, now=created)
    if change.state == ChangeState.submitted.value:
        approver = _actor(session, item.authority)
        do_decide(
            session=session, change=change, actor=approver, approve=True, comment="", now=created
        )
    if item.state is ChangeState.scheduled:
        do_transition(session=session, change=change, actor=owner, to=item.state, now=created)
    return change


def _deploy_yesterday(session: Session, now: datetime) -> Change:
    shop = session.scalar(select(Service).where(Service.name == "web-shop"))
    deploy = Deploy(
        title="web-shop 4.18.2: basket recalculation fix",
        at=(now - timedelta(days=1)).replace(hour=15, minute=12, second=0, microsecond=0),
        source="deploy",
        services=[shop] if shop else [],
        links=[
            {"href": "https://ci.kestrel-supply.example/web-shop/1873", "text": "Pipeline 1873"}
        ],
        external_id="demo-web-shop-4.18.2",
    )
    return do_record_deploy(session=session, deploy=deploy, now=now)


def _actor(session: Session, key: str) -> Actor:
    person = session.scalar(select(Person).where(Person.email == f"{key}@{DOMAIN}"))
    assert person is not None, key  # the demo's own people, loaded first
    return actor_for(person)
