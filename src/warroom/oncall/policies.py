"""Escalation policies, which service pages through which policy, and the organisation-wide
paging routes. The caller owns the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Team
from warroom.catalog.models import Service
from warroom.errors import Conflict, InvalidInput, NotFound
from warroom.incidents.service import check_person
from warroom.oncall.escalation_rules import PolicySpec, StepSpec, TargetKind, TargetSpec
from warroom.oncall.models import (
    EscalationPolicy,
    EscalationStep,
    EscalationTarget,
    PagingRoute,
    Schedule,
    ServicePolicy,
)
from warroom.oncall.policy_schemas import (
    PolicyIn,
    PolicyOut,
    RoutesIn,
    RoutesOut,
    StepOut,
    TargetIn,
    TargetOut,
)

ROUTE_NAMES = ("security", "default", "commander")


def target_spec(row: EscalationTarget) -> TargetSpec:
    if row.person is not None:
        return TargetSpec(TargetKind.person, row.person.id, row.person.name)
    if row.schedule is not None:
        return TargetSpec(TargetKind.schedule, row.schedule.id, row.schedule.name)
    assert row.team is not None  # the table's check constraint: exactly one target
    return TargetSpec(TargetKind.team, row.team.id, row.team.name)


def spec_of_policy(policy: EscalationPolicy) -> PolicySpec:
    steps = tuple(
        StepSpec(s.delay_minutes, tuple(target_spec(t) for t in s.targets)) for s in policy.steps
    )
    return PolicySpec(policy.id, policy.name, policy.repeat, steps)


def access_policy(*, session: Session, ref: str) -> EscalationPolicy:
    """By id or by name; 404 when there is none."""
    query = select(EscalationPolicy).where(EscalationPolicy.name == ref.strip())
    policy = session.scalars(query).first()
    if policy is None and ref.strip().isdigit():
        policy = session.get(EscalationPolicy, int(ref.strip()))
    if policy is None:
        raise NotFound(f"no escalation policy {ref!r}")
    return policy


def check_policy(*, session: Session, name: str, field: str) -> EscalationPolicy:
    policy = session.scalars(select(EscalationPolicy).where(EscalationPolicy.name == name)).first()
    if policy is None:
        raise InvalidInput(field, f"unknown escalation policy {name!r}")
    return policy


def check_schedule(*, session: Session, name: str, field: str) -> Schedule:
    schedule = session.scalars(select(Schedule).where(Schedule.name == name)).first()
    if schedule is None:
        raise InvalidInput(field, f"unknown schedule {name!r}")
    return schedule


def list_policies(*, session: Session) -> list[EscalationPolicy]:
    return list(session.scalars(select(EscalationPolicy).order_by(EscalationPolicy.name)))


def do_create_policy(*, session: Session, data: PolicyIn, now: datetime) -> EscalationPolicy:
    _check_name_free(session, data.name, None)
    policy = EscalationPolicy(name=data.name, created_at=now)
    _fill(session, policy, data, now)
    session.add(policy)
    session.flush()
    return policy


def do_replace_policy(
    *, session: Session, policy: EscalationPolicy, data: PolicyIn, now: datetime
) -> EscalationPolicy:
    """Replace name, repeat and steps. Escalations already running keep their snapshot."""
    _check_name_free(session, data.name, policy.id)
    policy.name = data.name
    policy.steps.clear()
    session.flush()  # the old steps go before the new ones take their positions
    _fill(session, policy, data, now)
    session.flush()
    return policy


def _check_name_free(session: Session, name: str, own_id: int | None) -> None:
    query = select(EscalationPolicy.id).where(EscalationPolicy.name == name)
    found = session.scalar(query)
    if found is not None and found != own_id:
        raise Conflict(f"an escalation policy named {name!r} already exists")


def _fill(session: Session, policy: EscalationPolicy, data: PolicyIn, now: datetime) -> None:
    policy.description, policy.repeat, policy.updated_at = data.description, data.repeat, now
    for i, step in enumerate(data.steps):
        targets = [
            _target(session, t, f"steps.{i}.targets.{j}") for j, t in enumerate(step.targets)
        ]
        policy.steps.append(
            EscalationStep(position=i, delay_minutes=step.delay_minutes, targets=targets)
        )


def _target(session: Session, given: TargetIn, field: str) -> EscalationTarget:
    if given.person is not None:
        person = check_person(session=session, email=given.person, field=f"{field}.person")
        return EscalationTarget(person_id=person.id, person=person)
    if given.schedule is not None:
        schedule = check_schedule(session=session, name=given.schedule, field=f"{field}.schedule")
        return EscalationTarget(schedule_id=schedule.id, schedule=schedule)
    assert given.team is not None  # TargetIn admits exactly one
    team = session.scalars(select(Team).where(Team.name == given.team)).first()
    if team is None:
        raise InvalidInput(f"{field}.team", f"unknown team {given.team!r}")
    return EscalationTarget(team_id=team.id, team=team)


def do_delete_policy(*, session: Session, policy: EscalationPolicy) -> None:
    """Refused while a service or a route uses it: deleting it would silently leave them
    paging nobody. Running escalations keep their snapshot and carry on."""
    services, routes = _uses(session, policy.id)
    if services or routes:
        used = ", ".join([*(f"service {s}" for s in services), *(f"route {r}" for r in routes)])
        raise Conflict(f"escalation policy {policy.name!r} is in use ({used}); reassign first")
    session.delete(policy)
    session.flush()


def _uses(session: Session, policy_id: int) -> tuple[list[str], list[str]]:
    services = session.scalars(
        select(Service.name)
        .join(ServicePolicy, ServicePolicy.service_id == Service.id)
        .where(ServicePolicy.policy_id == policy_id)
        .order_by(Service.name)
    )
    routes = session.scalars(
        select(PagingRoute.name)
        .where(PagingRoute.policy_id == policy_id)
        .order_by(PagingRoute.name)
    )
    return list(services), list(routes)


def policy_out(session: Session, policy: EscalationPolicy) -> PolicyOut:
    services, routes = _uses(session, policy.id)
    steps = [
        StepOut(
            position=s.position,
            delay_minutes=s.delay_minutes,
            targets=[_target_out(t) for t in s.targets],
        )
        for s in policy.steps
    ]
    return PolicyOut(
        id=policy.id,
        name=policy.name,
        description=policy.description,
        repeat=policy.repeat,
        steps=steps,
        services=services,
        routes=routes,
        created_at=policy.created_at,
        updated_at=policy.updated_at,
    )


def _target_out(row: EscalationTarget) -> TargetOut:
    spec = target_spec(row)
    email = row.person.email if row.person is not None else None
    return TargetOut(kind=spec.kind.value, id=spec.id, name=spec.name, email=email)


# ---------------------------------------------------------------- services and routes


def do_assign_service_policy(
    *, session: Session, service: Service, policy: EscalationPolicy
) -> ServicePolicy:
    row = session.get(ServicePolicy, service.id)
    if row is None:
        row = ServicePolicy(service_id=service.id)
        session.add(row)
    row.policy_id, row.service, row.policy = policy.id, service, policy
    session.flush()
    return row


def service_policy(*, session: Session, service: Service) -> ServicePolicy:
    row = session.get(ServicePolicy, service.id)
    if row is None:
        raise NotFound(f"service {service.name!r} has no escalation policy")
    return row


def do_unassign_service_policy(*, session: Session, service: Service) -> None:
    session.delete(service_policy(session=session, service=service))
    session.flush()


def routes_out(session: Session) -> RoutesOut:
    rows = {r.name: r for r in session.scalars(select(PagingRoute))}
    names: dict[str, str | None] = dict.fromkeys(ROUTE_NAMES)
    for name, row in rows.items():
        if row.policy_id is not None:
            policy = session.get(EscalationPolicy, row.policy_id)
            names[name] = policy.name if policy else None
        elif row.schedule_id is not None:
            schedule = session.get(Schedule, row.schedule_id)
            names[name] = schedule.name if schedule else None
    return RoutesOut(**names)


def do_set_routes(*, session: Session, data: RoutesIn) -> RoutesOut:
    """Replace the routing: each route given is set, each left out is cleared."""
    wanted: dict[str, tuple[int | None, int | None]] = {}
    for name in ("security", "default"):
        given = getattr(data, name)
        policy = check_policy(session=session, name=given, field=name) if given else None
        wanted[name] = (policy.id if policy else None, None)
    schedule = (
        check_schedule(session=session, name=data.commander, field="commander")
        if data.commander
        else None
    )
    wanted["commander"] = (None, schedule.id if schedule else None)
    for name, (policy_id, schedule_id) in wanted.items():
        _set_route(session, name, policy_id, schedule_id)
    session.flush()
    return routes_out(session)


def _set_route(session: Session, name: str, policy_id: int | None, schedule_id: int | None) -> None:
    row = session.get(PagingRoute, name)
    if policy_id is None and schedule_id is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = PagingRoute(name=name)
        session.add(row)
    row.policy_id, row.schedule_id = policy_id, schedule_id
