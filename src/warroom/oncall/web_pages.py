"""On-call pages: the overview of who is on call now, the section's shared page helper, and
the open-page count beside "My pages" in the nav.

Schedules are in ``web_schedules``, escalation policies and routes in ``web_policies``, one's
own pages and the war room's paging panel in ``web_pages_mine``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from warroom.access.deps import DbSession, Now
from warroom.access.models import Person, Team
from warroom.access.pages import PageViewer
from warroom.access.rules import Role
from warroom.access.service import Actor, list_people
from warroom.db import transaction
from warroom.oncall.models import Page
from warroom.oncall.schedule_queries import LOOKAHEAD, on_call_board
from warroom.oncall.schedule_schemas import OnCallOut, ServiceOnCallOut
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, environment, render

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
TABS = (
    ("overview", "Who is on call", "/oncall"),
    ("schedules", "Schedules", "/schedules"),
    ("policies", "Escalation policies", "/escalation-policies"),
    ("mine", "My pages", "/pages/mine"),
)


def oncall_page(
    request: Request, template: str, actor: Actor, context: dict[str, Any], status: int = 200
) -> Response:
    """Every on-call page: the nav entry, the section tabs and who may change things."""
    base = {
        "actor": actor,
        "nav": "oncall",
        "tabs": TABS,
        "can_manage": actor.allows(Role.manager),
        "can_act": actor.allows(Role.responder),
        # ``until`` stops at the look-ahead: a shift reaching it has no handoff in sight.
        "lookahead_days": LOOKAHEAD.days,
    }
    return render(request, f"oncall/{template}", base | context, status)


def list_teams(*, session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name)))


def people_and_teams(session: Session) -> dict[str, list[Person] | list[Team]]:
    return {"people": list_people(session=session), "teams": list_teams(session=session)}


# --- the overview -------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceRow:
    """A service with whom its policy's first step pages now, and each one's next handoff
    (known for people reached through a schedule)."""

    service: ServiceOnCallOut
    handoffs: dict[int, datetime | None]

    @property
    def next_handoff(self) -> datetime | None:
        known = [t for t in self.handoffs.values() if t is not None]
        return min(known) if known else None


def service_rows(services: list[ServiceOnCallOut], schedules: list[OnCallOut]) -> list[ServiceRow]:
    until = {f"schedule {s.schedule.name}": s.until for s in schedules}
    return [ServiceRow(s, {p.person.id: until.get(p.via) for p in s.people}) for s in services]


@router.get("/oncall")
def overview(request: Request, session: DbSession, actor: PageViewer, at: Now) -> Response:
    board = on_call_board(session=session, at=at, service=None)
    context = {
        "at": at,
        "schedules": board.schedules,
        "services": service_rows(board.services, board.schedules),
        "tab": "overview",
    }
    return oncall_page(request, "overview.html", actor, context)


# --- the nav ------------------------------------------------------------------------------


def open_page_count(request: Request, actor: Actor | None) -> int:
    """The signed-in person's open pages, for the nav. Read in a short session of its own:
    templates have no session, and the count only needs what is committed."""
    engine = request.app.state.engine
    if actor is None or isinstance(engine.pool, StaticPool):
        # One shared in-memory connection: a second session would end the request's transaction.
        return 0
    query = select(func.count()).select_from(Page)
    query = query.where(Page.person_id == actor.person_id, Page.status == "open")
    with transaction(request.app.state.sessions) as session:
        return int(session.scalar(query) or 0)


def routers() -> list[APIRouter]:
    """The on-call page routers; the nav learns the open-page count here, when the app is
    composed, not at import time."""
    from warroom.oncall import web_pages_mine, web_policies, web_schedules

    environment().globals["open_page_count"] = open_page_count
    return [router, web_schedules.router, web_policies.router, web_pages_mine.router]
