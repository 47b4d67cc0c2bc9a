"""The vulnerability campaign pages: the campaigns with their progress and a form to open one
from an advisory pasted as JSON (OSV or the hand form); a campaign's page with its records by
tier, a status to set on each, an emergency window to schedule per tier (and settle once its
change has ended), the customers concerned with a button to tell them, and the burndown drawn
as an SVG on the server."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageResponder, PageViewer
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.catalog.models import Asset
from warroom.errors import InvalidInput, WarroomError
from warroom.vulns import campaigns, notices, remediations, windows
from warroom.vulns.present import (
    campaign_out,
    campaigns_out,
    notice_out,
    progress_out,
    records_out,
    windows_out,
)
from warroom.vulns.remediation import RemediationStatus
from warroom.vulns.schemas import PointOut
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, form_errors, parse_local, render, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
HOME = "/vulnerabilities"
FormText = Annotated[str, Form()]
WIDTH, HEIGHT = 600, 160


def burndown_points(points: list[PointOut]) -> dict[str, Any]:
    """The open records over time as SVG polyline points, scaled into the chart."""
    if not points:
        return {"line": "", "most": 0, "first": None, "last": None}
    most = max(p.open for p in points) or 1
    start, end = points[0].at, points[-1].at
    span = (end - start).total_seconds() or 1.0
    coords = [
        f"{(p.at - start).total_seconds() / span * WIDTH:.1f},{HEIGHT - p.open / most * HEIGHT:.1f}"
        for p in points
    ]
    return {"line": " ".join(coords), "most": most, "first": start, "last": end}


def _list_page(
    request: Request, session: Session, actor: Actor, extra: dict[str, Any], status: int = 200
) -> Response:
    found = campaigns_out(session, campaigns.list_campaigns(session=session, limit=200))
    context: dict[str, Any] = {"actor": actor, "nav": "vulns", "rows": found,
                               "can_write": actor.allows(Role.responder),
                               "values": {}, "errors": {}}  # fmt: skip
    return render(request, "vulns/list.html", context | extra, status)


@router.get(HOME)
def campaign_list(request: Request, session: DbSession, actor: PageViewer) -> Response:
    return _list_page(request, session, actor, {})


@router.post(HOME)
def open_campaign(
    request: Request, session: DbSession, actor: PageResponder, at: Now, document: FormText = ""
) -> Response:
    try:
        try:
            parsed = json.loads(document)
        except json.JSONDecodeError as exc:
            raise InvalidInput("document", f"not JSON (line {exc.lineno}: {exc.msg})") from None
        made = campaigns.do_open_campaign(session=session, actor=actor, document=parsed, now=at)
    except WarroomError as exc:
        session.rollback()
        errors = {"document": "; ".join(f"{k}: {v}" for k, v in form_errors(exc).items())}
        extra = {"values": {"document": document}, "errors": errors}
        return _list_page(request, session, actor, extra, exc.status)
    flash(request, f"Campaign {made.advisory_id} opened.")
    return see_other(f"{HOME}/{made.id}")


@router.get(f"{HOME}/{{ref}}")
def campaign_page(
    ref: str, request: Request, session: DbSession, actor: PageViewer, at: Now
) -> Response:
    campaign = campaigns.access_campaign(session=session, ref=ref)
    progress = progress_out(
        campaign, remediations.campaign_progress(session=session, campaign=campaign, now=at)
    )
    records = records_out(remediations.list_records(session=session, campaign=campaign,
                                                    offset=0, limit=2000))  # fmt: skip
    context = {
        "actor": actor, "nav": "vulns", "campaign": campaign_out(session, campaign),
        "progress": progress, "records": records, "chart": burndown_points(progress.burndown),
        "width": WIDTH, "height": HEIGHT, "statuses": [s.value for s in RemediationStatus],
        "can_write": actor.allows(Role.responder), "windows": windows_out(session, campaign, at,
        request.app.state.settings.base_url), "waiting": _waiting(progress.by_tier),
        "notices": [notice_out(c) for c in notices.concerned(session=session,
                                                             campaign=campaign)],
    }  # fmt: skip
    return render(request, "vulns/campaign.html", context)


def _waiting(tiers: list[Any]) -> list[tuple[int, int]]:
    """(tier, affected records) of the tiers with assets waiting for a window."""
    return [(t.tier, t.statuses["affected"]) for t in tiers if t.statuses.get("affected")]


def _refused(request: Request, session: Session, what: str, exc: WarroomError) -> None:
    session.rollback()
    flash(request, f"{what}: " + "; ".join(f"{k}: {v}" for k, v in form_errors(exc).items()))


@router.post(f"{HOME}/{{ref}}/assets/{{asset_id:int}}")
def set_status(
    ref: str, asset_id: int, request: Request, session: DbSession, actor: PageResponder,
    at: Now, status: FormText = "", note: FormText = "",
) -> Response:  # fmt: skip
    campaign = campaigns.access_campaign(session=session, ref=ref)
    record = remediations.access_record(session=session, campaign=campaign, asset_id=asset_id)
    try:
        remediations.do_set_status(session=session, actor=actor, campaign=campaign,
                                   record=record, status=RemediationStatus(status),
                                   note=note or None, now=at)  # fmt: skip
        host = session.get(Asset, asset_id)
        name = host.hostname if host is not None else f"Asset {asset_id}"
        flash(request, f"{name}: {status.replace('_', ' ')}.")
    except (WarroomError, ValueError) as exc:
        session.rollback()
        flash(request, f"Nothing saved: {exc}")
    return see_other(f"{HOME}/{campaign.id}#asset-{asset_id}")


@router.post(f"{HOME}/{{ref}}/windows")
def schedule_window(
    ref: str, request: Request, session: DbSession, actor: PageResponder, at: Now,
    tier: FormText = "", starts_at: FormText = "", ends_at: FormText = "", title: FormText = "",
) -> Response:  # fmt: skip
    campaign = campaigns.access_campaign(session=session, ref=ref)
    try:
        if not tier.strip().isdigit():
            raise InvalidInput("tier", "choose a tier")
        start = parse_local(starts_at, actor.timezone, "starts_at")
        end = parse_local(ends_at, actor.timezone, "ends_at")
        if start is None or end is None:
            raise InvalidInput("starts_at" if start is None else "ends_at", "required")
        made = windows.do_schedule_window(session=session, actor=actor, campaign=campaign,
                                          tier=int(tier), starts_at=start, ends_at=end, now=at,
                                          title=title.strip() or None)  # fmt: skip
    except WarroomError as exc:
        _refused(request, session, "Nothing scheduled", exc)
        return see_other(f"{HOME}/{campaign.id}#windows")
    held = f"; {len(made.conflicts)} conflict(s) to look at" if made.conflicts else ""
    flash(request, f"CHG-{made.change.id} scheduled for {len(made.hostnames)} asset(s){held}.")
    return see_other(f"{HOME}/{campaign.id}#windows")


@router.post(f"{HOME}/{{ref}}/windows/{{change}}/settle")
def settle_window(
    ref: str, change: str, request: Request, session: DbSession, actor: PageResponder, at: Now
) -> Response:
    campaign = campaigns.access_campaign(session=session, ref=ref)
    window, found = windows.access_window(session=session, campaign=campaign, ref=change)
    try:
        moved = windows.do_settle_window(session=session, actor=actor, campaign=campaign,
                                         window=window, change=found, now=at)  # fmt: skip
        flash(request, f"CHG-{found.id} settled: {moved} asset(s) {window.settled_as}.")
    except WarroomError as exc:
        session.rollback()
        flash(request, f"Nothing settled: {exc.detail}")
    return see_other(f"{HOME}/{campaign.id}#windows")


@router.post(f"{HOME}/{{ref}}/notify")
def notify_customers(
    ref: str, request: Request, session: DbSession, actor: PageResponder, at: Now,
    again: FormText = "",
) -> Response:  # fmt: skip
    campaign = campaigns.access_campaign(session=session, ref=ref)
    settings = request.app.state.settings
    outcome = notices.do_notify_customers(
        session=session, actor=actor, campaign=campaign, message=notices.Message(), now=at,
        base_url=settings.base_url, time_zone=settings.statuspage_time_zone, again=again == "on",
    )  # fmt: skip
    told = ", ".join(c.customer.name for c in outcome.told) or "nobody new"
    skipped = f" ({len(outcome.skipped)} skipped)" if outcome.skipped else ""
    flash(request, f"Customers notified: {told}{skipped}.")
    return see_other(f"{HOME}/{campaign.id}#customers")
