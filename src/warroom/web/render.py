"""Shared page helpers: the Jinja2 environment and its filters (times in the viewer's zone,
sanitised Markdown), HTML responses, flash messages, reading form values, and the route
class that turns errors into readable pages instead of problem+json."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import nh3
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup
from pydantic import ValidationError

from warroom.access.rules import Role
from warroom.errors import InvalidInput, WarroomError
from warroom.incidents.rules import SEVERITY_DEFINITIONS, IncidentRole

log = logging.getLogger("warroom.pages")
TEMPLATES = Path(__file__).parent / "templates"
# Tags a note may use; anything else (scripts, styles, iframes, raw HTML) is removed.
NOTE_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h1", "h2",
    "h3", "h4", "hr", "del", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


class LoginRequired(Exception):
    """Raised by page dependencies when nobody is signed in; answered with a redirect."""


# ---------------------------------------------------------------- filters


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def local_time(value: datetime | None, tz: str | None, fmt: str = "%Y-%m-%d %H:%M %Z") -> str:
    return value.astimezone(_zone(tz)).strftime(fmt) if value else "—"


def duration(seconds: float | None) -> str:
    """``95`` → ``1 min 35 s``; hours and days for long incidents."""
    if seconds is None:
        return "—"
    total = int(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


@cache
def _markdown() -> MarkdownIt:
    # Raw HTML is off in the parser; nh3 then enforces the allow-list whatever slips through.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def markdown(text: str) -> Markup:
    html = _markdown().render(text or "")
    return Markup(nh3.clean(html, tags=NOTE_TAGS, link_rel="noopener noreferrer nofollow"))  # noqa: S704 - cleaned by nh3 just above


def label(value: str) -> str:
    """Stored words as people read them: ``in_progress`` → ``In progress``."""
    return value.replace("_", " ").capitalize()


def role_label(value: str) -> str:
    return IncidentRole(value).label if value in IncidentRole.__members__ else label(value)


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(local_time=local_time, duration=duration, markdown=markdown, label=label)
    env.filters["role_label"] = role_label
    env.globals.update(severity_definitions=SEVERITY_DEFINITIONS, Role=Role)
    return env


# ---------------------------------------------------------------- responses


def render(
    request: Request, template: str, context: Mapping[str, Any], status: int = 200
) -> HTMLResponse:
    actor = context.get("actor")
    base = {
        "request": request,
        "tz": getattr(actor, "timezone", "UTC"),
        "csrf": request.session.get("csrf", ""),
        "flash": request.session.pop("flash", None),
        "errors": {},
        "values": {},
        "stream": None,
        "nav": "",
        # The URL live refresh fetches: a form answered with an error is not a GET page.
        "page_url": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    }
    html = environment().get_template(template).render({**base, **context})
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def flash(request: Request, message: str) -> None:
    """A one-line confirmation shown on the next page (after the redirect)."""
    request.session["flash"] = message


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(target, safe='')}"


def error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    return render(request, "error.html", {"title": title, "detail": detail}, status)


# ---------------------------------------------------------------- form values


def form_errors(exc: ValidationError | WarroomError) -> dict[str, str]:
    """Field → message, for showing each message beside its field."""
    if isinstance(exc, WarroomError):
        return {e.field: e.detail for e in exc.errors} or {"form": exc.detail}
    found: dict[str, str] = {}
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "form"
        found.setdefault(field, str(err["msg"]).removeprefix("Value error, "))
    return found


def parse_local(value: str, tz: str, field: str) -> datetime | None:
    """A ``datetime-local`` input means wall-clock time in the viewer's own zone."""
    if not value.strip():
        return None
    try:
        naive = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput(field, "not a date and time (use YYYY-MM-DD HH:MM)") from exc
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=_zone(tz))


def local_input(value: datetime | None, tz: str) -> str:
    """The value a ``datetime-local`` input shows for a stored time."""
    return local_time(value, tz, "%Y-%m-%dT%H:%M") if value else ""


# ---------------------------------------------------------------- routes

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class PageRoute(APIRoute):
    """Routes answering people, not programs: sign-in redirects and readable error pages."""

    def get_route_handler(self) -> Handler:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except LoginRequired:
                return see_other(login_url(request))
            except WarroomError as exc:
                return error_page(request, exc.status, exc.title, exc.detail)
            except RequestValidationError as exc:
                detail = "; ".join(f"{k}: {v}" for k, v in _validation(exc).items())
                return error_page(request, 422, "That form was not complete", detail)
            except Exception:
                log.exception("page failed", extra={"path": request.url.path})
                detail = "Something failed on our side; nothing was saved. The error is logged."
                return error_page(request, 500, "Server error", detail)

        return handler


def _validation(exc: RequestValidationError) -> dict[str, str]:
    return {str(e.get("loc", ("form",))[-1]): str(e.get("msg")) for e in exc.errors()}
