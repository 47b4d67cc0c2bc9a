"""The demo's public status page: the services customers see, in two groups, with the public
side of two past incidents (the order database failover and the card payment failures), so
the uptime bars and the history have something to show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.access.service import actor_for
from warroom.demo.org import DOMAIN
from warroom.demo.stories import ORDER_DB_FAILOVER, THREE_D_SECURE, Story
from warroom.incidents.models import Incident
from warroom.statuspage.components import do_create_component
from warroom.statuspage.publishing import do_add_update, do_approve, do_open
from warroom.statuspage.rules import ComponentStatus, Impact
from warroom.statuspage.schemas import AffectedIn, ComponentIn, PublicIncidentIn, UpdateIn

# Name, group, catalog service, description.
COMPONENTS = (
    ("Online ordering", None, None, "Placing and tracking orders"),
    ("Web shop", "Online ordering", "web-shop", "shop.kestrel-supply.example"),
    ("Order entry", "Online ordering", "sales-ordering", "Orders by phone and email"),
    ("Card payments", "Online ordering", "payments-gateway", "Card and invoice payments"),
    ("Customer sign-in", None, "identity-sso", "Single sign-on for shop customers"),
    ("EDI and partner feeds", None, "edi-partner-feed", "AS2/EDI with carriers and customers"),
)


@dataclass(frozen=True)
class Told:
    """The public side of a demo story: minutes after it was declared, status, text."""

    story: Story
    name: str
    impact: Impact
    affected: tuple[tuple[str, ComponentStatus], ...]
    updates: tuple[tuple[int, str, str], ...]


TOLD = (
    Told(
        ORDER_DB_FAILOVER,
        "Orders delayed in the web shop and order entry",
        Impact.major,
        (("Web shop", ComponentStatus.degraded_performance),
         ("Order entry", ComponentStatus.partial_outage)),
        (
            (8, "investigating", "Placing orders is slow or failing for some customers. We are "
                "investigating."),
            (35, "identified", "A database failover is slowing orders down. Orders placed in "
                 "the last hour are safe and will be processed."),
            (60, "monitoring", "Orders are flowing normally again; queued orders are being "
                 "processed."),
            (80, "resolved", "All queued orders have been processed. We are sorry for the delay."),
        ),
    ),
    Told(
        THREE_D_SECURE,
        "Some card payments are declined",
        Impact.minor,
        (("Card payments", ComponentStatus.partial_outage),),
        (
            (10, "investigating", "Some card payments that need 3-D Secure are declined. Invoice "
                 "payments are not affected."),
            (95, "identified", "Our payment provider is fixing a routing fault on its side."),
            (165, "resolved", "Card payments succeed again."),
        ),
    ),
)  # fmt: skip


def load_statuspage(*, session: Session, now: datetime) -> None:
    made = now - timedelta(days=120)
    for name, group, service, description in COMPONENTS:
        data = ComponentIn(
            name=name,
            group=group,
            is_group=group is None and service is None,
            service=service,
            description=description,
            position=COMPONENTS.index((name, group, service, description)),
        )
        do_create_component(session=session, data=data, now=made)
    for told in TOLD:
        _tell(session, told, now)


def _tell(session: Session, told: Told, now: datetime) -> None:
    incident = session.scalar(select(Incident).where(Incident.title == told.story.title))
    priya = session.scalar(select(Person).where(Person.email == f"priya.raman@{DOMAIN}"))
    if incident is None or priya is None:
        return
    actor = actor_for(priya)
    declared = told.story.when.resolve(now)
    first, *rest = told.updates
    at = declared + timedelta(minutes=first[0])
    affected = [AffectedIn(component=c, status=s) for c, s in told.affected]
    opened = PublicIncidentIn(
        name=told.name,
        impact=told.impact,
        status=first[1],
        body=first[2],
        components=affected,
        incident=f"INC-{incident.id}",
    )
    public = do_open(session=session, actor=actor, data=opened, now=at)
    do_approve(session=session, actor=actor, update=public.updates[0], now=at)
    for minutes, status, body in rest:
        at = declared + timedelta(minutes=minutes)
        back = [
            AffectedIn(component=c, status=ComponentStatus.operational) for c, _ in told.affected
        ]
        data = UpdateIn(status=status, body=body, components=back if status == "resolved" else [])
        update = do_add_update(session=session, actor=actor, public=public, data=data, now=at)
        do_approve(session=session, actor=actor, update=update, now=at)
