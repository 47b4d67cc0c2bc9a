"""The plan page: download the catalog as a plan file; managers paste or upload a plan,
preview its changes and apply them, and preview and import an asset CSV.

A preview writes nothing. Its page carries the document in a hidden field, so "Apply"
sends exactly what was previewed, and applying re-checks it against the catalog as it is by
then: a change made meanwhile is not overwritten blindly, it shows in the applied summary."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile

from warroom.access.deps import DbSession
from warroom.access.pages import PageManager, PageViewer, page_actor
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.catalog.csv_import import (
    HEADER,
    CsvInvalid,
    RowProblem,
    do_import_assets,
    preview_import,
)
from warroom.catalog.pages import catalog_page
from warroom.catalog.plan_apply import do_apply_plan, export_plan, preview_plan
from warroom.catalog.plan_present import import_out, plan_result, summary
from warroom.catalog.plan_schema import PlanInvalid, PlanProblem, dump_plan, load_plan
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
PAGE = "/catalog/plan"
DOWNLOAD_NAME = "warroom-plan.yaml"
Text = Annotated[str, Form()]
Upload = Annotated[UploadFile | None, File()]


def plan_page(
    request: Request, actor: Actor, context: dict[str, Any], status: int = 200
) -> Response:
    base = {"can_edit": actor.allows(Role.manager), "header": ",".join(HEADER), "tab": "plan"}
    return catalog_page(request, "plan.html", actor, base | context, status)


@router.get(PAGE)
def page(request: Request, actor: PageViewer) -> Response:
    return plan_page(request, actor, {})


@router.get(f"{PAGE}/download", dependencies=[Depends(page_actor(Role.viewer))])
def download(session: DbSession) -> Response:
    """The whole plan as a file, the same text ``warroom plan export`` writes."""
    headers = {
        "Content-Disposition": f'attachment; filename="{DOWNLOAD_NAME}"',
        "Cache-Control": "no-store",
    }
    return Response(
        dump_plan(export_plan(session=session)), media_type="application/yaml", headers=headers
    )


def submitted(pasted: str, upload: UploadFile | None) -> str | None:
    """A chosen file wins over pasted text; ``None`` when the file is not UTF-8 text."""
    if upload is not None and upload.filename:
        try:
            return upload.file.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
    return pasted


def _plan_problems(text: str | None) -> list[PlanProblem]:
    if text is None:
        return [PlanProblem("file", "is not UTF-8 text")]
    return [] if text.strip() else [PlanProblem("document", "paste a plan or choose a file")]


@router.post(f"{PAGE}/preview")
def preview(
    request: Request,
    session: DbSession,
    actor: PageManager,
    document: Text = "",
    upload: Upload = None,
) -> Response:
    text = submitted(document, upload)
    problems = _plan_problems(text)
    try:
        if problems:
            raise PlanInvalid(problems)
        assert text is not None
        changes = preview_plan(session=session, plan=load_plan(text))
    except PlanInvalid as exc:
        return plan_page(request, actor, {"document": text or "", "plan_errors": exc.problems}, 422)
    result = plan_result(changes, applied=False)
    context = {"document": text, "plan": result, "plan_summary": summary(result)}
    return plan_page(request, actor, context)


@router.post(f"{PAGE}/apply")
def apply(
    request: Request, session: DbSession, actor: PageManager, document: Text = ""
) -> Response:
    try:
        changes = do_apply_plan(session=session, plan=load_plan(document))
    except PlanInvalid as exc:
        session.rollback()
        return plan_page(request, actor, {"document": document, "plan_errors": exc.problems}, 422)
    result = plan_result(changes, applied=True)
    flash(request, f"Plan applied: {summary(result)}." if changes else "Plan applied: no changes.")
    return see_other(PAGE)


def _csv_failed(request: Request, actor: Actor, text: str, exc: CsvInvalid) -> Response:
    context = {"csv": text, "csv_problems": exc.problems, "csv_detail": exc.detail}
    return plan_page(request, actor, context, 422)


def _unreadable() -> CsvInvalid:
    return CsvInvalid([RowProblem(1, "file", "is not UTF-8 text")])


@router.post(f"{PAGE}/assets/preview")
def assets_preview(
    request: Request, session: DbSession, actor: PageManager, csv: Text = "", upload: Upload = None
) -> Response:
    text = submitted(csv, upload)
    try:
        if text is None:
            raise _unreadable()
        result = import_out(preview_import(session=session, text=text))
    except CsvInvalid as exc:
        return _csv_failed(request, actor, text or "", exc)
    return plan_page(request, actor, {"csv": text, "csv_result": result})


@router.post(f"{PAGE}/assets/import")
def assets_import(
    request: Request, session: DbSession, actor: PageManager, csv: Text = ""
) -> Response:
    try:
        result = import_out(do_import_assets(session=session, text=csv))
    except CsvInvalid as exc:
        session.rollback()
        return _csv_failed(request, actor, csv, exc)
    flash(
        request,
        f"Imported {result.imported} assets ({result.created} created, {result.updated} updated).",
    )
    return see_other(PAGE)
