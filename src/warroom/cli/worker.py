"""``warroom worker``: the background worker as its own process, and ``warroom webhook …``:
the signing secret webhook receivers need, and a check of a signature they received."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy import Engine

from warroom.cli.setup import ConfigOpt, revision
from warroom.db import make_engine, make_session_factory, transaction, utcnow
from warroom.settings import Settings, load_settings

if TYPE_CHECKING:
    from warroom.oncall.worker import Worker

webhook_app = typer.Typer(no_args_is_help=True, help="Signed outbound webhooks.")


def _head(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    from warroom.db import alembic_config

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def _check_schema(engine: Engine) -> None:
    """The worker never migrates (several may start at once): it refuses an old schema."""
    current, head = revision(engine), _head(engine)
    if current != head:
        typer.echo(
            f"The database is at revision {current}, this warroom needs {head}: "
            "run `warroom db upgrade` (or start `warroom serve`) first.",
            err=True,
        )
        raise typer.Exit(1)


def _secret(settings: Settings, engine: Engine) -> str:
    if settings.secret_key:
        return settings.secret_key
    from warroom.access.service import ensure_secret

    with transaction(make_session_factory(engine)) as session:
        return ensure_secret(session=session)


def worker(
    config: ConfigOpt = None,
    once: Annotated[
        bool, typer.Option("--once", help="Run one round of everything due, then exit.")
    ] = False,
) -> None:
    """Run the background worker: escalations, sending pages and notices, handover reminders
    and alert checks. Run any number against one database; stop with SIGTERM or Ctrl-C."""
    from warroom.changes.watch import ensure_change_watch
    from warroom.jobs import worker_jobs
    from warroom.logs import configure_logging
    from warroom.oncall.paging_hooks import ensure_paging
    from warroom.oncall.worker import Worker

    settings = load_settings(config)
    configure_logging(settings.log_level, settings.log_json)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # it only reads the revision here
    engine = make_engine(settings.database_url)
    try:
        _check_schema(engine)
        settings = settings.model_copy(update={"secret_key": _secret(settings, engine)})
        sessions = make_session_factory(engine)
        # What the worker changes on an incident pages as it would in the server.
        ensure_paging(sessions, settings)
        ensure_change_watch(sessions, settings)
        runner = Worker.build(
            sessions, utcnow, settings, settings.secret_key or "", worker_jobs(settings)
        )  # its own semantic model, when one is configured: the server's is another process
        if once:
            done = runner.tick()
            typer.echo(f"escalated {done.escalated}, reminded {done.reminded}, sent {done.sent}")
            return
        asyncio.run(_serve(runner))
    finally:
        engine.dispose()


async def _serve(runner: Worker) -> None:
    log = logging.getLogger("warroom.worker")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("worker started", extra={"interval": runner.settings.worker_interval_seconds})
    await runner.run(stop)
    log.info("worker stopped")


@webhook_app.command("secret")
def webhook_secret(config: ConfigOpt = None) -> None:
    """Print the key that signs outbound webhooks (give it to the receivers)."""
    from warroom.oncall.webhooks import signing_secret

    settings = load_settings(config)
    engine = make_engine(settings.database_url)
    try:
        typer.echo(signing_secret(_secret(settings, engine)))
    finally:
        engine.dispose()


@webhook_app.command("verify")
def webhook_verify(
    signature: Annotated[str, typer.Option(help="The X-Warroom-Signature header received.")],
    secret: Annotated[
        str,
        typer.Option(
            envvar="WARROOM_WEBHOOK_SECRET", help="The signing key (warroom webhook secret)."
        ),
    ],
    body: Annotated[
        Path | None,
        typer.Option(help="File holding the raw request body [default: standard input]."),
    ] = None,
    tolerance: Annotated[
        int, typer.Option(min=1, help="Seconds of clock difference allowed.")
    ] = 300,
) -> None:
    """Check a received webhook: exit 0 when the signature is valid, 1 when it is not."""
    from warroom.oncall.webhooks import BadSignature, verify_signature

    raw = body.read_bytes() if body else sys.stdin.buffer.read()
    try:
        verify_signature(secret, raw, signature, now=time.time(), tolerance=tolerance)
    except BadSignature as exc:
        typer.echo(f"invalid: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo("valid")
