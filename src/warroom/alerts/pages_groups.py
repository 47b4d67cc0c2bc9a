"""Alert group pages: the open groups with their live counts, one group with its hosts and
alerts, "Declare an incident from these alerts", and the war room's alert-group panel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageResponder, PageViewer, safe_next
from warroom.access.service import Actor
from warroom.alerts.alert_groups import (
    GroupFilter,
    access_group,
    do_declare_from_group,
    group_alerts,
    list_groups,
)
from warroom.alerts.escalate import group_hosts
from warroom.alerts.models import AlertGroup
from warroom.alerts.pages import alerts_page
from warroom.catalog.models import Service
from warroom.errors import WarroomError
from warroom.incidents.models import Incident
from warroom.incidents.pages_room import PanelContext
from warroom.incidents.rules import Severity, format_ref
from warroom.incidents.visibility import hidden_ids
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
GROUP_STATUSES = ("open", "closed")
HOSTS_SHOWN = 12  # the first hosts beside each group; the group's page lists them all


@dataclass(frozen=True)
class GroupRow:
    group: AlertGroup
    service: str | None
    hosts: list[str]
    hidden: bool = False  # its incident is restricted and this viewer is not a member

    @property
    def incident_ref(self) -> str | None:
        return format_ref(self.group.incident_id) if self.group.incident_id else None


def group_rows(
    *, session: Session, groups: list[AlertGroup], actor: Actor | None = None
) -> list[GroupRow]:
    """Each group with its service's name and its first hosts."""
    linked = [g.incident_id for g in groups if g.incident_id is not None]
    hidden = hidden_ids(session, actor, linked)
    ids = {g.service_id for g in groups if g.service_id is not None}
    query = select(Service.id, Service.name).where(Service.id.in_(ids))
    services = {row[0]: row[1] for row in session.execute(query)} if ids else {}
    return [
        GroupRow(
            g,
            services.get(g.service_id) if g.service_id else None,
            group_hosts(session=session, group_id=g.id, limit=HOSTS_SHOWN),
            g.incident_id in hidden,
        )
        for g in groups
    ]


@router.get("/alert-groups")
def group_list(
    request: Request, session: DbSession, actor: PageViewer, status: str = "open"
) -> Response:
    errors = {} if status in GROUP_STATUSES else {"status": "choose open or closed"}
    wanted = GroupFilter(status=status if not errors else "open", limit=200)
    groups = list_groups(session=session, wanted=wanted)
    rows = group_rows(session=session, groups=groups, actor=actor)
    context = {
        "rows": rows,
        "status": wanted.status,
        "errors": errors,
        "severities": list(Severity),
        "hosts_shown": HOSTS_SHOWN,
        "tab": "groups",
    }
    return alerts_page(request, "groups.html", actor, context)


@router.get("/alert-groups/{group_id}")
def group_detail(
    group_id: int, request: Request, session: DbSession, actor: PageViewer
) -> Response:
    group = access_group(session=session, group_id=group_id)
    (row,) = group_rows(session=session, groups=[group], actor=actor)
    context = {
        "row": row,
        "hosts": group_hosts(session=session, group_id=group.id),
        "alerts": group_alerts(session=session, group=group),
        "severities": list(Severity),
        "tab": "groups",
        "page_url": f"/alert-groups/{group.id}",
    }
    return alerts_page(request, "group.html", actor, context)


@router.post("/alert-groups/{group_id}/declare")
def declare_from_group(
    group_id: int,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    severity: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/alert-groups",
) -> Response:
    """Declare, then go to the new war room; a refusal (the group has an incident already)
    is shown as a message on the page the button was on."""
    group = access_group(session=session, group_id=group_id)
    chosen = Severity(severity) if severity in Severity.__members__ else None
    try:
        incident = do_declare_from_group(
            session=session,
            actor=actor,
            group=group,
            severity=chosen,
            title=title.strip()[:300] or None,
            now=at,
        )
    except WarroomError as exc:
        session.rollback()
        flash(request, f"Not declared: {exc.detail}.")
        return see_other(safe_next(next))
    ref = format_ref(incident.id)
    flash(request, f"{ref} declared as {incident.severity} from alert group {group_id}.")
    return see_other(f"/incidents/{ref}")


def room_panel(
    session: Session,
    incident: Incident,
    view: PanelContext,  # noqa: ARG001 - the hook's signature; the same for every viewer
) -> dict[str, Any]:
    """The war room's alert groups, for ``pages_room``'s panel hook: nothing when the
    incident has none, so rooms of incidents declared by hand look as before."""
    wanted = GroupFilter(incident=format_ref(incident.id), limit=50)
    groups = list_groups(session=session, wanted=wanted)
    if not groups:
        return {}
    rows = group_rows(session=session, groups=groups)
    return {"template": "alerts/_room_groups.html", "rows": rows, "hosts_shown": HOSTS_SHOWN}
