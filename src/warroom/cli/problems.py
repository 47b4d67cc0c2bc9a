"""Failures the CLI reports, as RFC 9457 problem documents.

Whether a command ran against the local database or a remote server, a failure reaches the
user in one shape: the same document the API would send, so ``--json`` output is identical in
both modes and scripts can read ``errors[].field``.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from warroom.errors import Conflict, WarroomError


class Problem(Exception):
    """A failure with its problem document; the command exits 1 after printing it."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(str(body.get("detail") or body.get("title") or "failed"))
        self.body = body

    @property
    def message(self) -> str:
        """One readable line that names the field when there is one."""
        title = str(self.body.get("title") or "Error")
        detail = str(self.body.get("detail") or "")
        return f"{title}: {detail}" if detail and detail != title else title


def problem_body(
    status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    body["detail"] = detail
    if errors:
        body["errors"] = errors
    return body


def from_error(exc: WarroomError) -> Problem:
    errors = [{"field": e.field, "detail": e.detail} for e in exc.errors]
    body = problem_body(exc.status, exc.title, exc.detail, errors)
    if isinstance(exc, Conflict) and exc.current:
        body["current"] = exc.current
    return Problem(body)


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "input"


def from_validation(exc: ValidationError) -> Problem:
    """Pydantic's complaint about a command's options, worded as the API words it."""
    errors = [{"field": _field(tuple(e["loc"])), "detail": str(e["msg"])} for e in exc.errors()]
    detail = "; ".join(f"{e['field']}: {e['detail']}" for e in errors)
    return Problem(problem_body(422, "Invalid input", detail, errors))


def invalid(field: str, detail: str) -> Problem:
    errors = [{"field": field, "detail": detail}]
    return Problem(problem_body(422, "Invalid input", f"{field}: {detail}", errors))
