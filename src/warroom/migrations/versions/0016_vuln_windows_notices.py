"""vulnerability campaigns: emergency windows per tier and customer notices

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("vuln_remediations") as batch:
        batch.add_column(sa.Column("change_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_vuln_remediations_change_id_changes"),
            "changes",
            ["change_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(op.f("ix_vuln_remediations_change_id"), ["change_id"])
    op.create_table(
        "vuln_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("assets", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_as", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["vuln_campaigns.id"],
            name=op.f("fk_vuln_windows_campaign_id_vuln_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["changes.id"],
            name=op.f("fk_vuln_windows_change_id_changes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["people.id"],
            name=op.f("fk_vuln_windows_created_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vuln_windows")),
        sa.UniqueConstraint("change_id", name=op.f("uq_vuln_windows_change_id")),
    )
    op.create_index(op.f("ix_vuln_windows_campaign_id"), "vuln_windows", ["campaign_id"])
    op.create_table(
        "vuln_notices",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("first_notified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.Column("notified_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["vuln_campaigns.id"],
            name=op.f("fk_vuln_notices_campaign_id_vuln_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_vuln_notices_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["notified_by_id"],
            ["people.id"],
            name=op.f("fk_vuln_notices_notified_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "customer_id", name=op.f("pk_vuln_notices")),
    )
    op.create_index(op.f("ix_vuln_notices_customer_id"), "vuln_notices", ["customer_id"])


def downgrade() -> None:
    op.drop_table("vuln_notices")
    op.drop_table("vuln_windows")
    with op.batch_alter_table("vuln_remediations") as batch:
        batch.drop_index(op.f("ix_vuln_remediations_change_id"))
        batch.drop_constraint(op.f("fk_vuln_remediations_change_id_changes"), type_="foreignkey")
        batch.drop_column("change_id")
