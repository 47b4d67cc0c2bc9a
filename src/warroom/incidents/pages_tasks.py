"""The war room's task forms: add a task, change its status or assignee (the room's PRG and
refusal handling, from ``pages_room.act``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageResponder
from warroom.incidents import tasks
from warroom.incidents.models import Incident
from warroom.incidents.pages_room import act
from warroom.incidents.schemas import TaskCreate, TaskUpdate
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])


@router.post("/incidents/{ref}/tasks")
def add_task(
    ref: str,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    title: Annotated[str, Form()] = "",
    assignee: Annotated[str, Form()] = "",
) -> Response:
    def change(incident: Incident) -> str:
        data = TaskCreate(title=title, assignee=assignee or None)
        task = tasks.do_add_task(session=session, incident=incident, actor=actor, data=data, now=at)
        return f"Task added: {task.title}"

    values = {"title": title, "assignee": assignee}
    return act(request, session, actor, ref, "tasks", change, values)


@router.post("/incidents/{ref}/tasks/{task_id}")
def update_task(
    ref: str,
    task_id: int,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    status: Annotated[str, Form()] = "",
    assignee: Annotated[str, Form()] = "",
) -> Response:
    def change(incident: Incident) -> str:
        task = tasks.access_task(session=session, incident=incident, task_id=task_id)
        # The row's form always sends both fields; pass on only what was changed, so the
        # timeline does not say "assigned to" for a status change.
        current = task.assignee.email if task.assignee else ""
        data = TaskUpdate(
            status=status or None,
            assignee=assignee if assignee and assignee != current else None,
            clear_assignee=not assignee,
        )
        tasks.do_update_task(
            session=session, incident=incident, actor=actor, task=task, data=data, now=at
        )
        return f"Task “{task.title}” saved."

    return act(request, session, actor, ref, "tasks", change)
