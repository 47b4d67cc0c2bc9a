"""`warroom worker --once`, its refusal of an old schema, and `warroom webhook secret`."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from tests.integration.oncall.outbox_helpers import add_deliveries, smtp_server
from warroom.cli.main import app as cli
from warroom.db import make_engine, make_session_factory, upgrade, utcnow
from warroom.oncall.webhooks import signing_secret


@pytest.fixture(autouse=True)
def keep_logging() -> Iterator[None]:
    """`warroom worker` configures the root logger for its process: undo it for the next test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:], root.level = handlers, level


def run(url: str, *args: str, **env: str) -> tuple[int, str]:
    full = {"WARROOM_DATABASE_URL": url, "WARROOM_LOG_JSON": "false"} | env
    result = CliRunner().invoke(cli, list(args), env=full)
    return result.exit_code, result.output


def test_once_sends_what_is_due_and_exits(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    add_deliveries(make_session_factory(engine), utcnow(), "ann@example.com")
    engine.dispose()
    with smtp_server() as (inbox, port):
        code, output = run(
            sqlite_url,
            "worker",
            "--once",
            WARROOM_SMTP_HOST="127.0.0.1",
            WARROOM_SMTP_PORT=str(port),
        )
        assert [m["To"] for m in inbox.snapshot()] == ["ann@example.com"], output
    assert code == 0, output
    assert "sent 1" in output


def test_the_worker_refuses_a_database_not_yet_upgraded(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    from alembic import command

    from warroom.db import alembic_config

    command.downgrade(alembic_config(engine), "0005")
    engine.dispose()
    code, output = run(sqlite_url, "worker", "--once")
    assert code == 1
    assert "run `warroom db upgrade`" in output
    upgrade(make_engine(sqlite_url))
    assert run(sqlite_url, "worker", "--once")[0] == 0


def test_webhook_secret_prints_the_signing_key_of_this_installation(sqlite_url: str) -> None:
    code, output = run(sqlite_url, "webhook", "secret", WARROOM_SECRET_KEY="installation key")
    assert code == 0
    assert output.strip() == signing_secret("installation key")
