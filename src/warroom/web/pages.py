"""Server-rendered pages: every page router, gathered for ``create_app``."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    return []
