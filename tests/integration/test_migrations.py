"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL: a
column added to a model without its migration (or the other way round) fails here, not in an
operator's upgrade."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from warroom.db import Base, import_models, make_engine


def test_the_migrated_schema_is_the_models_schema(database_url: str) -> None:
    import_models()
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": _ours})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def _ours(name: str | None, kind: str, _parents: dict[str, str | None]) -> bool:
    """The full-text index is each engine's own (migration 0018) and no model describes it."""
    return not (name or "").startswith("kb_fts")
