"""The on-call domain's JSON routers, as ``create_app`` mounts them."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from warroom.oncall import (
        ack_pages,
        contacts_api,
        feed_api,
        pages_api,
        policy_api,
        schedule_api,
        schedule_readiness,
        staffing_api,
    )

    schedule_readiness.install()  # the readiness report learns who is on call
    return [
        schedule_api.router,
        staffing_api.router,
        policy_api.router,
        pages_api.router,
        *contacts_api.routers(),
        ack_pages.router,
        feed_api.router,
    ]
