"""The mapping of warroom's exception tree (``warroom.errors``) to RFC 9457 problem documents,
installed on the app in one place."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from warroom.errors import Blocked, Conflict, FieldError, WarroomError

PROBLEM_TYPE = "application/problem+json"
log = logging.getLogger("warroom.errors")


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    errors: list[FieldError] | None = None,
    extra: dict[str, Any] | None = None,
    instance: str | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    body["detail"] = detail
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = [{"field": e.field, "detail": e.detail} for e in errors]
    if extra:
        body.update(extra)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_TYPE, headers=headers)


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(loc[0] if loc else "body")


def _validation_errors(exc: RequestValidationError) -> tuple[int, str, list[FieldError]]:
    errors: list[FieldError] = []
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            return 400, "Malformed JSON", [FieldError("body", str(err.get("msg", "invalid JSON")))]
        errors.append(FieldError(_field_path(tuple(err.get("loc", ()))), str(err.get("msg"))))
    return 422, "Invalid input", errors


async def _on_warroom(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, WarroomError)
    extra = {"current": exc.current} if isinstance(exc, Conflict) and exc.current else None
    if isinstance(exc, Blocked):
        extra = exc.extra
    return problem(
        exc.status,
        exc.title,
        exc.detail,
        errors=exc.errors,
        extra=extra,
        instance=request.url.path,
    )


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    status, title, errors = _validation_errors(exc)
    detail = "; ".join(f"{e.field}: {e.detail}" for e in errors)
    return problem(status, title, detail, errors=errors, instance=request.url.path)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    title = {404: "Not found", 405: "Method not allowed", 413: "Request body too large"}
    return problem(
        exc.status_code,
        title.get(exc.status_code, "Error"),
        str(exc.detail),
        instance=request.url.path,
    )


async def _on_unexpected(request: Request, _exc: Exception) -> JSONResponse:
    log.exception("unhandled error", extra={"path": request.url.path})
    return problem(500, "Internal error", "The server failed; the error is logged.")


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(WarroomError, _on_warroom)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)
