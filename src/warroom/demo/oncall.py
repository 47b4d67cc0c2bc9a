"""The demo's on-call set-up: weekly rotations per team, an incident-commander rotation,
escalation policies that end at the team lead, and the organisation's paging routes.

Loaded after the demo incidents, so their story is not interrupted by pages; an incident
declared on the demo afterwards pages the person on call for its service."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from warroom.catalog.service import access_service
from warroom.demo.org import DOMAIN, SERVICES
from warroom.oncall.policies import do_assign_service_policy, do_create_policy, do_set_routes
from warroom.oncall.policy_schemas import PolicyIn, RoutesIn, StepIn, TargetIn
from warroom.oncall.schedule_rules import Rotation
from warroom.oncall.schedule_schemas import LayerIn, ScheduleIn
from warroom.oncall.schedules import do_create_schedule

# Name → (time zone, people in rotation order); weekly, handing over on Mondays at 09:00.
ROTATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "operations-primary": ("America/Chicago", ("marcus.webb", "tomas.ortega", "jonas.becker")),
    "sales-apps-primary": ("Asia/Kolkata", ("anika.deshpande", "rahul.menon", "sophie.laurent")),
    "database-primary": ("Europe/London", ("samuel.adeyemi", "mei.tanaka")),
    "network-primary": ("Europe/Warsaw", ("piotr.nowak", "grace.liu")),
    "identity-primary": ("Europe/Warsaw", ("ben.carter", "elena.kowalska")),
    "security-primary": ("Europe/Berlin", ("kwame.asante", "hannah.fischer")),
    "incident-commanders": ("America/Chicago", ("priya.raman", "daniel.okafor", "maria.santos")),
}

# Policy → (first step's schedules, the lead paged next); each runs its steps twice.
POLICIES: dict[str, tuple[tuple[str, ...], str]] = {
    "Operations": (("operations-primary",), "priya.raman"),
    "Sales Apps Development": (("sales-apps-primary",), "daniel.okafor"),
    "Database": (("database-primary",), "samuel.adeyemi"),
    "Network": (("network-primary",), "piotr.nowak"),
    "Identity": (("identity-primary",), "elena.kowalska"),
    # Security incidents reach the security and the identity teams together.
    "Security": (("security-primary", "identity-primary"), "hannah.fischer"),
}
FIRST_HANDOFF = datetime(2026, 1, 5, 9, 0)  # a Monday


def _email(key: str) -> str:
    return f"{key}@{DOMAIN}"


def _schedules(session: Session, now: datetime) -> None:
    for name, (zone, keys) in ROTATIONS.items():
        layer = LayerIn(
            name="weekly",
            rotation=Rotation.weekly,
            starts=FIRST_HANDOFF,
            participants=[_email(k) for k in keys],
        )
        data = ScheduleIn(name=name, timezone=zone, layers=[layer])
        do_create_schedule(session=session, data=data, now=now)


def _policies(session: Session, now: datetime) -> None:
    for name, (schedules, lead) in POLICIES.items():
        first = StepIn(delay_minutes=10, targets=[TargetIn(schedule=s) for s in schedules])
        then = StepIn(delay_minutes=15, targets=[TargetIn(person=_email(lead))])
        data = PolicyIn(name=name, repeat=1, steps=[first, then])
        policy = do_create_policy(session=session, data=data, now=now)
        for service in SERVICES:
            if service.owner == name:
                found = access_service(session=session, name=service.name)
                do_assign_service_policy(session=session, service=found, policy=policy)


def load_oncall(*, session: Session, now: datetime) -> None:
    _schedules(session, now)
    _policies(session, now)
    # The service desk's services have no policy of their own: operations takes them.
    routes = RoutesIn(security="Security", default="Operations", commander="incident-commanders")
    do_set_routes(session=session, data=routes)
