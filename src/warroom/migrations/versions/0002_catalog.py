"""catalog

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 16:48:25.424405
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("name", name=op.f("uq_customers_name")),
    )
    op.create_table(
        "lifecycle_cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=False),
        sa.Column("cycle", sa.String(length=100), nullable=False),
        sa.Column("release_date", sa.Date(), nullable=True),
        sa.Column("support", sa.Date(), nullable=True),
        sa.Column("support_flag", sa.Boolean(), nullable=True),
        sa.Column("eol", sa.Date(), nullable=True),
        sa.Column("eol_flag", sa.Boolean(), nullable=True),
        sa.Column("latest", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifecycle_cycles")),
        sa.UniqueConstraint("product", "cycle", name=op.f("uq_lifecycle_cycles_product")),
    )
    op.create_table(
        "readiness_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readiness_runs")),
    )
    with op.batch_alter_table("readiness_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_readiness_runs_ran_at"), ["ran_at"], unique=False)

    op.create_table(
        "vendors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("portal_url", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendors")),
        sa.UniqueConstraint("name", name=op.f("uq_vendors_name")),
    )
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("plan_role", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_contacts_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"],
            ["vendors.id"],
            name=op.f("fk_contacts_vendor_id_vendors"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("name", "organisation", name=op.f("uq_contacts_name")),
    )
    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=100), nullable=False),
        sa.Column("hours", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("products", sa.JSON(), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_contracts_dates_in_order")),
        sa.ForeignKeyConstraint(
            ["vendor_id"],
            ["vendors.id"],
            name=op.f("fk_contracts_vendor_id_vendors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
        sa.UniqueConstraint("number", name=op.f("uq_contracts_number")),
    )
    op.create_table(
        "assets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hostname", sa.String(length=255), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("ips", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("environment", sa.String(length=50), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("exposure", sa.String(length=20), nullable=False),
        sa.Column("owner_team_id", sa.Integer(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_team_id"],
            ["teams.id"],
            name=op.f("fk_assets_owner_team_id_teams"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assets")),
        sa.UniqueConstraint("hostname", name=op.f("uq_assets_hostname")),
    )
    op.create_table(
        "contract_contacts",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contract_contacts_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_contacts_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contract_id", "contact_id", name=op.f("pk_contract_contacts")),
    )
    op.create_table(
        "asset_services",
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_asset_services_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_asset_services_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("asset_id", "service_id", name=op.f("pk_asset_services")),
    )
    with op.batch_alter_table("asset_services", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_asset_services_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "contract_assets",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_contract_assets_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_assets_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contract_id", "asset_id", name=op.f("pk_contract_assets")),
    )
    with op.batch_alter_table("contract_assets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contract_assets_asset_id"), ["asset_id"], unique=False)

    op.create_table(
        "customer_slas",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("availability_target", sa.Double(), nullable=True),
        sa.Column("response_minutes", sa.Integer(), nullable=True),
        sa.Column("penalty_terms", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_slas_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_customer_slas_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", "service_id", name=op.f("pk_customer_slas")),
    )
    with op.batch_alter_table("customer_slas", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_slas_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "installed_software",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("purl", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_installed_software_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installed_software")),
        sa.UniqueConstraint(
            "asset_id", "product", "version", name=op.f("uq_installed_software_asset_id")
        ),
    )
    with op.batch_alter_table("installed_software", schema=None) as batch_op:
        batch_op.create_index("ix_installed_software_product", ["product"], unique=False)

    op.create_table(
        "service_dependencies",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("depends_on_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "service_id <> depends_on_id", name=op.f("ck_service_dependencies_not_self")
        ),
        sa.ForeignKeyConstraint(
            ["depends_on_id"],
            ["services.id"],
            name=op.f("fk_service_dependencies_depends_on_id_services"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_service_dependencies_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "service_id", "depends_on_id", name=op.f("pk_service_dependencies")
        ),
    )
    with op.batch_alter_table("service_dependencies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_dependencies_depends_on_id"), ["depends_on_id"], unique=False
        )

    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("runbook", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:

    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_column("runbook")
        batch_op.drop_column("description")

    with op.batch_alter_table("service_dependencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_dependencies_depends_on_id"))

    op.drop_table("service_dependencies")
    with op.batch_alter_table("installed_software", schema=None) as batch_op:
        batch_op.drop_index("ix_installed_software_product")

    op.drop_table("installed_software")
    with op.batch_alter_table("customer_slas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_slas_service_id"))

    op.drop_table("customer_slas")
    with op.batch_alter_table("contract_assets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_assets_asset_id"))

    op.drop_table("contract_assets")
    with op.batch_alter_table("asset_services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_services_service_id"))

    op.drop_table("asset_services")
    op.drop_table("contract_contacts")
    op.drop_table("assets")
    op.drop_table("contracts")
    op.drop_table("contacts")
    op.drop_table("vendors")
    with op.batch_alter_table("readiness_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_readiness_runs_ran_at"))

    op.drop_table("readiness_runs")
    op.drop_table("lifecycle_cycles")
    op.drop_table("customers")
