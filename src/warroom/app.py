"""The composition root: ``create_app(settings)`` wires engine, sessions, events, routes and
templates. Nothing here runs at import time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.sessions import SessionMiddleware

from warroom import __version__
from warroom.access.service import ensure_secret
from warroom.db import (
    make_engine,
    make_session_factory,
    transaction,
    upgrade,
    utcnow,
)
from warroom.events import Dispatcher
from warroom.settings import Settings
from warroom.web.apidocs import mount_docs
from warroom.web.middleware import BodyLimit, RequestLog
from warroom.web.problems import install_handlers

log = logging.getLogger("warroom.app")
WEB = Path(__file__).parent / "web"


def _routers() -> list[object]:
    from warroom.access import api as access_api
    from warroom.alerts import api as alerts_api
    from warroom.alerts import correlation_api, pagerduty_api
    from warroom.audit import api as audit_api
    from warroom.catalog import api as catalog_api
    from warroom.catalog import assets_api, parties_api, plan_api, readiness_api
    from warroom.changes import api as changes_api
    from warroom.incidents import api as incidents_api
    from warroom.incidents import templates_api
    from warroom.knowledge import api as knowledge_api
    from warroom.metrics import api as metrics_api
    from warroom.oncall import api as oncall_api
    from warroom.reviews import api as reviews_api
    from warroom.security import api as security_api
    from warroom.sentiment import api as sentiment_api
    from warroom.statuspage import api as statuspage_api
    from warroom.statuspage import public_api, subscribe_pages, subscribers_api, updates_api
    from warroom.statuspage import templates_api as wording_api
    from warroom.vulns import api as vulns_api
    from warroom.web import health, live

    # Inbound webhooks first: routes are matched in order, and these carry the most requests.
    return [
        pagerduty_api.router,
        *public_api.routers(),
        alerts_api.router,
        health.router,
        access_api.router,
        catalog_api.router,
        *parties_api.routers,
        assets_api.router,
        plan_api.router,
        readiness_api.router,
        incidents_api.router,
        templates_api.router,
        correlation_api.router,
        *changes_api.routers(),
        statuspage_api.router,
        *oncall_api.routers(),
        updates_api.router,
        wording_api.router,
        subscribers_api.router,
        subscribe_pages.router,
        sentiment_api.router,
        audit_api.router,
        vulns_api.router,
        knowledge_api.router,
        security_api.router,
        reviews_api.router,
        metrics_api.router,
        live.router,
    ]


def _page_routers() -> list[object]:
    from warroom.web import pages

    return list(pages.routers())


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the background worker for the life of the server, when enabled."""
    settings: Settings = app.state.settings
    if not settings.worker:
        try:
            yield
        finally:
            app.state.intake.close()
        return
    from warroom.jobs import worker_jobs
    from warroom.oncall.worker import Worker

    worker = Worker.build(
        app.state.sessions,
        app.state.clock,
        settings,
        app.state.secret_key,
        worker_jobs(settings, app.state.meaning),
    )
    # Woken by this process's commits, so a page declared here goes out at once.
    task = asyncio.create_task(worker.run(asyncio.Event(), wake=app.state.dispatcher))
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        app.state.intake.close()


def _install_reactions(
    sessions: sessionmaker[Session],
    dispatcher: Dispatcher,
    settings: Settings,
    secret: str,
    clock: Callable[[], datetime],
) -> object | None:
    """What domains do inside each transaction (page, re-check changes, tell subscribers) and
    after it (keep the status page's static copy); the exporter, when one is kept."""
    from warroom.changes.watch import install_change_watch
    from warroom.oncall.paging_hooks import install_paging
    from warroom.reviews.hooks import install_reviews
    from warroom.statuspage.notify import Page, install_subscriber_notices

    install_paging(sessions, base_url=settings.base_url, secret=secret)
    install_change_watch(sessions, base_url=settings.base_url)
    page = Page(settings.base_url, secret, settings.statuspage_name)
    install_subscriber_notices(sessions, page=page)
    install_reviews(sessions)
    if settings.statuspage_export_dir is None:
        return None
    from warroom.statuspage.export import Exporter

    exporter = Exporter(sessions, settings, clock, settings.statuspage_export_dir)
    exporter.start(dispatcher)
    return exporter


def _install_middleware(
    app: FastAPI, settings: Settings, secret: str, dispatcher: Dispatcher
) -> None:
    """Outermost last. The public cache is outermost: a kept status document is answered
    before anything else runs (no session, no request log line; it carries the security
    headers its first answer had), which is what lets one process serve a crowd."""
    from warroom.statuspage.public_api import KEPT_PATHS
    from warroom.statuspage.public_cache import PublicCache

    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie="warroom_session",
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(RequestLog)
    app.add_middleware(
        PublicCache,
        paths=KEPT_PATHS,
        ttl=settings.statuspage_cache_seconds,
        dispatcher=dispatcher,
    )


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Callable[[], datetime] = utcnow,
    migrate: bool = True,
) -> FastAPI:
    engine = engine or make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    sessions = make_session_factory(engine)
    dispatcher = Dispatcher()
    dispatcher.bind(sessions)
    with transaction(sessions) as session:
        secret = settings.secret_key or ensure_secret(session=session)
    exporter = _install_reactions(sessions, dispatcher, settings, secret, clock)

    app = FastAPI(
        title="warroom",
        version=__version__,
        description="Incident command API.",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.settings, app.state.engine, app.state.sessions = settings, engine, sessions
    app.state.dispatcher, app.state.clock = dispatcher, clock
    app.state.secret_key = secret
    app.state.exporter = exporter
    from warroom.alerts.intake import Intake

    app.state.intake = Intake(sessions)
    from warroom.sentiment.service import VaderScorer

    app.state.scorer = VaderScorer()  # replaceable: anything with ``score(text) -> float``
    from warroom.knowledge.semantic import load

    app.state.meaning = load(settings.semantic_model)  # None unless configured; lazy weights
    install_handlers(app)
    for router in _routers() + _page_routers():
        app.include_router(router)  # type: ignore[arg-type]
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    mount_docs(app)
    _install_middleware(app, settings, secret, dispatcher)
    return app
