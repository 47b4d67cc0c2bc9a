"""``warroom audit`` on the local database (SQLite and PostgreSQL): the chain verified (exit 1
naming the first bad entry once a row is edited behind the program's back), entries listed by
filter with the command line's own author, and the head shipped to a file that later anchors
the verification against a cut history."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.integration.cli.conftest import Cli


def declare(cli: Cli) -> str:
    made = cli.json("incident", "declare", "--title", "Orders failing", "--severity", "SEV3")
    ref: str = made["ref"]
    return ref


def test_verify_list_and_ship(cli: Cli, admin_token: str, tmp_path: Path) -> None:
    ref = declare(cli)
    intact = cli.json("audit", "verify")
    assert (intact["ok"], intact["first_bad"]) == (True, None)
    assert "The audit chain is intact" in cli.ok("audit", "verify").stdout

    mine = cli.json("audit", "list", "--object-type", "incidents",
                    "--object-id", ref.removeprefix("INC-"))  # fmt: skip
    assert [e["action"] for e in mine] == ["insert"]
    assert mine[0]["actor"].endswith("ada@example.com (command line)")

    heads = tmp_path / "heads.jsonl"
    sink = {"WARROOM_AUDIT_SINK": f"file:{heads}"}
    shipped = cli.json("audit", "ship", env=sink)
    assert shipped["seq"] == intact["head"]["seq"]
    assert "Nothing to ship" in cli.ok("audit", "ship", env=sink).stdout
    declare(cli)
    anchored = cli.json("audit", "verify", "--anchor-file", str(heads))
    assert anchored["ok"] is True

    def cut(session: Session) -> None:
        session.execute(text("DELETE FROM audit_entries WHERE seq >= :s"), {"s": shipped["seq"]})

    cli.run(cut)
    assert cli.json("audit", "verify")["ok"] is True  # consistent on its own
    broken = cli("audit", "verify", "--anchor-file", str(heads))
    assert broken.exit_code == 1
    assert f"The audit chain is broken at entry {shipped['seq']}" in broken.stderr


def test_an_edited_entry_is_named(cli: Cli, admin_token: str) -> None:
    declare(cli)

    def edit(session: Session) -> None:
        session.execute(text("UPDATE audit_entries SET action = 'read' WHERE seq = 2"))

    cli.run(edit)
    found = cli("audit", "verify", "--json")
    assert found.exit_code == 1
    assert json.loads(found.stdout)["first_bad"] == 2
    bad = cli("audit", "verify", "--anchor", "12:nothex", "--json")
    assert bad.exit_code == 1
    assert json.loads(bad.stdout)["errors"][0]["field"] == "anchor"
