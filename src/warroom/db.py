"""Database plumbing: the declarative base, UTC timestamps, engine and session factories,
and Alembic upgrades. Every model module is imported once, here, by ``import_models``."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from alembic.config import Config

MODEL_MODULES = (
    "warroom.access.models",
    "warroom.catalog.models",
    "warroom.incidents.models",
    "warroom.alerts.models",
    "warroom.oncall.models",
    "warroom.changes.models",
    "warroom.statuspage.models",
    "warroom.sentiment.models",
    "warroom.audit.models",
    "warroom.vulns.models",
    "warroom.security.models",
    "warroom.reviews.models",
    "warroom.knowledge.models",
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are stored as UTC and always come back timezone-aware.

    SQLite has no time zone type, so naive values read from it are UTC by construction.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def import_models() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # The CLI and the server may write to the same file at once; wait rather than fail.
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False},
            poolclass=StaticPool if memory else None,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def make_session_factory(
    engine: Engine, clock: Callable[[], datetime] | None = None
) -> sessionmaker[Session]:
    """Sessions whose every write appends to the audit log (``audit/recorder.py``)."""
    from warroom.audit.recorder import install_audit

    factory = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
    install_audit(factory, clock or utcnow)
    return factory


@contextmanager
def transaction(
    factory: sessionmaker[Session], bind: Connection | None = None
) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error; on ``bind`` if given."""
    session = factory(bind=bind) if bind is not None else factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine: Engine) -> Config:
    # Alembic is imported only when migrating: most CLI commands never need it.
    from alembic.config import Config

    here = Path(__file__).parent / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(here))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def utcnow() -> datetime:
    return datetime.now(UTC)
