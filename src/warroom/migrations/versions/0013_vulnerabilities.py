"""vulnerability campaigns and their remediation records

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vuln_campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("advisory_id", sa.String(length=200), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("cvss", sa.Float(), nullable=True),
        sa.Column("known_exploited", sa.Boolean(), nullable=False),
        sa.Column("fixed", sa.JSON(), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["opened_by_id"],
            ["people.id"],
            name=op.f("fk_vuln_campaigns_opened_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vuln_campaigns")),
        sa.UniqueConstraint("advisory_id", name=op.f("uq_vuln_campaigns_advisory_id")),
    )
    op.create_table(
        "vuln_remediations",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("purl", sa.String(length=500), nullable=True),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("tier_reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("affected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("patched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("risk_accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("false_positive_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_vuln_remediations_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["vuln_campaigns.id"],
            name=op.f("fk_vuln_remediations_campaign_id_vuln_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["people.id"],
            name=op.f("fk_vuln_remediations_updated_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "asset_id", name=op.f("pk_vuln_remediations")),
    )
    op.create_index(
        "ix_vuln_remediations_campaign_status", "vuln_remediations", ["campaign_id", "status"]
    )
    op.create_index(op.f("ix_vuln_remediations_asset_id"), "vuln_remediations", ["asset_id"])


def downgrade() -> None:
    op.drop_table("vuln_remediations")
    op.drop_table("vuln_campaigns")
