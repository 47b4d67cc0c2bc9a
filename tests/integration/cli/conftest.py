"""Running ``warroom`` in-process against a test database, and reading that database back."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from warroom.access.rules import Role
from warroom.access.service import do_create_person
from warroom.app import create_app
from warroom.catalog.service import do_create_service
from warroom.cli.main import app as cli_app
from warroom.db import Base, make_engine, make_session_factory, transaction, utcnow
from warroom.settings import Settings

# Variables that would point a command somewhere other than the test database.
T = TypeVar("T")
CLEAN_ENV = ("WARROOM_URL", "WARROOM_TOKEN", "WARROOM_AS", "WARROOM_ADMIN_EMAIL")


@dataclass
class Cli:
    """``warroom`` bound to one database, as a user would run it with that env set."""

    database_url: str
    runner: CliRunner

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Result:
        full: dict[str, str | None] = dict.fromkeys(CLEAN_ENV)
        full |= {"WARROOM_DATABASE_URL": self.database_url, "COLUMNS": "200"}
        full |= env or {}
        return self.runner.invoke(cli_app, list(args), env=full)

    def ok(self, *args: str, env: dict[str, str] | None = None) -> Result:
        result = self(*args, env=env)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        return result

    def json(self, *args: str, env: dict[str, str] | None = None) -> Any:
        return json.loads(self.ok(*args, "--json", env=env).stdout)

    def run(self, work: Callable[[Session], T]) -> T:
        """``work`` in one committed transaction on the command's database."""
        engine = make_engine(self.database_url)
        try:
            with transaction(make_session_factory(engine)) as session:
                return work(session)
        finally:
            engine.dispose()

    def count(self, model: type[Base]) -> int:
        return self.run(lambda s: s.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def cli(database_url: str) -> Cli:
    return Cli(database_url, CliRunner())


@pytest.fixture
def admin_token(cli: Cli) -> str:
    """``warroom init`` done: an admin exists, and this is their token."""
    result = cli.ok("init", "--email", "ada@example.com", "--password", "correct horse")
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture
def catalog(cli: Cli, admin_token: str) -> None:
    """Two services and a responder who lives in Tokyo."""

    def seed(session: Session) -> None:
        do_create_service(session=session, name="orders", tier=1)
        do_create_service(session=session, name="web-shop", tier=1)
        do_create_person(
            session=session,
            name="Kenji Sato",
            email="kenji@example.com",
            now=utcnow(),
            role=Role.responder,
            timezone="Asia/Tokyo",
        )
        do_create_person(
            session=session, name="Vera Viewer", email="vera@example.com", now=utcnow()
        )

    cli.run(seed)


@pytest.fixture
def api(cli: Cli) -> Iterator[TestClient]:
    """The JSON API on the same database, to check what the CLI wrote or printed."""
    settings = Settings(database_url=cli.database_url, log_json=False, worker=False)
    application: FastAPI = create_app(settings)
    with TestClient(application, raise_server_exceptions=False) as client:
        yield client
    application.state.engine.dispose()
