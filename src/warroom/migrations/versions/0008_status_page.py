"""status page

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 06:23:46.907316
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "status_subscribers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=2000), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_subscribers")),
        sa.UniqueConstraint("kind", "address", name=op.f("uq_status_subscribers_kind")),
    )
    op.create_table(
        "public_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("impact", sa.String(length=20), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("monitoring_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scheduled_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_public_incidents_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_incidents")),
        sa.UniqueConstraint("code", name=op.f("uq_public_incidents_code")),
    )
    with op.batch_alter_table("public_incidents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_public_incidents_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "update_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_update_reminders_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_update_reminders")),
        sa.UniqueConstraint("incident_id", "due_at", name=op.f("uq_update_reminders_incident_id")),
    )
    op.create_table(
        "public_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("public_incident_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("affected_components", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("written_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("display_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["people.id"],
            name=op.f("fk_public_updates_approved_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["public_incident_id"],
            ["public_incidents.id"],
            name=op.f("fk_public_updates_public_incident_id_public_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["written_by_id"],
            ["people.id"],
            name=op.f("fk_public_updates_written_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_updates")),
        sa.UniqueConstraint("code", name=op.f("uq_public_updates_code")),
    )
    with op.batch_alter_table("public_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_public_updates_public_incident_id"), ["public_incident_id"], unique=False
        )

    op.create_table(
        "status_components",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_group", sa.Boolean(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("only_show_if_degraded", sa.Boolean(), nullable=False),
        sa.Column("showcase", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["status_components.id"],
            name=op.f("fk_status_components_group_id_status_components"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_status_components_service_id_services"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_components")),
        sa.UniqueConstraint("code", name=op.f("uq_status_components_code")),
    )
    with op.batch_alter_table("status_components", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_components_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_status_components_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "comms_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("audiences", sa.JSON(), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("doing", sa.Text(), nullable=False),
        sa.Column("next_update_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("public_update_id", sa.Integer(), nullable=True),
        sa.Column("sent", sa.JSON(), nullable=False),
        sa.Column("written_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_comms_updates_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["public_update_id"],
            ["public_updates.id"],
            name=op.f("fk_comms_updates_public_update_id_public_updates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["written_by_id"],
            ["people.id"],
            name=op.f("fk_comms_updates_written_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comms_updates")),
    )
    with op.batch_alter_table("comms_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_comms_updates_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "public_incident_components",
        sa.Column("public_incident_id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["status_components.id"],
            name=op.f("fk_public_incident_components_component_id_status_components"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["public_incident_id"],
            ["public_incidents.id"],
            name=op.f("fk_public_incident_components_public_incident_id_public_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "public_incident_id", "component_id", name=op.f("pk_public_incident_components")
        ),
    )
    with op.batch_alter_table("public_incident_components", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_public_incident_components_component_id"), ["component_id"], unique=False
        )

    op.create_table(
        "status_component_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["status_components.id"],
            name=op.f("fk_status_component_history_component_id_status_components"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_component_history")),
    )
    with op.batch_alter_table("status_component_history", schema=None) as batch_op:
        batch_op.create_index(
            "ix_status_component_history_at", ["component_id", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("status_component_history", schema=None) as batch_op:
        batch_op.drop_index("ix_status_component_history_at")

    op.drop_table("status_component_history")
    with op.batch_alter_table("public_incident_components", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_incident_components_component_id"))

    op.drop_table("public_incident_components")
    with op.batch_alter_table("comms_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comms_updates_incident_id"))

    op.drop_table("comms_updates")
    with op.batch_alter_table("status_components", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_components_service_id"))
        batch_op.drop_index(batch_op.f("ix_status_components_group_id"))

    op.drop_table("status_components")
    with op.batch_alter_table("public_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_updates_public_incident_id"))

    op.drop_table("public_updates")
    op.drop_table("update_reminders")
    with op.batch_alter_table("public_incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_incidents_incident_id"))

    op.drop_table("public_incidents")
    op.drop_table("status_subscribers")
