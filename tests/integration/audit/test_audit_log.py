"""Every write appends to the hash-chained audit log (SQLite and PostgreSQL), under the name
of whoever made it; a write rolled back leaves neither an entry nor a gap; and an entry
edited, deleted or moved directly in the database is found by verification, which names the
first bad entry. Truncation and a rewritten history are found against a shipped head."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.conftest import User
from tests.integration.incidents.helpers import declare
from warroom.audit.rules import entry_hash
from warroom.audit.service import check_chain, current_head
from warroom.db import transaction

URL = "/api/v1/audit"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def some_writes(client: TestClient, admin: User) -> str:
    ref: str = declare(client, admin, title="Orders failing")["ref"]
    body = {"status": "investigating"}
    ok(client.patch(f"/api/v1/incidents/{ref}", json=body, headers=admin.headers))
    return ref


def verdict(client: TestClient, admin: User, **anchor: Any) -> Any:
    body = {"anchor": anchor} if anchor else {}
    return ok(client.post(f"{URL}/verify", json=body, headers=admin.headers))


def sql(app: FastAPI, statement: str, **params: Any) -> None:
    with app.state.engine.begin() as connection:
        connection.execute(text(statement), params)


def test_each_write_is_an_entry_by_its_author_and_the_chain_holds(
    client: TestClient, admin: User, responder: User
) -> None:
    ref = some_writes(client, admin)
    number = ref.removeprefix("INC-")
    found = ok(client.get(URL, params={"object_type": "incidents", "object_id": number},
                          headers=admin.headers))["entries"]  # fmt: skip
    assert [e["action"] for e in found] == ["update", "insert"]  # newest first
    assert {e["actor"] for e in found} == {f"person:{admin.person_id} {admin.email}"}
    assert found[0]["before_digest"] != found[0]["after_digest"]
    assert found[1]["before_digest"] == ""  # inserted: there was no row before
    checked = verdict(client, admin)
    assert (checked["ok"], checked["problem"]) == (True, "")
    assert checked["head"]["seq"] == checked["checked"] >= 2
    assert client.get(URL, headers=responder.headers).status_code == 403


def test_a_write_refused_leaves_no_entry_and_no_gap(
    app: FastAPI, client: TestClient, admin: User
) -> None:
    some_writes(client, admin)
    with transaction(app.state.sessions) as session:
        before = current_head(session)
    bad = client.post("/api/v1/incidents", json={"title": "", "severity": "SEV9"},
                      headers=admin.headers)  # fmt: skip
    assert bad.status_code == 422
    with transaction(app.state.sessions) as session:
        assert current_head(session) == before
    assert verdict(client, admin)["ok"] is True


Tamper = Callable[[FastAPI, int], None]


def edit(app: FastAPI, seq: int) -> None:
    sql(app, "UPDATE audit_entries SET actor = 'mallory' WHERE seq = :seq", seq=seq)


def delete(app: FastAPI, seq: int) -> None:
    sql(app, "DELETE FROM audit_entries WHERE seq = :seq", seq=seq)


def swap(app: FastAPI, seq: int) -> None:
    """Entries ``seq`` and ``seq + 1`` trade places (their contents move, seqs stay)."""
    for a, b in ((seq, -1), (seq + 1, seq), (-1, seq + 1)):
        sql(app, "UPDATE audit_entries SET seq = :b WHERE seq = :a", a=a, b=b)


def forge(app: FastAPI, seq: int) -> None:
    """Edited, with its own hash recomputed to match: the next entry's link gives it away."""
    with app.state.engine.begin() as connection:
        row = connection.execute(text("SELECT * FROM audit_entries WHERE seq = :s"),
                                 {"s": seq}).mappings().one()  # fmt: skip
        at = row["at"]
        fields = {k: row[k] for k in ("actor", "action", "object_type", "object_id",
                                      "before_digest", "after_digest", "prev_hash")}  # fmt: skip
        fields["actor"] = "mallory"
        if isinstance(at, str):
            at = datetime.fromisoformat(at)
        moment = at if at.tzinfo else at.replace(tzinfo=UTC)
        new_hash = entry_hash(seq=seq, at=moment, **fields)
        connection.execute(text("UPDATE audit_entries SET actor = 'mallory', hash = :h "
                                "WHERE seq = :s"), {"h": new_hash, "s": seq})  # fmt: skip


