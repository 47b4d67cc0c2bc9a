"""JSON routes for editing task templates (checklists)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from warroom.access.deps import DbSession, Manager, Viewer
from warroom.incidents import present
from warroom.incidents.schemas import TemplateIn, TemplateOut
from warroom.incidents.tasks import access_template, do_save_template, list_templates

router = APIRouter(prefix="/api/v1/task-templates", tags=["task templates"])


@router.get("", response_model=list[TemplateOut])
def list_(session: DbSession, actor: Viewer) -> list[TemplateOut]:
    return [present.template_out(t) for t in list_templates(session=session)]


@router.post("", status_code=201, response_model=TemplateOut)
def create(body: TemplateIn, session: DbSession, actor: Manager) -> TemplateOut:
    return present.template_out(do_save_template(session=session, data=body))


@router.get("/{template_id}", response_model=TemplateOut)
def show(template_id: int, session: DbSession, actor: Viewer) -> TemplateOut:
    return present.template_out(
        access_template(session=session, template_id=template_id, field="id")
    )


@router.put("/{template_id}", response_model=TemplateOut)
def replace(template_id: int, body: TemplateIn, session: DbSession, actor: Manager) -> TemplateOut:
    template = access_template(session=session, template_id=template_id, field="id")
    return present.template_out(do_save_template(session=session, data=body, template=template))


@router.delete("/{template_id}", status_code=204)
def delete(template_id: int, session: DbSession, actor: Manager) -> Response:
    session.delete(access_template(session=session, template_id=template_id, field="id"))
    return Response(status_code=204)
