"""changes

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 05:19:33.317578
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("held_from", sa.String(length=20), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("backout_plan", sa.Text(), nullable=False),
        sa.Column("risk", sa.String(length=10), nullable=False),
        sa.Column("reboot_required", sa.Boolean(), nullable=False),
        sa.Column("planned_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("planned_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actual_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actual_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("implementer_id", sa.Integer(), nullable=True),
        sa.Column("authority_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("window_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("override_by_id", sa.Integer(), nullable=True),
        sa.Column("override_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["people.id"],
            name=op.f("fk_changes_authority_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["implementer_id"],
            ["people.id"],
            name=op.f("fk_changes_implementer_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_changes_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["override_by_id"],
            ["people.id"],
            name=op.f("fk_changes_override_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["people.id"],
            name=op.f("fk_changes_owner_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["window_id"],
            ["maintenance_windows.id"],
            name=op.f("fk_changes_window_id_maintenance_windows"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
        sa.UniqueConstraint("external_id", name=op.f("uq_changes_external_id")),
    )
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_changes_implementer_id"), ["implementer_id"], unique=False
        )
        batch_op.create_index("ix_changes_planned_end", ["planned_end"], unique=False)
        batch_op.create_index("ix_changes_state_start", ["state", "planned_start"], unique=False)

    op.create_table(
        "change_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["changes.id"],
            name=op.f("fk_change_approvals_change_id_changes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_change_approvals_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_approvals")),
    )
    with op.batch_alter_table("change_approvals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_change_approvals_change_id"), ["change_id"], unique=False
        )

    op.create_table(
        "change_assets",
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_change_assets_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["changes.id"],
            name=op.f("fk_change_assets_change_id_changes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("change_id", "asset_id", name=op.f("pk_change_assets")),
    )
    with op.batch_alter_table("change_assets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_assets_asset_id"), ["asset_id"], unique=False)

    op.create_table(
        "change_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["changes.id"],
            name=op.f("fk_change_conflicts_change_id_changes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_change_conflicts_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_conflicts")),
        sa.UniqueConstraint("change_id", "key", name=op.f("uq_change_conflicts_change_id")),
    )
    with op.batch_alter_table("change_conflicts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_change_conflicts_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["people.id"],
            name=op.f("fk_change_log_actor_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["changes.id"],
            name=op.f("fk_change_log_change_id_changes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index("ix_change_log_change_at", ["change_id", "at"], unique=False)

    op.create_table(
        "change_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("mark", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["changes.id"],
            name=op.f("fk_change_marks_change_id_changes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_change_marks_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["marked_by_id"],
            ["people.id"],
            name=op.f("fk_change_marks_marked_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_marks")),
        sa.UniqueConstraint("incident_id", "change_id", name=op.f("uq_change_marks_incident_id")),
    )
    with op.batch_alter_table("change_marks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_marks_change_id"), ["change_id"], unique=False)

    op.create_table(
        "change_services",
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["changes.id"],
            name=op.f("fk_change_services_change_id_changes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_change_services_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("change_id", "service_id", name=op.f("pk_change_services")),
    )
    with op.batch_alter_table("change_services", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_change_services_service_id"), ["service_id"], unique=False
        )

    with op.batch_alter_table("maintenance_windows", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), server_default="maintenance", nullable=False)
        )
        batch_op.add_column(sa.Column("reason", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("rrule", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("repeat_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("maintenance_windows", schema=None) as batch_op:
        batch_op.drop_column("repeat_until")
        batch_op.drop_column("rrule")
        batch_op.drop_column("reason")
        batch_op.drop_column("kind")

    with op.batch_alter_table("change_services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_services_service_id"))

    op.drop_table("change_services")
    with op.batch_alter_table("change_marks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_marks_change_id"))

    op.drop_table("change_marks")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index("ix_change_log_change_at")

    op.drop_table("change_log")
    with op.batch_alter_table("change_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_conflicts_incident_id"))

    op.drop_table("change_conflicts")
    with op.batch_alter_table("change_assets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_assets_asset_id"))

    op.drop_table("change_assets")
    with op.batch_alter_table("change_approvals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_approvals_change_id"))

    op.drop_table("change_approvals")
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.drop_index("ix_changes_state_start")
        batch_op.drop_index("ix_changes_planned_end")
        batch_op.drop_index(batch_op.f("ix_changes_implementer_id"))

    op.drop_table("changes")
