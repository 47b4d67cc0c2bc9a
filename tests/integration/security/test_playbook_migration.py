"""The phase playbooks come with the migration on a fresh database of each kind; a checklist
an organisation already named like one is kept as it was, and a downgrade takes back only
the seeded playbooks."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, inspect, text

from tests.conftest import PG_ADMIN_URL
from warroom.db import alembic_config, make_engine, upgrade
from warroom.security.rules import Phase

OURS = "Security playbook: containment"


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database: nothing migrated yet, unlike the shared test databases."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
        yield engine
        engine.dispose()
        return
    request.getfixturevalue("pg_database")  # skips, with its printed reason, without PostgreSQL
    name = f"warroom_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _templates(engine: Engine) -> dict[str, tuple[str, str | None, bool]]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT name, kind, phase, auto_apply FROM task_templates"))
        return {r.name: (r.kind, r.phase, bool(r.auto_apply)) for r in rows}


def test_upgrade_seeds_a_playbook_per_phase(fresh_engine: Engine) -> None:
    upgrade(fresh_engine)
    seeded = {v[1]: (k, v) for k, v in _templates(fresh_engine).items() if v[1] is not None}
    assert sorted(seeded) == sorted(p.value for p in Phase)
    for phase, (name, (kind, _, auto_apply)) in seeded.items():
        assert name == f"Security playbook: {phase.replace('_', ' ')}"
        assert (kind, auto_apply) == ("security", True)


def test_an_existing_namesake_is_kept_and_downgrade_removes_only_the_seeds(
    fresh_engine: Engine,
) -> None:
    upgrade(fresh_engine, "0014")
    with fresh_engine.begin() as connection:
        connection.execute(
            text("INSERT INTO task_templates (name, kind, severities, items, auto_apply) "
                 "VALUES (:name, 'security', :sev, :items, :yes)"),
            {"name": OURS, "sev": '["SEV1"]', "items": '[{"title": "Call legal"}]', "yes": False},
        )  # fmt: skip
    upgrade(fresh_engine)
    after = _templates(fresh_engine)
    assert after[OURS] == ("security", None, False)
    assert len([v for v in after.values() if v[1] is not None]) == len(Phase) - 1
    command.downgrade(alembic_config(fresh_engine), "0014")
    assert "phase" not in {c["name"] for c in inspect(fresh_engine).get_columns("task_templates")}
    assert [n for n in _names(fresh_engine) if n.startswith("Security playbook")] == [OURS]


def _names(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return {r.name for r in connection.execute(text("SELECT name FROM task_templates"))}
