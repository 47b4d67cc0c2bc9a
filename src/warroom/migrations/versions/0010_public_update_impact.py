"""public update impact: a draft's impact waits for its approval

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 08:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("public_updates") as batch:
        batch.add_column(sa.Column("impact", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("public_updates") as batch:
        batch.drop_column("impact")
