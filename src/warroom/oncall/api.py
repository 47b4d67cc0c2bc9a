"""The on-call domain's JSON routers, as ``create_app`` mounts them."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from warroom.oncall import staffing_api

    return [staffing_api.router]
