"""Server-rendered postmortem pages: an incident's postmortem (read, edit in Markdown, move
through review) with its action items, the war room's "Postmortem" panel, and the lists of
postmortems and of action items across the incidents the viewer may see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageResponder, PageViewer
from warroom.access.rules import Role
from warroom.access.service import Actor, list_people
from warroom.errors import InvalidInput, WarroomError
from warroom.incidents.models import Incident
from warroom.incidents.pages_room import PanelContext
from warroom.incidents.rules import Status, format_ref
from warroom.incidents.service import access_incident
from warroom.reviews import actions, present, service
from warroom.reviews.rules import (
    SECTIONS,
    ActionStatus,
    ActionType,
    PostmortemState,
    is_overdue,
    is_required,
)
from warroom.reviews.schemas import ActionItemIn, ActionItemPatch, PostmortemPatch
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, form_errors, label, render, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
BASE = "/incidents/{ref}/postmortem"
FormText = Annotated[str, Form()]
MOVES = {"submit": PostmortemState.in_review, "publish": PostmortemState.published,
         "reopen": PostmortemState.draft}  # fmt: skip


def postmortem_panel(session: Session, incident: Incident, view: PanelContext) -> dict[str, Any]:
    """Shown once there is a postmortem, or once one is owed or may be written (resolved)."""
    found = service.find_postmortem(session, incident)
    ended = not Status(incident.status).is_active
    if found is None and not (ended or is_required(incident.severity)):
        return {}
    state = PostmortemState(found.state) if found else None
    return {
        "template": "reviews/_room_postmortem.html",
        "postmortem": found,
        "state": state,
        "required": is_required(incident.severity),
        "overdue": bool(found and state and is_overdue(state, found.due_at, view.now)),
        "url": present.postmortem_url(incident),
        "can_draft": view.actor.allows(Role.responder),
    }


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    incident: Incident,
    now: datetime,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    found = service.find_postmortem(session, incident)
    context = {
        "actor": actor,
        "incident": incident,
        "ref": format_ref(incident.id),
        "pm": present.postmortem_out(session, incident, found, now) if found else None,
        "items": [
            present.action_out(i, incident, now)
            for i in actions.incident_actions(session=session, incident=incident)
        ],
        "sections": SECTIONS,
        "can_edit": actor.allows(Role.responder),
        "people": [p for p in list_people(session=session) if p.active],
        "types": list(ActionType),
        "statuses": list(ActionStatus),
        "nav": "postmortems",
    }
    return render(request, "reviews/postmortem.html", context | (extra or {}), status)


@router.get(BASE)
def show(ref: str, request: Request, session: DbSession, actor: PageViewer, at: Now) -> Response:
    incident = access_incident(session=session, ref=ref, actor=actor)
    return _page(request, session, actor, incident, at)


def _run(
    request: Request,
    session: Session,
    actor: Actor,
    ref: str,
    act: Callable[[Incident], str],
    anchor: str = "postmortem",
) -> Response:
    """Do ``act``; back to the page with what happened, or why nothing did."""
    incident = access_incident(session=session, ref=ref, actor=actor)
    try:
        message = act(incident)
        session.flush()
    except (ValidationError, WarroomError) as exc:
        session.rollback()  # nothing the service flushed before refusing may commit
        message = f"Nothing saved: {_why(exc)}"
    flash(request, message)
    return see_other(f"{present.postmortem_url(incident)}#{anchor}")


def _why(exc: ValidationError | WarroomError) -> str:
    return "; ".join(f"{label(f)}: {t}" if f != "form" else t for f, t in form_errors(exc).items())


@router.post(BASE)
def draft(
    ref: str,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    redraft: FormText = "",
) -> Response:
    def act(incident: Incident) -> str:
        _, made = service.do_draft(session=session, incident=incident, actor=actor, now=at,
                                   redraft=bool(redraft))  # fmt: skip
        return "Postmortem drafted from the timeline." if made else "Postmortem redrafted."

    return _run(request, session, actor, ref, act)


@router.post(BASE + "/edit")
async def edit(
    ref: str, request: Request, session: DbSession, actor: PageResponder, at: Now
) -> Response:
    """Every section's Markdown at once; on a refusal the page comes back with what was typed."""
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf"}
    incident = access_incident(session=session, ref=ref, actor=actor)
    try:
        data = PostmortemPatch.model_validate(_patch_fields(values))
        found = service.access_postmortem(session=session, incident=incident)
        service.do_edit(session=session, incident=incident, postmortem=found, actor=actor,
                        data=data, now=at)  # fmt: skip
        session.flush()
    except (ValidationError, WarroomError) as exc:
        session.rollback()
        status = exc.status if isinstance(exc, WarroomError) else 422
        extra = {"errors": {"edit": _why(exc)}, "values": values}
        return _page(request, session, actor, incident, at, extra, status)
    flash(request, "Postmortem saved.")
    return see_other(present.postmortem_url(incident))


