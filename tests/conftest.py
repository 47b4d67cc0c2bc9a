"""Shared fixtures: a fresh database per test on SQLite and PostgreSQL, the app, clients,
people with tokens, a real server on loopback, and headless Chromium."""

from __future__ import annotations

import functools
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from warroom.access.models import Person
from warroom.access.rules import Role
from warroom.access.service import do_create_person, do_create_token, hash_secret
from warroom.app import create_app
from warroom.db import Base, import_models, make_engine, transaction, upgrade
from warroom.settings import Settings

PG_ADMIN_URL = os.environ.get(
    "WARROOM_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


class Clock:
    """A clock the tests move by hand; the app reads it through ``create_app(clock=…)``."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def _pg_reachable() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure means: no PostgreSQL here
        return f"PostgreSQL at {PG_ADMIN_URL} is unreachable: {type(exc).__name__}: {exc}"
    return None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@dataclass
class PgDatabase:
    """One migrated PostgreSQL database per test run, emptied back to its seeded rows before
    each test (far cheaper than creating a database per test)."""

    url: str
    seeded: dict[str, list[dict[str, Any]]]

    def reset(self) -> None:
        import_models()
        tables = list(Base.metadata.sorted_tables)
        engine = create_engine(self.url)
        with engine.begin() as connection:
            for table in reversed(tables):
                connection.execute(table.delete())
            for table in tables:
                if self.seeded.get(table.name):
                    connection.execute(table.insert(), self.seeded[table.name])
        engine.dispose()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[PgDatabase]:
    reason = _pg_reachable()
    if reason:
        if IN_CI:
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        print(f"\nSKIP PostgreSQL tests: {reason}")
        pytest.skip(reason)
    name = f"warroom_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    upgrade(engine)
    import_models()
    with engine.connect() as connection:
        seeded = {
            t.name: [dict(r._mapping) for r in connection.execute(t.select())]
            for t in Base.metadata.sorted_tables
        }
    engine.dispose()
    yield PgDatabase(url, seeded)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated database of each kind, holding only what the migrations seed."""
    if request.param == "sqlite":
        target = tmp_path / "warroom.db"
        shutil.copy(sqlite_template, target)
        return f"sqlite:///{target}"
    database: PgDatabase = request.getfixturevalue("pg_database")
    database.reset()
    return database.url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """For tests about one process's behaviour (CLI, browser) where SQLite alone is enough."""
    target = tmp_path / "warroom.db"
    shutil.copy(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))


@pytest.fixture
def settings(database_url: str) -> Settings:
    # The background worker (heartbeat checks) runs only in the tests that ask for it.
    return Settings(database_url=database_url, log_json=False, live_poll_seconds=0.2, worker=False)


@pytest.fixture
def app(settings: Settings, clock: Clock) -> Iterator[FastAPI]:
    application = create_app(settings, clock=clock)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@dataclass
class User:
    person_id: int
    email: str
    name: str
    token: str
    password: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


PASSWORD = "correct horse battery"


@functools.cache
def _password_hash() -> str:
    # Hashing a password costs ~150 ms by design; the tests reuse one hash of one password.
    return hash_secret(PASSWORD)


def make_user(app: FastAPI, role: Role, name: str | None = None, **extra: Any) -> User:
    name = name or f"{role.value.capitalize()} {uuid.uuid4().hex[:4]}"
    email = f"{name.lower().replace(' ', '.')}@example.com"
    now = app.state.clock()
    with transaction(app.state.sessions) as session:
        person: Person = do_create_person(
            session=session, name=name, email=email, now=now, role=role, **extra
        )
        person.password_hash = _password_hash()
        token, _ = do_create_token(session=session, person=person, now=now)
        return User(person.id, person.email, person.name, token, PASSWORD)


@pytest.fixture
def admin(app: FastAPI) -> User:
    return make_user(app, Role.admin, "Ada Admin")


@pytest.fixture
def responder(app: FastAPI) -> User:
    return make_user(app, Role.responder, "Rita Responder")


@pytest.fixture
def viewer(app: FastAPI) -> User:
    return make_user(app, Role.viewer, "Victor Viewer")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A real uvicorn server on loopback, in a thread of the test process."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_app(sqlite_url: str) -> Iterator[FastAPI]:
    """An app with the real clock on a SQLite file, for servers that other processes share."""
    application = create_app(
        Settings(database_url=sqlite_url, log_json=False, live_poll_seconds=0.2, worker=False)
    )
    yield application
    application.state.engine.dispose()


@pytest.fixture
def live_server(live_app: FastAPI) -> Iterator[LiveServer]:
    with LiveServer(live_app) as server:
        yield server


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if IN_CI:
            pytest.fail("CI must run the browser tests, but chromium is not installed")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


def wait_for(predicate: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Poll until ``predicate`` returns something truthy, or fail at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)
