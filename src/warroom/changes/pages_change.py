"""One change's page: its window, scope, risk, conflicts, approvals and own timeline, and the
forms that move it. Every form posts here and is answered with a redirect back (PRG); a
refusal is shown beside the form that caused it, and a start the gate refuses lists the
conflicts in its way, next to the field that overrides them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageResponder, PageViewer
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.changes import lifecycle, present, save
from warroom.changes.models import Change
from warroom.changes.pages import changes_page, status_of
from warroom.changes.rules import HOLDABLE, ChangeState, ChangeType, allowed_next
from warroom.changes.schemas import ApprovalIn, ChangeUpdate, HoldIn
from warroom.changes.service import access_change, format_change
from warroom.errors import Blocked, WarroomError
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, form_errors, label, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
S = ChangeState
# The plain moves, as buttons; approving, holding, releasing and starting have forms of
# their own (a comment, a reason, an override).
MOVES = {
    S.submitted: "Submit for approval",
    S.draft: "Back to draft",
    S.approved: "Unschedule",
    S.scheduled: "Schedule",
    S.completed: "Completed",
    S.failed: "Failed",
    S.rolled_back: "Rolled back",
    S.cancelled: "Cancel the change",
}
ENDINGS = frozenset({S.failed, S.rolled_back, S.cancelled})


@dataclass(frozen=True)
class Move:
    state: str
    text: str
    ends: bool  # shown quieter: a way out, not the way forward


def moves(change: Change) -> list[Move]:
    state, kind = S(change.state), ChangeType(change.type)
    offered = allowed_next(state, kind, change.held_from) - {S.on_hold, S.in_progress}
    if state is S.submitted:
        offered.discard(S.approved)  # the decision form approves
    if state is S.on_hold and change.held_from:
        offered.discard(S(change.held_from))  # the release form
    found = []
    for target in S:  # in the state machine's order, so buttons keep their places
        if target in offered:
            text = MOVES[target]
            if target is S.submitted and kind is ChangeType.standard:
                text = "Submit (pre-approved)"
            found.append(Move(target.value, text, target in ENDINGS))
    return found


def base_url(request: Request) -> str:
    return str(request.app.state.settings.base_url)


def _may(session: Session, change: Change, actor: Actor) -> dict[str, bool]:
    """What the viewer is offered; the services check again when a form is sent."""
    state, act = S(change.state), actor.allows(Role.responder)
    kind = ChangeType(change.type)
    holder = act and lifecycle.can_hold(session, change, actor)
    return {
        "can_move": act,
        "can_start": act and S.in_progress in allowed_next(state, kind, change.held_from),
        "can_decide": act and state is S.submitted and lifecycle.can_approve(change, actor),
        "can_hold": holder and state in HOLDABLE,
        "can_release": holder and state is S.on_hold and bool(change.held_from),
    }


def change_page(
    request: Request,
    session: Session,
    actor: Actor,
    change: Change,
    at: datetime,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "change": present.change_detail(session, change, at, base_url(request)),
        "moves": moves(change),
        "blocked": [],
        "page_url": f"/changes/{change.id}",
        "tab": "list",
    }
    context |= _may(session, change, actor)
    return changes_page(request, "detail.html", actor, context | (extra or {}), status)


@router.get("/changes/{change_id:int}")
def change_detail(
    change_id: int, request: Request, session: DbSession, actor: PageViewer, at: Now
) -> Response:
    change = access_change(session=session, ref=change_id)
    return change_page(request, session, actor, change, at)


Act = Callable[[Change], str]


def _message(exc: ValidationError | WarroomError) -> str:
    return "; ".join(
        text if field == "form" else f"{label(field)}: {text}"
        for field, text in form_errors(exc).items()
    )


def _act(
    request: Request,
    session: Session,
    actor: Actor,
    at: datetime,
    change_id: int,
    form: str,
    act: Act,
    values: dict[str, Any],
) -> Response:
    """Run one action; on success flash what happened and go back to the form's section."""
    change = access_change(session=session, ref=change_id)
    try:
        done = act(change)
        session.flush()
    except (ValidationError, WarroomError) as exc:
        # Roll back before answering: the request's transaction would otherwise commit what
        # the service flushed before it refused.
        session.rollback()
        extra: dict[str, Any] = {"errors": {form: _message(exc)}, "values": {form: values}}
        if isinstance(exc, Blocked):
            extra |= {"blocked": exc.extra.get("conflicts", []), "errors": {form: exc.detail}}
        change = access_change(session=session, ref=change_id)
        return change_page(request, session, actor, change, at, extra, status_of(exc))
    flash(request, done)
    return see_other(f"/changes/{change.id}#{form}")


Version = Annotated[int | None, Form()]


@router.post("/changes/{change_id:int}/state")
def move(
    change_id: int,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    state: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    override_reason: Annotated[str, Form()] = "",
    version: Version = None,
) -> Response:
    """A move of the state machine; a start passes the gate as the API's does."""

    def act(change: Change) -> str:
        data = ChangeUpdate.model_validate(
            {
                "state": state,
                "reason": reason.strip() or None,
                "override_reason": override_reason.strip() or None,
                "version": version,
            }
        )
        save.do_patch_change(
            session=session,
            change=change,
            actor=actor,
            data=data,
            now=at,
            base_url=base_url(request),
        )
        return f"{format_change(change.id)} is now {label(change.state).lower()}."

    form = "start" if state == S.in_progress.value else "moves"
    values = {"reason": reason, "override_reason": override_reason}
    return _act(request, session, actor, at, change_id, form, act, values)


@router.post("/changes/{change_id:int}/decision")
def decide(
    change_id: int,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    decision: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
) -> Response:
    def act(change: Change) -> str:
        body = ApprovalIn.model_validate({"decision": decision, "comment": comment})
        lifecycle.do_decide(
            session=session,
            change=change,
            actor=actor,
            approve=body.decision == "approved",
            comment=body.comment,
            now=at,
        )
        return f"{format_change(change.id)} {body.decision}."

    values = {"comment": comment}
    return _act(request, session, actor, at, change_id, "decision", act, values)


@router.post("/changes/{change_id:int}/hold")
def hold(
    change_id: int,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    reason: Annotated[str, Form()] = "",
) -> Response:
    def act(change: Change) -> str:
        body = HoldIn(reason=reason)
        lifecycle.do_hold(
            session=session,
            change=change,
            actor=actor,
            reason=body.reason,
            now=at,
            base_url=base_url(request),
        )
        return f"{format_change(change.id)} is on hold: its owner and implementer are told."

    return _act(request, session, actor, at, change_id, "hold", act, {"reason": reason})


@router.post("/changes/{change_id:int}/release")
def release(
    change_id: int,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    reason: Annotated[str, Form()] = "",
) -> Response:
    def act(change: Change) -> str:
        body = HoldIn(reason=reason)
        lifecycle.do_release(
            session=session, change=change, actor=actor, reason=body.reason, now=at
        )
        return f"{format_change(change.id)} released: {label(change.state).lower()} again."

    return _act(request, session, actor, at, change_id, "release", act, {"reason": reason})
