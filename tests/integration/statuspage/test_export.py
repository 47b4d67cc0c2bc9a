"""The static export on SQLite and PostgreSQL: the directory holds what the live paths serve,
byte for byte; the server re-exports after each published update; a page of an incident no
longer public is removed; and the directory alone, served by a plain HTTP server, is a status
page."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock, User, wait_for
from warroom.access.models import Person
from warroom.access.service import actor_for
from warroom.app import create_app
from warroom.db import transaction
from warroom.settings import Settings
from warroom.statuspage.components import do_create_component
from warroom.statuspage.export import write_site
from warroom.statuspage.models import PublicIncident
from warroom.statuspage.public_site import documents
from warroom.statuspage.publishing import do_approve, do_open
from warroom.statuspage.schemas import AffectedIn, ComponentIn, PublicIncidentIn


@pytest.fixture
def exported(settings: Settings, clock: Clock, tmp_path: Path) -> Iterator[FastAPI]:
    """An app that keeps ``tmp_path / "site"`` as a static copy of its status page."""
    chosen = settings.model_copy(update={"statuspage_export_dir": tmp_path / "site"})
    application = create_app(chosen, clock=clock)
    yield application
    application.state.engine.dispose()


def publish(app: FastAPI, name: str, user: User) -> str:
    with transaction(app.state.sessions) as session:
        person = session.get(Person, user.person_id)
        assert person is not None
        actor = actor_for(person)
        data = PublicIncidentIn(
            name=name, body="Looking into it.",
            components=[AffectedIn(component="Web shop", status="major_outage")],
        )  # fmt: skip
        public = do_open(session=session, actor=actor, data=data, now=app.state.clock())
        do_approve(session=session, actor=actor, update=public.updates[0], now=app.state.clock())
        return public.code


def settled(file: Path, live: bytes, seconds: float = 90) -> None:
    """Wait until ``file`` holds ``live``; fail showing the difference."""
    deadline = time.monotonic() + seconds
    while file.read_bytes() != live and time.monotonic() < deadline:
        time.sleep(0.05)
    assert file.read_bytes() == live, file.name


def summary(directory: Path) -> dict[str, object]:
    found: dict[str, object] = json.loads((directory / "api/v2/summary.json").read_bytes())
    return found


def test_the_server_keeps_the_directory_current_after_each_published_update(
    exported: FastAPI, tmp_path: Path
) -> None:
    from tests.conftest import make_user
    from warroom.access.rules import Role

    site = tmp_path / "site"
    exporter = exported.state.exporter
    wait_for(lambda: (site / "index.html").exists(), timeout=60)
    with transaction(exported.state.sessions) as session:
        do_create_component(session=session, data=ComponentIn(name="Web shop"),
                            now=exported.state.clock())  # fmt: skip
    admin = make_user(exported, Role.admin, "Ada Admin")
    exporter.written.clear()
    code = publish(exported, "Checkout is down", admin)
    with TestClient(exported) as client:
        # The files follow the database: each one ends up as the live path serves it.
        for path, file in (
            ("/api/v2/summary.json", "api/v2/summary.json"),
            ("/history.atom", "history.atom"),
            ("/status", "index.html"),
        ):
            live = client.get(path).content
            settled(site / file, live)
    incidents = summary(site)["incidents"]
    assert isinstance(incidents, list)
    assert [i["name"] for i in incidents] == ["Checkout is down"]
    wait_for(lambda: (site / f"status/incidents/{code}/index.html").exists(), timeout=60)

    # Withdrawn from the page: its own page leaves the directory.
    with transaction(exported.state.sessions) as session:
        row = session.scalars(select(PublicIncident)).one()
        row.published_at = None
    exporter.written.clear()
    exporter.due.set()
    wait_for(lambda: exporter.written.is_set()
             and not (site / f"status/incidents/{code}").exists(), timeout=60)  # fmt: skip


@contextmanager
def static_server(directory: Path) -> Iterator[str]:
    handler = partial(SimpleHTTPRequestHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_directory_alone_is_a_working_status_page(
    app: FastAPI, admin: User, tmp_path: Path
) -> None:
    with transaction(app.state.sessions) as session:
        do_create_component(session=session, data=ComponentIn(name="Web shop"),
                            now=app.state.clock())  # fmt: skip
    publish(app, "Checkout is down", admin)
    with transaction(app.state.sessions) as session:
        site = documents(session, app.state.settings, app.state.clock())
    write_site(site, tmp_path / "out")
    app.state.engine.dispose()  # warroom is down; the copy is all there is
    with static_server(tmp_path / "out") as base:
        page = httpx.get(f"{base}/")
        assert page.status_code == 200
        assert "Checkout is down" in page.text
        status = httpx.get(f"{base}/api/v2/status.json").json()
        assert status["status"]["indicator"] in ("major", "critical")
        assert httpx.get(f"{base}/static/status.css").status_code == 200
