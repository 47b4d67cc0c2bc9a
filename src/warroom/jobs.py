"""The worker's periodic jobs from the domains above on-call, gathered in one place for the
composition roots (``create_app`` and ``warroom worker``): on-call runs them without knowing
those domains."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from warroom.settings import Settings

if TYPE_CHECKING:
    from warroom.knowledge.semantic import Meaning

Job = tuple[str, Callable[[sessionmaker[Session], datetime], int]]


def worker_jobs(settings: Settings, meaning: Meaning | None = None) -> list[Job]:
    """``meaning``: the server's semantic model, shared; the worker alone loads its own."""
    from warroom.audit.sinks import worker_jobs as audit_jobs
    from warroom.changes.watch import worker_jobs as change_jobs
    from warroom.knowledge.indexer import worker_jobs as knowledge_jobs
    from warroom.knowledge.semantic import load
    from warroom.knowledge.semantic import worker_jobs as semantic_jobs
    from warroom.reviews.reminders import worker_jobs as review_jobs
    from warroom.sentiment.feeds import worker_jobs as mention_jobs
    from warroom.sentiment.service import VaderScorer
    from warroom.statuspage.cadence import worker_jobs as cadence_jobs

    return [
        *change_jobs(settings),
        *cadence_jobs(settings),
        *mention_jobs(settings, VaderScorer()),
        *audit_jobs(settings),
        *review_jobs(settings),
        *knowledge_jobs(),
        *semantic_jobs(meaning or load(settings.semantic_model)),
    ]
