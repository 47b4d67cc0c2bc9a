"""Escalation policy pages: the list with the organisation's paging routes, and one policy's
steps. Managers edit a policy a piece at a time (a step, a target, a delay, the repeats, the
services it pages for); each edit rewrites the whole policy through the service, so the same
checks apply as for the API, and escalations already running keep their snapshot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageManager, PageViewer
from warroom.access.service import Actor
from warroom.catalog.service import access_service, list_services
from warroom.errors import InvalidInput, WarroomError
from warroom.oncall import policies as svc
from warroom.oncall.models import EscalationPolicy, EscalationTarget
from warroom.oncall.policy_schemas import PolicyIn, RoutesIn, StepIn, TargetIn
from warroom.oncall.schedules import list_schedules
from warroom.oncall.web_pages import oncall_page, people_and_teams
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, form_errors, label, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
Edit = Callable[[PolicyIn], PolicyIn]


def _choices(session: Session) -> dict[str, Any]:
    """What the target, service and route pickers offer."""
    return {
        **people_and_teams(session),
        "schedules": list_schedules(session=session),
        "services": list_services(session=session),
        "policies": svc.list_policies(session=session),
    }


def message(exc: ValidationError | WarroomError) -> str:
    return "; ".join(
        text if field == "form" else f"{label(field)}: {text}"
        for field, text in form_errors(exc).items()
    )


# --- the list and the routes ----------------------------------------------------------------


def _list_page(
    request: Request, session: Session, actor: Actor, extra: dict[str, Any], status: int = 200
) -> Response:
    rows = [svc.policy_out(session, p) for p in svc.list_policies(session=session)]
    context = {
        "rows": rows,
        "routes": svc.routes_out(session),
        "tab": "policies",
        **_choices(session),
    }
    return oncall_page(request, "policies.html", actor, context | extra, status)


@router.get("/escalation-policies")
def policy_list(request: Request, session: DbSession, actor: PageViewer) -> Response:
    return _list_page(request, session, actor, {})


def target_in(value: str) -> TargetIn:
    """A picker's ``person:<email>``, ``schedule:<name>`` or ``team:<name>``."""
    kind, _, name = value.partition(":")
    if kind not in ("person", "schedule", "team") or not name.strip():
        raise InvalidInput("target", "choose a person, a schedule or a team")
    return TargetIn.model_validate({kind: name})


@router.post("/escalation-policies")
def create_policy(
    request: Request,
    session: DbSession,
    actor: PageManager,
    at: Now,
    name: Annotated[str, Form()] = "",
    target: Annotated[str, Form()] = "",
    delay_minutes: Annotated[str, Form()] = "15",
) -> Response:
    values = {"name": name, "target": target, "delay_minutes": delay_minutes}
    try:
        step = {"delay_minutes": delay_minutes or "15", "targets": [target_in(target)]}
        data = PolicyIn.model_validate({"name": name, "steps": [step]})
        policy = svc.do_create_policy(session=session, data=data, now=at)
    except (ValidationError, WarroomError) as exc:
        session.rollback()
        status = exc.status if isinstance(exc, WarroomError) else 422
        extra = {"values": values, "errors": {"new": message(exc)}}
        return _list_page(request, session, actor, extra, status)
    flash(request, f"Escalation policy “{policy.name}” created; add steps below.")
    return see_other(f"/escalation-policies/{policy.id}")


@router.post("/paging-routes")
def set_routes(
    request: Request,
    session: DbSession,
    actor: PageManager,
    security: Annotated[str, Form()] = "",
    default: Annotated[str, Form()] = "",
    commander: Annotated[str, Form()] = "",
) -> Response:
    given = {"security": security, "default": default, "commander": commander}
    try:
        data = RoutesIn.model_validate({k: v or None for k, v in given.items()})
        svc.do_set_routes(session=session, data=data)
    except (ValidationError, WarroomError) as exc:
        session.rollback()
        status = exc.status if isinstance(exc, WarroomError) else 422
        return _list_page(request, session, actor, {"errors": {"routes": message(exc)}}, status)
    flash(request, "Paging routes saved.")
    return see_other("/escalation-policies#routes")


# --- one policy -----------------------------------------------------------------------------


def _policy_page(
    request: Request,
    session: Session,
    actor: Actor,
    policy: EscalationPolicy,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "policy": policy,
        "out": svc.policy_out(session, policy),
        "tab": "policies",
        "page_url": f"/escalation-policies/{policy.id}",
        **_choices(session),
    }
    return oncall_page(request, "policy.html", actor, context | (extra or {}), status)