def _patch_fields(values: dict[str, str]) -> dict[str, object]:
    fields: dict[str, object] = {s.key: values.get(s.key, "") for s in SECTIONS}
    if "owner" in values:  # "nobody" clears it
        fields["owner"] = values["owner"] or None
    version = values.get("version", "")
    if version and not version.isdigit():
        raise InvalidInput("version", "must be a number")
    fields["version"] = int(version) if version else None
    return fields


@router.post(BASE + "/{move}")
def move(
    ref: str,
    move: str,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    version: FormText = "",
) -> Response:
    def act(incident: Incident) -> str:
        target = MOVES.get(move)
        if target is None:
            raise InvalidInput("move", "submit, publish or reopen")
        found = service.access_postmortem(session=session, incident=incident)
        seen = int(version) if version.isdigit() else None
        service.do_move(session=session, incident=incident, postmortem=found, actor=actor,
                        target=target, now=at, version=seen)  # fmt: skip
        return f"The postmortem is {target.label}."

    return _run(request, session, actor, ref, act)


@router.post("/incidents/{ref}/action-items")
def add_action(
    ref: str,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    title: FormText = "",
    type: FormText = "",
    owner: FormText = "",
    due_on: FormText = "",
    tracker_url: FormText = "",
) -> Response:
    def act(incident: Incident) -> str:
        data = ActionItemIn.model_validate({"title": title, "type": type, "owner": owner or None,
                                            "due_on": due_on or None,
                                            "tracker_url": tracker_url or None})  # fmt: skip
        item = actions.do_add_action(session=session, incident=incident, actor=actor, data=data,
                                     now=at)  # fmt: skip
        return f"Action item {item.id} added."

    return _run(request, session, actor, ref, act, anchor="action-items")


@router.post("/action-items/{item_id:int}")
def update_action(
    item_id: int,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    status: FormText = "",
    owner: FormText = "",
    due_on: FormText = "",
    back: FormText = "",
    fields: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies form defaults
    title: FormText = "",
    type: FormText = "",
    tracker_url: FormText = "",
    version: Annotated[int | None, Form()] = None,
) -> Response:
    """A row's form names the fields it shows in ``fields`` (else status, owner and due
    date): an empty owner, due date or tracker address clears it; an empty title, type or
    status leaves it."""
    item, incident = actions.access_action(session=session, item_id=item_id, actor=actor)
    sent = {"status": status, "owner": owner, "due_on": due_on, "title": title, "type": type,
            "tracker_url": tracker_url}  # fmt: skip
    try:
        shown = fields or ["status", "owner", "due_on"]
        patch = {name: sent[name] or None for name in shown if name in sent}
        data = ActionItemPatch.model_validate(patch | {"version": version})
        actions.do_update_action(session=session, incident=incident, item=item, actor=actor,
                                 data=data, now=at)  # fmt: skip
        session.flush()
        message = f"Action item {item_id} saved."
    except (ValidationError, WarroomError) as exc:
        session.rollback()
        message = f"Nothing saved: {_why(exc)}"
    flash(request, message)
    target = "/action-items" if back == "list" else f"{present.postmortem_url(incident)}"
    return see_other(f"{target}#action-{item_id}")


@router.get("/postmortems")
def postmortems(
    request: Request,
    session: DbSession,
    actor: PageViewer,
    at: Now,
    state: Annotated[str, Query()] = "",
    overdue: Annotated[str, Query()] = "",
) -> Response:
    states = (PostmortemState(state),) if state in PostmortemState.__members__ else ()
    wanted = service.PostmortemFilter(states, True if overdue == "1" else None)
    rows = service.list_postmortems(session=session, actor=actor, wanted=wanted, now=at)
    context = {
        "actor": actor,
        "rows": [present.summary_out(r, at) for r in rows],
        "states": list(PostmortemState),
        "chosen": {"state": state, "overdue": overdue},
        "nav": "postmortems",
    }
    return render(request, "reviews/postmortems.html", context)


@router.get("/action-items")
def action_items(
    request: Request,
    session: DbSession,
    actor: PageViewer,
    at: Now,
    status: Annotated[str, Query()] = "",
    owner: Annotated[str, Query()] = "",
    overdue: Annotated[str, Query()] = "",
) -> Response:
    statuses = (ActionStatus(status),) if status in ActionStatus.__members__ else ()
    wanted = actions.ActionFilter(statuses, owner or None, True if overdue == "1" else None)
    rows = actions.list_actions(session=session, actor=actor, wanted=wanted, now=at)
    context = {
        "actor": actor,
        "rows": [present.action_out(i, n, at) for i, n in rows],
        "statuses": list(ActionStatus),
        "types": list(ActionType),
        "people": [p for p in list_people(session=session) if p.active],
        "chosen": {"status": status, "owner": owner, "overdue": overdue},
        "can_edit": actor.allows(Role.responder),
        "nav": "postmortems",
    }
    return render(request, "reviews/action_items.html", context)
