"""postmortems, action items and the reminders sent about them

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "postmortems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        _when("due_at", nullable=True),
        _when("created_at"),
        _when("updated_at"),
        _when("drafted_at"),
        _when("submitted_at", nullable=True),
        _when("published_at", nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("postmortems", "incident_id", "incidents", "CASCADE"),
        _fk("postmortems", "owner_id", "people", "SET NULL"),
        _fk("postmortems", "published_by_id", "people", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postmortems")),
        sa.UniqueConstraint("incident_id", name=op.f("uq_postmortems_incident_id")),
    )
    op.create_index(op.f("ix_postmortems_due_at"), "postmortems", ["due_at"])
    op.create_index(op.f("ix_postmortems_state"), "postmortems", ["state"])
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("tracker_url", sa.String(length=2000), nullable=True),
        _when("created_at"),
        _when("updated_at"),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _when("completed_at", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("action_items", "incident_id", "incidents", "CASCADE"),
        _fk("action_items", "owner_id", "people", "SET NULL"),
        _fk("action_items", "created_by_id", "people", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    op.create_index(op.f("ix_action_items_incident_id"), "action_items", ["incident_id"])
    op.create_index(op.f("ix_action_items_owner_id"), "action_items", ["owner_id"])
    op.create_index("ix_action_items_status_due", "action_items", ["status", "due_on"])
    op.create_table(
        "review_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        _when("due_at"),
        _when("sent_at"),
        _fk("review_reminders", "incident_id", "incidents", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_reminders")),
        sa.UniqueConstraint("subject", "kind", "due_at", name=op.f("uq_review_reminders_subject")),
    )
    op.create_index(op.f("ix_review_reminders_incident_id"), "review_reminders", ["incident_id"])


def downgrade() -> None:
    op.drop_table("review_reminders")
    op.drop_table("action_items")
    op.drop_table("postmortems")
