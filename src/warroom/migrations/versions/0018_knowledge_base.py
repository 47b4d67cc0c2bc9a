"""knowledge base: solutions, searchable entries with their keys, feedback; the full-text
index in each database's own engine (SQLite FTS5, PostgreSQL tsvector GIN)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 16:30:00.000000
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_VECTOR = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(body, '') || ' ' || coalesce(fix, '')), 'B')"
)


def _when(name: str) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "kb_solutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("symptoms", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("fix", sa.Text(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        _when("created_at"),
        _when("updated_at"),
        sa.ForeignKeyConstraint(["author_id"], ["people.id"],
                                name=op.f("fk_kb_solutions_author_id_people"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"],
                                name=op.f("fk_kb_solutions_incident_id_incidents"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_solutions")),
    )  # fmt: skip
    op.create_index(op.f("ix_kb_solutions_incident_id"), "kb_solutions", ["incident_id"])
    op.create_table(
        "kb_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("fix", sa.Text(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=True),
        _when("indexed_at"),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"],
                                name=op.f("fk_kb_entries_incident_id_incidents"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_entries")),
        sa.UniqueConstraint("source", "source_id", name=op.f("uq_kb_entries_source")),
    )  # fmt: skip
    op.create_index(op.f("ix_kb_entries_incident_id"), "kb_entries", ["incident_id"])
    op.create_table(
        "kb_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["kb_entries.id"],
                                name=op.f("fk_kb_keys_entry_id_kb_entries"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_keys")),
    )  # fmt: skip
    op.create_index("ix_kb_keys_key", "kb_keys", ["key", "entry_id"])
    op.create_index(op.f("ix_kb_keys_entry_id"), "kb_keys", ["entry_id"])
    op.create_table(
        "kb_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        _when("at"),
        sa.ForeignKeyConstraint(["entry_id"], ["kb_entries.id"],
                                name=op.f("fk_kb_feedback_entry_id_kb_entries"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"],
                                name=op.f("fk_kb_feedback_incident_id_incidents"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_kb_feedback_person_id_people"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_feedback")),
        sa.UniqueConstraint("incident_id", "entry_id", "person_id",
                            name=op.f("uq_kb_feedback_incident_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_kb_feedback_entry_id"), "kb_feedback", ["entry_id"])
    op.create_table(
        "kb_cursor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_cursor")),
    )
    _full_text_index()


def _full_text_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # External content: the words live in kb_entries; kb_fts holds only the index, kept in
        # step by knowledge/fts.py in the same transaction as the entry.
        op.execute(
            "CREATE VIRTUAL TABLE kb_fts USING fts5(title, body, fix, content='kb_entries', "
            "content_rowid='id', tokenize='porter unicode61')"
        )
    else:
        # A stored, generated vector: ranking reads it instead of parsing every match again.
        op.execute(f"ALTER TABLE kb_entries ADD COLUMN kb_fts_vector tsvector "
                   f"GENERATED ALWAYS AS ({PG_VECTOR}) STORED")  # fmt: skip
        op.execute("CREATE INDEX kb_fts_gin ON kb_entries USING gin (kb_fts_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE kb_fts")
    else:
        op.execute("DROP INDEX kb_fts_gin")
        op.execute("ALTER TABLE kb_entries DROP COLUMN kb_fts_vector")
    op.drop_table("kb_cursor")
    op.drop_table("kb_feedback")
    op.drop_table("kb_keys")
    op.drop_table("kb_entries")
    op.drop_table("kb_solutions")
