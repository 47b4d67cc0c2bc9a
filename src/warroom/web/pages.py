"""Server-rendered pages: every page router, gathered for ``create_app``."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    """Every page router, in the order they match; the war room's panels registered first.
    Imports live in the functions, not at module level: nothing happens at import time, and
    the domains' page modules import the shared helpers in this package."""
    _room_panels()
    return [*_response_routers(), *_aftermath_routers()]


def _response_routers() -> list[APIRouter]:
    """Prepare, detect, mobilise and protect: the catalog, alerts, incidents, on-call, changes."""
    from warroom.access import pages as access_pages
    from warroom.alerts import pages as alert_pages
    from warroom.alerts import pages_admin as alert_admin_pages
    from warroom.alerts import pages_groups as alert_group_pages
    from warroom.catalog import pages as catalog_pages
    from warroom.catalog import pages_assets, pages_parties, pages_plan, readiness_pages
    from warroom.changes import pages as change_pages
    from warroom.changes import pages_calendar, pages_change, pages_windows
    from warroom.changes import pages_room as change_room
    from warroom.incidents import pages as incident_pages
    from warroom.incidents import pages_room, pages_tasks, pages_templates
    from warroom.oncall import web_pages as oncall_pages

    return [
        access_pages.router,
        incident_pages.router,
        pages_room.router,
        pages_tasks.router,
        pages_templates.router,
        catalog_pages.router,
        pages_assets.router,
        pages_parties.router,
        pages_plan.router,
        readiness_pages.router,
        alert_pages.router,
        alert_group_pages.router,
        alert_admin_pages.router,
        *oncall_pages.routers(),
        change_pages.router,
        pages_calendar.router,
        pages_change.router,
        pages_windows.router,
        change_room.router,
    ]


def _aftermath_routers() -> list[APIRouter]:
    """Communicate, respond to security incidents, learn."""
    from warroom.audit import pages as audit_pages
    from warroom.knowledge import pages as knowledge_pages
    from warroom.metrics import pages as metrics_pages
    from warroom.reviews import pages as review_pages
    from warroom.security import pages_room as security_room
    from warroom.sentiment import pages as sentiment_pages
    from warroom.statuspage import pages_admin as status_admin
    from warroom.statuspage import pages_comms
    from warroom.statuspage import pages_followup as followup_pages
    from warroom.statuspage import pages_private as private_pages
    from warroom.statuspage import pages_room as status_room
    from warroom.statuspage import pages_templates as wording_pages
    from warroom.vulns import pages as vuln_pages

    return [
        pages_comms.router,
        followup_pages.router,
        status_room.router,
        status_admin.router,
        wording_pages.router,
        private_pages.router,
        sentiment_pages.router,
        audit_pages.router,
        security_room.router,
        review_pages.router,
        vuln_pages.router,
        knowledge_pages.router,
        metrics_pages.router,
    ]


def _room_panels() -> None:
    """The panels domains above incidents add to the war room, in the room's order: what to
    hold now comes first."""
    from warroom.alerts import pages_groups as alert_group_pages
    from warroom.changes import pages_room as change_room
    from warroom.incidents import pages_room
    from warroom.knowledge import pages as knowledge_pages
    from warroom.oncall import web_pages_mine
    from warroom.reviews import pages as review_pages
    from warroom.security import pages_room as security_room
    from warroom.sentiment import pages_room as sentiment_room
    from warroom.statuspage import pages_comms
    from warroom.statuspage import pages_followup as followup_pages
    from warroom.statuspage import pages_room as status_room

    pages_room.ROOM_PANELS["security"] = security_room.security_panel
    pages_room.ROOM_PANELS["changes_at_risk"] = change_room.at_risk_panel
    pages_room.ROOM_PANELS["communications"] = pages_comms.comms_panel
    pages_room.ROOM_PANELS["status_page"] = status_room.public_panel
    pages_room.ROOM_PANELS["alert_groups"] = alert_group_pages.room_panel
    pages_room.ROOM_PANELS["paging"] = web_pages_mine.room_panel
    pages_room.ROOM_PANELS["suspect_changes"] = change_room.suspects_panel
    pages_room.ROOM_PANELS["postmortem"] = review_pages.postmortem_panel
    pages_room.ROOM_PANELS["customer_followup"] = followup_pages.followup_panel
    pages_room.ROOM_PANELS["public_sentiment"] = sentiment_room.sentiment_panel
    pages_room.ROOM_PANELS["similar"] = knowledge_pages.similar_panel
