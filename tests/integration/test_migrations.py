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
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []
