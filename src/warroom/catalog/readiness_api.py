"""JSON routes for the readiness report and its history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from warroom.access.deps import DbSession, Now, Viewer
from warroom.catalog.readiness import (
    HISTORY_LIMIT,
    ReadinessOut,
    RunSummary,
    do_run_readiness,
    readiness_history,
)

router = APIRouter(prefix="/api/v1/readiness", tags=["readiness"])


@router.get("", response_model=ReadinessOut)
def run(session: DbSession, actor: Viewer, at: Now) -> ReadinessOut:
    """Run every readiness check on the catalog as it stands now, and keep the run for the
    trend. Findings come worst first; each ``id`` is the same for the same gap in every run."""
    return do_run_readiness(session=session, now=at)


@router.get("/history", response_model=list[RunSummary])
def history(
    session: DbSession,
    actor: Viewer,
    limit: Annotated[int, Query(ge=1, le=365)] = HISTORY_LIMIT,
) -> list[RunSummary]:
    """The latest runs' scores and counts by severity, oldest first."""
    return readiness_history(session=session, limit=limit)