@pytest.mark.parametrize(
    ("tamper", "first_bad", "words"),
    [
        (edit, 3, "entry 3 was edited"),
        (delete, 3, "entry 3 is missing"),
        (swap, 3, "entry 3"),
        (forge, 4, "entry 4"),
    ],
)
def test_tampering_with_a_row_is_found_at_the_first_bad_entry(
    app: FastAPI, client: TestClient, admin: User, tamper: Tamper, first_bad: int, words: str
) -> None:
    some_writes(client, admin)
    some_writes(client, admin)
    tamper(app, 3)
    found = verdict(client, admin)
    assert (found["ok"], found["first_bad"]) == (False, first_bad), found
    assert words in found["problem"]


def test_a_cut_or_rewritten_history_is_found_only_against_a_shipped_head(
    app: FastAPI, client: TestClient, admin: User
) -> None:
    some_writes(client, admin)
    shipped = verdict(client, admin)["head"]
    some_writes(client, admin)
    sql(app, "DELETE FROM audit_entries WHERE seq > :seq", seq=shipped["seq"] - 2)
    sql(app, "UPDATE audit_head SET seq = :seq", seq=shipped["seq"] - 2)
    assert verdict(client, admin)["ok"] is True  # consistent on its own, as documented
    cut = verdict(client, admin, **shipped)
    # The first entry the shipped head vouches for that is no longer there.
    assert (cut["ok"], cut["first_bad"]) == (False, shipped["seq"] - 1)
    assert "truncated" in cut["problem"] or "missing" in cut["problem"], cut["problem"]


def test_the_chain_holds_for_every_entry_written(
    app: FastAPI, client: TestClient, admin: User
) -> None:
    for _ in range(3):
        some_writes(client, admin)
    with transaction(app.state.sessions) as session:
        head = current_head(session)
        result = check_chain(session)
    assert result.ok
    assert head is not None
    assert result.head == head


def test_concurrent_writers_append_one_after_the_other(app: FastAPI) -> None:
    """Four threads, each committing twelve transactions at once: every write is one entry,
    and the chain has neither a gap nor a fork (the head is locked while appending)."""
    from concurrent.futures import ThreadPoolExecutor

    from warroom.access.models import Team

    with transaction(app.state.sessions) as session:
        start = current_head(session)

    def writer(n: int) -> None:
        for i in range(12):
            with transaction(app.state.sessions) as session:
                session.add(Team(name=f"team {n}-{i}"))

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(writer, range(4)))
    with transaction(app.state.sessions) as session:
        result = check_chain(session)
        head = current_head(session)
    assert result.ok, result.problem
    assert head is not None
    assert head.seq == (start.seq if start else 0) + 48


def test_a_savepoint_rolled_back_takes_its_entries_with_it(app: FastAPI) -> None:
    from sqlalchemy import select

    from warroom.access.models import Team
    from warroom.audit.models import AuditEntry

    with transaction(app.state.sessions) as session:
        session.add(Team(name="kept"))
        session.flush()
        savepoint = session.begin_nested()
        session.add(Team(name="undone"))
        session.flush()
        savepoint.rollback()
    with transaction(app.state.sessions) as session:
        teams = {t.id: t.name for t in session.scalars(select(Team))}
        query = select(AuditEntry.object_id).where(AuditEntry.object_type == "teams")
        written = [teams.get(int(i)) for i in session.scalars(query)]
        assert written == ["kept"]
        assert check_chain(session).ok
