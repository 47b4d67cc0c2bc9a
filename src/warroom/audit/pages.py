"""The audit log page, for reviewers (managers): every write, newest first, filtered by who,
what and which object; one button checks the whole chain and says where it breaks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession
from warroom.access.pages import PageManager
from warroom.access.service import Actor
from warroom.audit import service
from warroom.audit.rules import Verdict
from warroom.audit.service import AuditFilter
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, render

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
HOME = "/audit"
FILTERS = ("actor", "action", "object_type", "object_id", "since", "until")
PAGE_SIZE = 100


def _day(value: str, field: str, errors: dict[str, str]) -> datetime | None:
    if not value:
        return None
    try:
        found = datetime.fromisoformat(value)
    except ValueError:
        errors[field] = "a date like 2026-12-04 or 2026-12-04T10:30"
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _page(
    request: Request, session: Session, actor: Actor, verdict: Verdict | None, status: int = 200
) -> Response:
    values = {k: request.query_params.get(k, "").strip()[:200] for k in FILTERS}
    errors: dict[str, str] = {}
    since, until = _day(values["since"], "since", errors), _day(values["until"], "until", errors)
    wanted = AuditFilter(values["actor"] or None, values["action"] or None,
                         values["object_type"] or None, values["object_id"] or None,
                         since, until)  # fmt: skip
    before = request.query_params.get("before", "")
    rows, more = service.list_entries(session=session, wanted=wanted, limit=PAGE_SIZE,
                                      before=int(before) if before.isdigit() else None)  # fmt: skip
    context: dict[str, Any] = {
        "actor": actor, "nav": "audit", "rows": rows, "more": more, "values": values,
        "errors": errors, "verdict": verdict, "head": service.current_head(session),
        "query": {k: v for k, v in values.items() if v},
    }  # fmt: skip
    return render(request, "audit.html", context, 422 if errors else status)


@router.get(HOME)
def audit_page(request: Request, session: DbSession, actor: PageManager) -> Response:
    return _page(request, session, actor, None)


@router.post(f"{HOME}/verify")
def verify_page(request: Request, session: DbSession, actor: PageManager) -> Response:
    """Check the chain here and show the verdict above the entries."""
    return _page(request, session, actor, service.check_chain(session))
