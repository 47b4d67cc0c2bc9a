"""sentiment

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 06:27:10.481046
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mention_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("modified", sa.String(length=100), nullable=True),
        sa.Column("polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mention_feeds")),
        sa.UniqueConstraint("name", name=op.f("uq_mention_feeds_name")),
    )
    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("external_id", sa.String(length=500), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("label", sa.String(length=10), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("outreach", sa.String(length=20), nullable=False),
        sa.Column("outreach_note", sa.Text(), nullable=False),
        sa.Column("outreach_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_mentions_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["outreach_by_id"],
            ["people.id"],
            name=op.f("fk_mentions_outreach_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentions")),
        sa.UniqueConstraint("source", "external_id", name=op.f("uq_mentions_source")),
    )
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mentions_incident_posted", ["incident_id", "posted_at"], unique=False
        )
        batch_op.create_index("ix_mentions_outreach", ["outreach"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_index("ix_mentions_outreach")
        batch_op.drop_index("ix_mentions_incident_posted")

    op.drop_table("mentions")
    op.drop_table("mention_feeds")
