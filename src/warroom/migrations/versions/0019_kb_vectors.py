"""knowledge base: the optional semantic model's vectors, one per entry; entries indexed by
when they were last read, so the model's job learns cheaply whether anything changed

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_vectors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=60), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["kb_entries.id"],
                                name=op.f("fk_kb_vectors_entry_id_kb_entries"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_vectors")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_kb_vectors_entry_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_kb_entries_indexed_at"), "kb_entries", ["indexed_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_kb_entries_indexed_at"), table_name="kb_entries")
    op.drop_table("kb_vectors")