@router.get("/escalation-policies/{policy_id}")
def policy_detail(
    policy_id: int, request: Request, session: DbSession, actor: PageViewer
) -> Response:
    policy = svc.access_policy(session=session, ref=str(policy_id))
    return _policy_page(request, session, actor, policy)


def _target_of(row: EscalationTarget) -> TargetIn:
    if row.person is not None:
        return TargetIn(person=row.person.email)
    if row.schedule is not None:
        return TargetIn(schedule=row.schedule.name)
    assert row.team is not None  # the table's check constraint: exactly one target
    return TargetIn(team=row.team.name)


def policy_in(policy: EscalationPolicy) -> PolicyIn:
    """The policy as it stands, in the shape the service replaces it from."""
    # Built without validation: a step whose only schedule was deleted has no target left,
    # and the edit that adds one (or removes the step) must still be possible.
    steps = [
        StepIn.model_construct(
            delay_minutes=s.delay_minutes, targets=[_target_of(t) for t in s.targets]
        )
        for s in policy.steps
    ]
    return PolicyIn.model_construct(
        name=policy.name, description=policy.description, repeat=policy.repeat, steps=steps
    )


def _edit(
    request: Request,
    session: Session,
    actor: Actor,
    at: datetime,
    policy_id: int,
    change: tuple[str, Edit],
) -> Response:
    """Apply one edit to the whole policy and save it; a refusal is shown beside the form
    (``change``'s first item names it) and nothing is saved."""
    form, edit = change
    policy = svc.access_policy(session=session, ref=str(policy_id))
    try:
        data = PolicyIn.model_validate(edit(policy_in(policy)).model_dump())
        svc.do_replace_policy(session=session, policy=policy, data=data, now=at)
    except (ValidationError, WarroomError) as exc:
        session.rollback()
        status = exc.status if isinstance(exc, WarroomError) else 422
        policy = svc.access_policy(session=session, ref=str(policy_id))
        return _policy_page(
            request, session, actor, policy, {"errors": {form: message(exc)}}, status
        )
    flash(request, f"Escalation policy “{policy.name}” saved.")
    return see_other(f"/escalation-policies/{policy.id}#{form}")


def _step_at(data: PolicyIn, position: int) -> StepIn:
    if not 0 <= position < len(data.steps):
        raise InvalidInput("step", f"there is no step {position + 1}; reload the page")
    return data.steps[position]


def _settings(name: str, description: str, repeat: str) -> Edit:
    def edit(data: PolicyIn) -> PolicyIn:
        if not repeat.strip().isdigit():
            raise InvalidInput("repeat", "a whole number from 0 to 9")
        return data.model_copy(
            update={"name": name.strip(), "description": description, "repeat": int(repeat)}
        )

    return edit


@router.post("/escalation-policies/{policy_id}/settings")
def save_settings(
    policy_id: int,
    request: Request,
    session: DbSession,
    actor: PageManager,
    at: Now,
    name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    repeat: Annotated[str, Form()] = "0",
) -> Response:
    change = ("settings", _settings(name, description, repeat))
    return _edit(request, session, actor, at, policy_id, change)


def _add_step(target: str, delay: str) -> Edit:
    def edit(data: PolicyIn) -> PolicyIn:
        step = StepIn.model_validate(
            {"delay_minutes": delay or "15", "targets": [target_in(target)]}
        )
        return data.model_copy(update={"steps": [*data.steps, step]})

    return edit


@router.post("/escalation-policies/{policy_id}/steps")
def add_step(
    policy_id: int,
    request: Request,
    session: DbSession,
    actor: PageManager,
    at: Now,
    target: Annotated[str, Form()] = "",
    delay_minutes: Annotated[str, Form()] = "15",
) -> Response:
    change = ("steps", _add_step(target, delay_minutes))
    return _edit(request, session, actor, at, policy_id, change)


def _remove_step(position: int) -> Edit:
    def edit(data: PolicyIn) -> PolicyIn:
        _step_at(data, position)
        if len(data.steps) == 1:
            raise InvalidInput(
                "step", "a policy needs at least one step; delete the policy instead"
            )
        return data.model_copy(update={"steps": data.steps[:position] + data.steps[position + 1 :]})

    return edit


