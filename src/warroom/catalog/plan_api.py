"""JSON routes for the plan as code: the catalog exported as a plan, a plan previewed or
applied, assets imported from CSV. The same use cases as ``warroom plan apply|export`` and
``warroom assets import``, so a file means the same thing whichever way it arrives.

Plans and CSV files are documents, not JSON objects: the routes read the raw body and choose
the parser by ``Content-Type``; any other type is refused with 415."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from warroom.access.deps import DbSession, Manager, Viewer
from warroom.catalog.csv_import import do_import_assets
from warroom.catalog.plan_apply import do_apply_plan, export_plan, preview_plan
from warroom.catalog.plan_present import ImportOut, PlanResultOut, import_out, plan_result
from warroom.catalog.plan_schema import (
    PlanDocument,
    PlanInvalid,
    PlanProblem,
    dump_plan,
    load_plan,
    parse_plan,
    plan_data,
)
from warroom.errors import FieldError, InvalidInput, WarroomError

router = APIRouter(prefix="/api/v1", tags=["plan"])

YAML = "application/yaml"
YAML_TYPES = frozenset({YAML, "text/yaml", "application/x-yaml", "text/x-yaml"})
JSON_TYPE = "application/json"
CSV_TYPES = frozenset({"text/csv", "application/csv"})


class UnsupportedMediaType(WarroomError):
    status = 415
    title = "Unsupported media type"

    def __init__(self, sent: str, accepted: str) -> None:
        detail = f"send {accepted}; got {sent or 'no Content-Type'}"
        super().__init__(detail, errors=[FieldError("Content-Type", detail)])


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").partition(";")[0].strip().lower()


async def _raw_body(request: Request) -> bytes:
    return await request.body()


RawBody = Annotated[bytes, Depends(_raw_body)]


def body_text(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("body", "is not UTF-8 text") from None


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise PlanInvalid([PlanProblem(where, f"not valid JSON: {exc.msg}")]) from None


def read_plan(kind: str, body: bytes) -> PlanDocument:
    """The plan in a request body, YAML or JSON by its media type; raises ``PlanInvalid``
    naming every problem with its path."""
    if kind in YAML_TYPES:
        return load_plan(body_text(body))
    if kind == JSON_TYPE:
        return parse_plan(_json(body_text(body)))
    raise UnsupportedMediaType(kind, f"{YAML}, text/yaml or {JSON_TYPE}")


def wants_json(request: Request, wanted: str | None) -> bool:
    if wanted is not None:
        return wanted == "json"
    accept = request.headers.get("accept", "").lower()
    return JSON_TYPE in accept and not any(t in accept for t in YAML_TYPES)


def _document(kinds: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": kinds}


PLAN_BODY = _document(
    {
        YAML: {"schema": {"type": "string"}, "example": "version: 1\nservices: []\n"},
        "text/yaml": {"schema": {"type": "string"}},
        JSON_TYPE: {"schema": {"type": "object"}, "example": {"version": 1, "services": []}},
    }
)
CSV_BODY = _document({"text/csv": {"schema": {"type": "string"}}})
EXPORT_ANSWER = {
    200: {
        "description": "The whole plan (YAML unless JSON is asked for)",
        "content": {YAML: {"schema": {"type": "string"}}, JSON_TYPE: {"schema": {}}},
    }
}


@router.get("/plan", response_class=Response, responses=EXPORT_ANSWER)  # type: ignore[arg-type]
def export(
    request: Request,
    session: DbSession,
    actor: Viewer,
    wanted: Annotated[Literal["yaml", "json"] | None, Query(alias="format")] = None,
) -> Response:
    """The whole catalog as a plan document, in the format ``warroom plan apply`` and
    ``POST /api/v1/plan`` read back unchanged: YAML by default, JSON with
    ``Accept: application/json`` or ``?format=json``."""
    plan = export_plan(session=session)
    headers = {"Vary": "Accept"}
    if wants_json(request, wanted):
        return JSONResponse(plan_data(plan), headers=headers)
    return Response(dump_plan(plan), media_type=YAML, headers=headers)


@router.post("/plan", response_model=PlanResultOut, openapi_extra={"requestBody": PLAN_BODY})
def apply(
    request: Request, body: RawBody, session: DbSession, actor: Manager, dry_run: bool = False
) -> PlanResultOut:
    """Make the catalog what the plan says (see docs/plan-as-code.md), or with
    ``dry_run=true`` only report what would change. A bad plan is refused whole with 422,
    every problem named by its path in the document (``services[2].tier``)."""
    plan = read_plan(media_type(request), body)
    if dry_run:
        return plan_result(preview_plan(session=session, plan=plan), applied=False)
    return plan_result(do_apply_plan(session=session, plan=plan), applied=True)


@router.post("/assets/import", response_model=ImportOut, openapi_extra={"requestBody": CSV_BODY})
def import_assets(request: Request, body: RawBody, session: DbSession, actor: Manager) -> ImportOut:
    """Create or update assets from a CSV inventory (header
    ``hostname,ip,kind,environment,exposure,services,owner_team,software``). If any row is
    bad, nothing is imported and the 422 names each problem as ``line N: column``."""
    kind = media_type(request)
    if kind not in CSV_TYPES:
        raise UnsupportedMediaType(kind, "text/csv")
    return import_out(do_import_assets(session=session, text=body_text(body)))
