"""Checklist (task template) pages: everyone reads them, managers write them."""

from __future__ import annotations

from itertools import zip_longest
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession
from warroom.access.pages import PageManager, PageViewer
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.errors import WarroomError
from warroom.incidents.models import TaskTemplate
from warroom.incidents.rules import IncidentRole, Kind, Severity
from warroom.incidents.schemas import TemplateIn
from warroom.incidents.tasks import access_template, do_save_template, list_templates
from warroom.security.rules import Phase
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, form_errors, render, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
BLANK_ROWS = 3  # room to add items without JavaScript


@router.get("/task-templates")
def template_list(request: Request, session: DbSession, actor: PageViewer) -> Response:
    context = {
        "actor": actor,
        "templates": list_templates(session=session),
        "can_edit": actor.allows(Role.manager),
        "nav": "templates",
    }
    return render(request, "templates_list.html", context)


def _values(template: TaskTemplate | None) -> dict[str, Any]:
    if template is None:
        return {
            "name": "",
            "kind": "service",
            "severities": [],
            "auto_apply": True,
            "items": [],
            "phase": "",
        }
    return {
        "name": template.name,
        "kind": template.kind,
        "severities": list(template.severities),
        "auto_apply": template.auto_apply,
        "phase": template.phase or "",
        "items": [dict(i) for i in template.items],
    }


def _form_page(
    request: Request,
    actor: Actor,
    template_id: int | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    items = values["items"] + [{"title": "", "role": None, "due_minutes": None}] * BLANK_ROWS
    context = {
        "actor": actor,
        "template_id": template_id,
        "values": values | {"items": items},
        "errors": errors or {},
        "can_edit": actor.allows(Role.manager),
        "kinds": list(Kind),
        "phases": list(Phase),
        "severities": list(Severity),
        "incident_roles": list(IncidentRole),
        "nav": "templates",
    }
    return render(request, "template_form.html", context, status)


@router.get("/task-templates/new")
def new_template(request: Request, actor: PageManager) -> Response:
    return _form_page(request, actor, None, _values(None))


@router.get("/task-templates/{template_id}")
def show_template(
    template_id: int, request: Request, session: DbSession, actor: PageViewer
) -> Response:
    template = access_template(session=session, template_id=template_id, field="id")
    return _form_page(request, actor, template_id, _values(template))


FormList = Annotated[list[str], Form()]


def _posted(
    name: str, kind: str, severities: list[str], auto_apply: str, rows: list[list[str]], phase: str
) -> dict[str, Any]:
    items = [
        {"title": title.strip(), "role": role or None, "due_minutes": due.strip() or None}
        for title, role, due in zip_longest(*rows, fillvalue="")
        if title.strip()
    ]
    return {
        "name": name,
        "kind": kind,
        "severities": severities,
        "auto_apply": bool(auto_apply),
        "items": items,
        "phase": phase or None,
    }


def _save(
    request: Request,
    session: Session,
    actor: Actor,
    template_id: int | None,
    values: dict[str, Any],
) -> Response:
    try:
        template = (
            access_template(session=session, template_id=template_id, field="id")
            if template_id is not None
            else None
        )
        saved = do_save_template(
            session=session, data=TemplateIn.model_validate(values), template=template
        )
    except (ValidationError, WarroomError) as exc:
        session.rollback()
        status = exc.status if isinstance(exc, WarroomError) else 422
        return _form_page(request, actor, template_id, values, _readable(form_errors(exc)), status)
    flash(request, f"Checklist “{saved.name}” saved.")
    return see_other("/task-templates")


def _readable(errors: dict[str, str]) -> dict[str, str]:
    """``items.0.due_minutes`` → ``task 1 due minutes``: rows as the form numbers them."""
    named = {}
    for field, message in errors.items():
        parts = field.split(".")
        if len(parts) == 3 and parts[0] == "items" and parts[1].isdigit():
            field = f"task {int(parts[1]) + 1} {parts[2]}"
        named[field] = message
    return named


@router.post("/task-templates")
def create_template(
    request: Request,
    session: DbSession,
    actor: PageManager,
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    severities: FormList = [],  # noqa: B006 - FastAPI copies form defaults
    auto_apply: Annotated[str, Form()] = "",
    item_title: FormList = [],  # noqa: B006
    item_role: FormList = [],  # noqa: B006
    item_due: FormList = [],  # noqa: B006
    phase: Annotated[str, Form()] = "",
) -> Response:
    rows = [item_title, item_role, item_due]
    values = _posted(name, kind, severities, auto_apply, rows, phase)
    return _save(request, session, actor, None, values)


@router.post("/task-templates/{template_id}")
def update_template(
    template_id: int,
    request: Request,
    session: DbSession,
    actor: PageManager,
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    severities: FormList = [],  # noqa: B006 - FastAPI copies form defaults
    auto_apply: Annotated[str, Form()] = "",
    item_title: FormList = [],  # noqa: B006
    item_role: FormList = [],  # noqa: B006
    item_due: FormList = [],  # noqa: B006
    phase: Annotated[str, Form()] = "",
) -> Response:
    rows = [item_title, item_role, item_due]
    values = _posted(name, kind, severities, auto_apply, rows, phase)
    return _save(request, session, actor, template_id, values)
