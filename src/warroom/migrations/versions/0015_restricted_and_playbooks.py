"""restricted incidents, the security team's flag, and phase playbooks for security incidents

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"]

# The default playbook of each NIST phase. They are ordinary task templates with a phase, so
# the organisation edits or deletes them like any other checklist.
PLAYBOOKS: list[tuple[str, list[dict[str, object]]]] = [
    ("detection_analysis", [
        {"title": "Confirm the detection and record the first indicators", "role": "commander",
         "due_minutes": 30},
        {"title": "List the assets in scope and their compromise status", "due_minutes": 60},
        {"title": "Preserve volatile evidence (memory, running processes, logs)",
         "due_minutes": 60},
    ]),
    ("containment", [
        {"title": "Isolate host", "due_minutes": 30},
        {"title": "Preserve disk image", "due_minutes": 120},
        {"title": "Block the indicators at the perimeter", "due_minutes": 60},
    ]),
    ("eradication", [
        {"title": "Remove the attacker's artefacts and persistence"},
        {"title": "Rotate credentials"},
        {"title": "Patch the exploited weakness"},
    ]),
    ("recovery", [
        {"title": "Rebuild from trusted backup"},
        {"title": "Return the service to production under watch"},
    ]),
    ("validation", [
        {"title": "Verify integrity"},
        {"title": "Add monitoring"},
    ]),
    ("post_incident", [
        {"title": "Hand the evidence over or record its disposal"},
        {"title": "Hold the review and record the lessons", "role": "commander"},
    ]),
]  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(
            sa.Column("restricted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_index("ix_incidents_restricted", ["restricted"])
    with op.batch_alter_table("teams") as batch:
        batch.add_column(
            sa.Column("sees_restricted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("task_templates") as batch:
        batch.add_column(sa.Column("phase", sa.String(length=30), nullable=True))
    # Security incidents are restricted by default, including the ones declared before.
    op.execute(sa.text("UPDATE incidents SET restricted = :yes WHERE kind = 'security'")
               .bindparams(yes=True))  # fmt: skip
    op.execute(sa.text("UPDATE teams SET sees_restricted = :yes WHERE lower(name) = 'security'")
               .bindparams(yes=True))  # fmt: skip
    templates = sa.table(
        "task_templates",
        sa.column("name", sa.String()),
        sa.column("kind", sa.String()),
        sa.column("severities", sa.JSON()),
        sa.column("items", sa.JSON()),
        sa.column("auto_apply", sa.Boolean()),
        sa.column("phase", sa.String()),
    )
    taken = {row[0] for row in op.get_bind().execute(sa.text("SELECT name FROM task_templates"))}
    rows = [
        {"name": f"Security playbook: {phase.replace('_', ' ')}", "kind": "security",
         "severities": SEVERITIES, "items": items, "auto_apply": True, "phase": phase}
        for phase, items in PLAYBOOKS
    ]  # fmt: skip
    op.bulk_insert(templates, [row for row in rows if row["name"] not in taken])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM task_templates WHERE phase IS NOT NULL"))
    with op.batch_alter_table("task_templates") as batch:
        batch.drop_column("phase")
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("sees_restricted")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_index("ix_incidents_restricted")
        batch.drop_column("restricted")