@router.post("/escalation-policies/{policy_id}/steps/{position}/delete")
def remove_step(
    policy_id: int, position: int, request: Request, session: DbSession, actor: PageManager, at: Now
) -> Response:
    return _edit(request, session, actor, at, policy_id, ("steps", _remove_step(position)))


def _step_edit(position: int, change: Callable[[StepIn], StepIn]) -> Edit:
    def edit(data: PolicyIn) -> PolicyIn:
        steps = list(data.steps)
        steps[position] = change(_step_at(data, position))
        return data.model_copy(update={"steps": steps})

    return edit


@router.post("/escalation-policies/{policy_id}/steps/{position}/delay")
def set_delay(
    policy_id: int,
    position: int,
    request: Request,
    session: DbSession,
    actor: PageManager,
    at: Now,
    delay_minutes: Annotated[str, Form()] = "",
) -> Response:
    def change(step: StepIn) -> StepIn:
        return StepIn.model_validate({"delay_minutes": delay_minutes, "targets": step.targets})

    edit = _step_edit(position, change)
    return _edit(request, session, actor, at, policy_id, (f"step-{position}", edit))


@router.post("/escalation-policies/{policy_id}/steps/{position}/targets")
def add_target(
    policy_id: int,
    position: int,
    request: Request,
    session: DbSession,
    actor: PageManager,
    at: Now,
    target: Annotated[str, Form()] = "",
) -> Response:
    def change(step: StepIn) -> StepIn:
        return step.model_copy(update={"targets": [*step.targets, target_in(target)]})

    edit = _step_edit(position, change)
    return _edit(request, session, actor, at, policy_id, (f"step-{position}", edit))


@router.post("/escalation-policies/{policy_id}/steps/{position}/targets/{index}/delete")
def remove_target(
    policy_id: int,
    position: int,
    index: int,
    request: Request,
    session: DbSession,
    actor: PageManager,
    at: Now,
) -> Response:
    def change(step: StepIn) -> StepIn:
        if not 0 <= index < len(step.targets):
            raise InvalidInput("target", "that target is gone already; reload the page")
        if len(step.targets) == 1:
            raise InvalidInput("target", "a step needs a target; remove the step instead")
        return step.model_copy(update={"targets": step.targets[:index] + step.targets[index + 1 :]})

    edit = _step_edit(position, change)
    return _edit(request, session, actor, at, policy_id, (f"step-{position}", edit))


# --- services and deleting ------------------------------------------------------------------


@router.post("/escalation-policies/{policy_id}/services")
def assign_service(
    policy_id: int,
    request: Request,
    session: DbSession,
    actor: PageManager,
    service: Annotated[str, Form()] = "",
) -> Response:
    """Incidents on the service page through this policy from now on (a service has one)."""
    policy = svc.access_policy(session=session, ref=str(policy_id))
    if not service:
        extra = {"errors": {"services": "choose a service"}}
        return _policy_page(request, session, actor, policy, extra, 422)
    found = access_service(session=session, name=service)
    svc.do_assign_service_policy(session=session, service=found, policy=policy)
    flash(request, f"Incidents on {found.name} now page through “{policy.name}”.")
    return see_other(f"/escalation-policies/{policy.id}#services")


@router.post("/escalation-policies/{policy_id}/services/{name}/remove")
def unassign_service(
    policy_id: int,
    name: str,
    request: Request,
    session: DbSession,
    actor: PageManager,  # noqa: ARG001 - enforces the role
) -> Response:
    policy = svc.access_policy(session=session, ref=str(policy_id))
    found = access_service(session=session, name=name)
    svc.do_unassign_service_policy(session=session, service=found)
    flash(request, f"{found.name} has no escalation policy now; the default route pages for it.")
    return see_other(f"/escalation-policies/{policy.id}#services")


@router.post("/escalation-policies/{policy_id}/delete")
def delete_policy(
    policy_id: int, request: Request, session: DbSession, actor: PageManager
) -> Response:
    policy = svc.access_policy(session=session, ref=str(policy_id))
    name = policy.name
    try:
        svc.do_delete_policy(session=session, policy=policy)
    except WarroomError as exc:
        session.rollback()
        policy = svc.access_policy(session=session, ref=str(policy_id))
        extra = {"errors": {"delete": exc.detail}}
        return _policy_page(request, session, actor, policy, extra, exc.status)
    flash(request, f"Escalation policy “{name}” deleted.")
    return see_other("/escalation-policies")
