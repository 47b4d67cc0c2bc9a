"""correlation: escalating counts of alert groups, and every alert of a group

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 17:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert_groups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("escalating_alerts", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("escalating_assets", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("alert_group_members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("escalating", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "alert_group_alerts",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_group_alerts_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["alert_groups.id"],
            name=op.f("fk_alert_group_alerts_group_id_alert_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "alert_id", name=op.f("pk_alert_group_alerts")),
    )
    with op.batch_alter_table("alert_group_alerts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_group_alerts_alert_id"), ["alert_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("alert_group_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_group_alerts_alert_id"))
    op.drop_table("alert_group_alerts")
    with op.batch_alter_table("alert_group_members", schema=None) as batch_op:
        batch_op.drop_column("escalating")
    with op.batch_alter_table("alert_groups", schema=None) as batch_op:
        batch_op.drop_column("escalating_assets")
        batch_op.drop_column("escalating_alerts")
