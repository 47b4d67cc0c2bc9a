"""Installing and running warroom: ``init``, ``serve`` and ``db upgrade``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.access.rules import Role
from warroom.access.schemas import PersonIn
from warroom.access.service import do_create_person, do_create_token
from warroom.catalog.lifecycles import do_import_shipped
from warroom.cli.local import local_transaction
from warroom.cli.problems import Problem, problem_body
from warroom.cli.run import reporting
from warroom.db import make_engine, upgrade, utcnow
from warroom.settings import load_settings

db_app = typer.Typer(no_args_is_help=True, help="Database maintenance.")
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config", help="An env-style file of WARROOM_* settings.", show_default=False, exists=True
    ),
]


def shown_url(url: str) -> str:
    """The database URL without its password, fit for a terminal or a log."""
    return make_url(url).render_as_string(hide_password=True)


def revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        from alembic.runtime.migration import MigrationContext  # only when it is asked for

        return MigrationContext.configure(connection).get_current_revision()


@db_app.command("upgrade")
def db_upgrade(config: ConfigOpt = None) -> None:
    """Apply every pending migration to WARROOM_DATABASE_URL."""
    settings = load_settings(config)
    engine = make_engine(settings.database_url)
    try:
        with reporting(as_json=False):
            upgrade(engine)
            typer.echo(f"{shown_url(settings.database_url)} is at revision {revision(engine)}")
    finally:
        engine.dispose()


def _name_from(email: str) -> str:
    local = email.split("@", 1)[0]
    return " ".join(part.capitalize() for part in local.replace("_", ".").split(".") if part)


def _admin(session: Session, email: str, password: str | None, name: str | None) -> Person:
    """The admin named by ``email``: found when it exists, created otherwise."""
    found = session.scalar(select(Person).where(Person.email == email.strip().lower()))
    if found is not None:
        if found.role != Role.admin.value:
            detail = f"{found.email} exists but is {found.role}, not admin"
            raise Problem(problem_body(409, "Conflict", detail))
        typer.echo(f"Admin {found.name} <{found.email}> already exists; issuing a fresh token.")
        return found
    if not password:
        raise typer.BadParameter(
            "required to create the admin (or set WARROOM_ADMIN_PASSWORD)",
            param_hint="'--password'",
        )
    data = PersonIn(
        name=name or _name_from(email) or "Administrator",
        email=email,
        password=password,
        role=Role.admin,
    )
    person = do_create_person(session=session, now=utcnow(), **data.model_dump())
    typer.echo(f"Created admin {person.name} <{person.email}>.")
    return person


def init(
    email: Annotated[
        str | None,
        typer.Option(envvar="WARROOM_ADMIN_EMAIL", help="The first admin's email."),
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            envvar="WARROOM_ADMIN_PASSWORD",
            help="The first admin's password (8+ characters).",
            show_default=False,
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(envvar="WARROOM_ADMIN_NAME", help="Display name (default: from the email)."),
    ] = None,
) -> None:
    """Create or migrate the database and the first admin; print an API token last."""
    if not email:
        raise typer.BadParameter("required (or set WARROOM_ADMIN_EMAIL)", param_hint="'--email'")
    with reporting(as_json=False):
        with local_transaction(migrate=True) as session:
            typer.echo(f"Database {shown_url(load_settings().database_url)} is migrated.")
            person = _admin(session, email, password, name)
            loaded = do_import_shipped(session=session)
            if loaded:
                typer.echo(f"Loaded lifecycle data for {', '.join(loaded)}.")
            token, _row = do_create_token(session=session, person=person, now=utcnow(), name="init")
        typer.echo("API token (shown once; store it safely):")
        typer.echo(token)


SETTINGS_ENV = "WARROOM_SERVE_SETTINGS"  # how `serve --workers` hands settings to its workers


def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on [default: 127.0.0.1]")
    ] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port to listen on [default: 8080]")
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes. More than one uses more cores (for PostgreSQL; SQLite "
            "has one writer at a time, so keep 1 there).",
        ),
    ] = 1,
    config: ConfigOpt = None,
) -> None:
    """Run the web app and API; logs are JSON lines on stderr."""
    import uvicorn

    from warroom.app import create_app
    from warroom.logs import configure_logging

    settings = load_settings(config)
    changes = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    settings = settings.model_copy(update=changes)
    configure_logging(settings.log_level, settings.log_json)
    with reporting(as_json=False):
        app = create_app(settings)  # migrates and creates the secret once, before any worker
    # log_config=None keeps uvicorn's own messages in our JSON lines.
    from warroom.web.protocol import PROTOCOL

    options = {"host": settings.host, "port": settings.port, "log_config": None, "http": PROTOCOL}
    if workers == 1:
        uvicorn.run(app, access_log=False, **options)  # type: ignore[arg-type]
        return
    import os

    app.state.engine.dispose()  # the workers open their own connections
    secret = app.state.secret_key
    os.environ[SETTINGS_ENV] = settings.model_copy(update={"secret_key": secret}).model_dump_json()
    target = "warroom.cli.setup:worker_app"
    uvicorn.run(target, factory=True, workers=workers, access_log=False, **options)  # type: ignore[arg-type]


def worker_app() -> object:
    """One worker process of `serve --workers N`: the parent's settings, no migration."""
    import os

    from warroom.app import create_app
    from warroom.logs import configure_logging
    from warroom.settings import Settings

    settings = Settings.model_validate_json(os.environ[SETTINGS_ENV])
    configure_logging(settings.log_level, settings.log_json)
    return create_app(settings, migrate=False)
