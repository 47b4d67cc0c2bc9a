"""security incidents: phase, impact, indicators, scope, containment, evidence and custody

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "security_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("tlp", sa.String(length=20), nullable=False),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["people.id"],
            name=op.f("fk_security_evidence_holder_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_security_evidence_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_evidence")),
    )
    op.create_index(
        op.f("ix_security_evidence_incident_id"), "security_evidence", ["incident_id"], unique=False
    )
    op.create_table(
        "security_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=2048), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tlp", sa.String(length=20), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["people.id"],
            name=op.f("fk_security_indicators_added_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_security_indicators_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_indicators")),
        sa.UniqueConstraint(
            "incident_id", "type", "value", name=op.f("uq_security_indicators_incident_id")
        ),
    )
    op.create_index(
        op.f("ix_security_indicators_incident_id"),
        "security_indicators",
        ["incident_id"],
        unique=False,
    )
    op.create_table(
        "security_phase_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("from_phase", sa.String(length=30), nullable=True),
        sa.Column("to_phase", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["people.id"],
            name=op.f("fk_security_phase_changes_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_security_phase_changes_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_phase_changes")),
    )
    op.create_index(
        op.f("ix_security_phase_changes_incident_id"),
        "security_phase_changes",
        ["incident_id"],
        unique=False,
    )
    op.create_table(
        "security_records",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=30), nullable=False),
        sa.Column("phase_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("functional_impact", sa.String(length=20), nullable=True),
        sa.Column("information_impact", sa.String(length=30), nullable=True),
        sa.Column("recoverability", sa.String(length=20), nullable=True),
        sa.Column("tlp", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_security_records_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_security_records")),
    )
    op.create_table(
        "security_containment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("advice", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_security_containment_asset_id_assets"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["people.id"],
            name=op.f("fk_security_containment_decided_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_security_containment_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_containment")),
    )
    op.create_index(
        op.f("ix_security_containment_incident_id"),
        "security_containment",
        ["incident_id"],
        unique=False,
    )
    op.create_table(
        "security_custody",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("from_id", sa.Integer(), nullable=True),
        sa.Column("to_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["security_evidence.id"],
            name=op.f("fk_security_custody_evidence_id_security_evidence"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_id"],
            ["people.id"],
            name=op.f("fk_security_custody_from_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_id"],
            ["people.id"],
            name=op.f("fk_security_custody_to_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_custody")),
    )
    op.create_index(
        op.f("ix_security_custody_evidence_id"), "security_custody", ["evidence_id"], unique=False
    )
    op.create_table(
        "security_scope_assets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("compromise", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_security_scope_assets_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_security_scope_assets_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_scope_assets")),
        sa.UniqueConstraint(
            "incident_id", "asset_id", name=op.f("uq_security_scope_assets_incident_id")
        ),
    )
    op.create_index(
        op.f("ix_security_scope_assets_incident_id"),
        "security_scope_assets",
        ["incident_id"],
        unique=False,
    )
    # ### end Alembic commands ###


def downgrade() -> None:
    op.drop_table("security_scope_assets")
    op.drop_table("security_custody")
    op.drop_table("security_containment")
    op.drop_table("security_records")
    op.drop_table("security_phase_changes")
    op.drop_table("security_indicators")
    op.drop_table("security_evidence")
