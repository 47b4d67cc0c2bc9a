"""What checking the audit chain costs: ``verify`` over 200,000 entries.

The log: ``--entries`` entries made with ``chain`` as a busy organisation's writes would make
them: actors people, API tokens and the system; inserts, updates and deletes of incidents,
alerts and changes, each with the digests of a small row before and after it.

Measured once: (a) digesting the rows and (b) chaining the entries, in µs per entry (what
each write pays). Measured as the median of ``--repeat`` runs: (c) ``verify`` over the whole
chain, read from the entry source, with the chain's head as the anchor; then the same chain
written to a fresh SQLite file and a fresh PostgreSQL database (127.0.0.1:5432, user postgres)
and verified as ``warroom audit verify`` does, reading every row: (d) and (e). Last, what a
write pays: ``--writes`` transactions (one insert and one update each) through sessions that
record them, against plain sessions that do not (the reference), on both databases.

Reference, measured in the same run over the same entries: plain ``hashlib.sha256`` over each
entry's preimage, already encoded (the floor any verifier pays: it hashes every entry once).
Prints seconds, µs per entry, the ratio of (c) to the reference, and the budget met or MISSED:
verify 200,000 entries in under 5 s.


    .venv/bin/python -m bench.audit [--entries 200000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from warroom.access.models import Team
from warroom.audit.models import AuditEntry
from warroom.audit.rules import Draft, Entry, Head, chain, entry_preimage, verify
from warroom.audit.service import check_chain
from warroom.db import make_engine, make_session_factory, upgrade

START = datetime(2026, 12, 1, tzinfo=UTC)
BUDGET_S = 5.0
OBJECTS = ("incident", "alert", "change", "status_update")
T = TypeVar("T")
PG_ADMIN = os.environ.get(
    "WARROOM_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)

# Where ``verify`` reads the entries from: called once per run, iterated once.
EntrySource = Callable[[], Iterable[Entry]]


def drafts(count: int, rng: random.Random) -> list[Draft]:
    return [_draft(n, rng) for n in range(count)]


def _draft(n: int, rng: random.Random) -> Draft:
    at = START + timedelta(milliseconds=n * 250 + rng.randrange(250))
    action = rng.choice(("insert", "update", "update", "delete"))
    row: dict[str, object] = {
        "id": n // 4,
        "title": f"checkout latency {n // 4}",
        "severity": rng.choice(("SEV1", "SEV2", "SEV3")),
        "status": "investigating",
        "services": ["checkout", "payments"],
        "updated_at": at,
    }
    return Draft.for_change(
        at=at,
        actor=rng.choice((f"person:{rng.randrange(200)}", f"token:{rng.randrange(20)}", "system")),
        action=action,
        object_type=rng.choice(OBJECTS),
        object_id=str(n // 4),
        before=None if action == "insert" else row,
        after=None if action == "delete" else {**row, "status": "identified"},
    )


def chained(items: list[Draft]) -> list[Entry]:
    entries: list[Entry] = []
    head: Head | None = None
    for item in items:
        entry = chain(head, item)
        entries.append(entry)
        head = entry.head
    return entries


def memory_source(entries: list[Entry]) -> EntrySource:
    return lambda: iter(entries)


def stored(url: str, entries: list[Entry]) -> Engine:
    """A migrated database at ``url`` holding ``entries`` (written in bulk, not chained again)."""
    engine = make_engine(url)
    upgrade(engine)
    names = Entry.__slots__
    with engine.begin() as connection:
        for at in range(0, len(entries), 10_000):
            rows = [{n: getattr(e, n) for n in names} for e in entries[at : at + 10_000]]
            connection.execute(insert(AuditEntry), rows)
    return engine


def database_measure(engine: Engine, anchor: Head, repeat: int) -> float:
    """Seconds for one ``check_chain`` reading every entry from the database (median)."""
    sessions = make_session_factory(engine)

    def once() -> None:
        with sessions() as session:
            verdict = check_chain(session, anchor)
        if not verdict.ok:
            raise SystemExit(f"the stored chain does not verify: {verdict.problem}")

    return median_s(once, repeat)


def write_costs(url: str, count: int) -> dict[str, float]:
    """Seconds for ``count`` transactions that each insert one team and update another: with
    the audit log recording them, and without (the reference)."""
    engine = make_engine(url)
    upgrade(engine)
    plain = sessionmaker(bind=engine, expire_on_commit=False)
    costs = {}
    for label, factory in (("plain", plain), ("audited", make_session_factory(engine))):

        def run(factory: sessionmaker[Session] = factory, label: str = label) -> None:
            for n in range(count):
                with factory() as session, session.begin():
                    session.add(Team(name=f"{label} {n}"))
                    first = session.get(Team, 1)
                    if first is not None:
                        first.name = f"first {label} {n}"

        costs[label] = timed(run)[0]
    engine.dispose()
    return costs


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """A fresh PostgreSQL database for this run, dropped after; None when none is reachable."""
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"warroom_bench_audit_{os.getpid()}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError:
        print("PostgreSQL unreachable: its row is skipped", file=sys.stderr)
        yield None
        return
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    began = time.perf_counter()
    result = fn()
    return time.perf_counter() - began, result


def median_s(fn: Callable[[], object], repeat: int) -> float:
    return statistics.median(timed(fn)[0] for _ in range(repeat))


def floor(preimages: list[bytes]) -> None:
    sha256 = hashlib.sha256
    for data in preimages:
        sha256(data).hexdigest()


def measure(source: EntrySource, anchor: Head, repeat: int) -> float:
    """Seconds for one ``verify`` of the source (median); refuses a chain that does not hold."""
    verdict = verify(source(), anchor=anchor)
    if not verdict.ok:
        raise SystemExit(f"the benchmark chain does not verify: {verdict.problem}")
    return median_s(lambda: verify(source(), anchor=anchor), repeat)


def report(count: int, costs: dict[str, float]) -> None:
    ref = costs["reference: sha256 of preimages"]
    print(f"\naudit chain: {count:,} entries")
    for key, seconds in costs.items():
        per_entry = seconds / count * 1e6
        ratio = f"x{seconds / ref:.1f} the reference" if key[:3] in ("(c)", "(d)", "(e)") else ""
        print(f"  {key:34s} {seconds:7.3f} s  {per_entry:6.2f} µs/entry   {ratio}")
    for key in ("(c) verify, with anchor", "(d) verify from SQLite", "(e) verify from PostgreSQL"):
        if key in costs:
            scaled = costs[key] / count * 200_000
            verdict = "met" if scaled < BUDGET_S else "MISSED"
            print(
                f"  budget {key[:3]}: 200,000 entries < {BUDGET_S:.0f} s: {scaled:.2f} s, {verdict}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--writes", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(7)
    digest_s, made = timed(lambda: drafts(args.entries, rng))
    chain_s, entries = timed(lambda: chained(made))
    preimages = [entry_preimage(entry) for entry in entries]
    source, anchor = memory_source(entries), entries[-1].head
    costs = {
        "(a) digest rows (drafts)": digest_s,
        "(b) chain": chain_s,
        "(c) verify, with anchor": measure(source, anchor, args.repeat),
        "reference: sha256 of preimages": median_s(lambda: floor(preimages), args.repeat),
    }
    writes: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        engine = stored(f"sqlite:///{Path(tmp) / 'audit.db'}", entries)
        costs["(d) verify from SQLite"] = database_measure(engine, anchor, args.repeat)
        engine.dispose()
        writes["SQLite"] = write_costs(f"sqlite:///{Path(tmp) / 'writes.db'}", args.writes)
    with postgres_database() as url:
        if url is not None:
            engine = stored(url, entries)
            costs["(e) verify from PostgreSQL"] = database_measure(engine, anchor, args.repeat)
            engine.dispose()
    with postgres_database() as url:
        if url is not None:
            writes["PostgreSQL"] = write_costs(url, args.writes)
    report(args.entries, costs)
    report_writes(args.writes, writes)
    return 0


def report_writes(count: int, writes: dict[str, dict[str, float]]) -> None:
    print(f"\nwhat a write pays: {count:,} transactions, each one insert and one update")
    for where, costs in writes.items():
        plain, audited = costs["plain"], costs["audited"]
        each = plain / count * 1000, audited / count * 1000
        print(f"  {where:11s} reference (no audit log) {each[0]:6.2f} ms each   "
              f"audited {each[1]:6.2f} ms each   x{audited / plain:.2f}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
