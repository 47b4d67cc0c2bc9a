"""Alembic environment: runs against the engine handed over by ``warroom.db.upgrade``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from warroom.db import Base, import_models, make_engine

import_models()
config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///warroom.db")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
