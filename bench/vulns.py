"""Matching an advisory against the installed software of 100,000 assets, in memory.

The estate: ``--assets`` assets, each with one OpenSSL and two to five other installed rows.
The OpenSSL installs share 40 distinct versions, weighted as fleets are: upstream builds from
0.9.8 to 3.2, Debian packages from squeeze to bookworm (purls with a ``distro`` qualifier),
Ubuntu, Red Hat and Alpine packages. The other rows (nginx, OpenSSH, glibc, PostgreSQL,
Python and Java packages) share 20 versions, most with a purl. Rows arrive as a database
driver hands them over: a fresh string per field per row.

The advisory: Heartbleed (CVE-2014-0160) in the hand form, an upstream OpenSSL range plus a
Debian range.

Measured, median of ``--repeat`` runs each:
  (a) ``match_assets``: ``match_estate`` judging each distinct (product, version, purl) once,
      then ``fan_out`` copying the verdicts to every asset row; also each half alone.

  (b) ``do_open_campaign`` on a database: the estate inserted in bulk with Core into a fresh
      SQLite file and a fresh PostgreSQL database (created and dropped here), then the campaign
      opened in a transaction that is rolled back after each run. Timed whole (matching, tiering
      and writing the records) and its matching alone (the two queries, ``match_estate``,
      ``fan_out`` and the tiers: ``match_and_plan``).

Reference, measured in the same run: ``match_naive``, which parses the purl and the version
and judges every asset row afresh. Prints ms, the reference's time over (a), whether both
gave the same verdicts, and the budget met or MISSED: (a) and the matching of (b) under 1 s at
100,000 assets (a campaign's first picture of the estate should come back while its opener
waits). The reference takes some 9 s a run; loading each database takes longer than the
measurements, so a full run takes a few minutes. PostgreSQL is at ``--pg`` (user postgres,
trust auth); ``--databases sqlite`` leaves it out.

    .venv/bin/python -m bench.vulns [--assets 100000] [--repeat 3] [--seed 7]
        [--databases sqlite,postgresql] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from packageurl import PackageURL
from sqlalchemy import Engine, Table, create_engine, insert, text
from sqlalchemy.orm import Session, sessionmaker

from warroom.access.models import Person
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.catalog.models import (
    Asset,
    AssetService,
    Customer,
    CustomerSla,
    InstalledSoftware,
    Service,
)
from warroom.db import make_engine, make_session_factory, upgrade
from warroom.vulns.advisories import Advisory, parse_advisory
from warroom.vulns.campaigns import do_open_campaign, match_and_plan
from warroom.vulns.rules import AssetRow, fan_out, match_assets, match_estate, match_naive
from warroom.vulns.tiers import default_policy

T = TypeVar("T")
BUDGET_S = 1.0
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
CHUNK = 20_000
# (name, tier): the services assets run, some under customers' SLAs.
SERVICES = [("shop", 1), ("payments", 1), ("search", 2), ("wiki", 3), ("lab", 4)]
EXPOSURES = {"internal": 6, "internet-facing": 3, "internal-tool": 1}
HEARTBLEED = {
    "id": "CVE-2014-0160",
    "product": "openssl",
    "affected": ["vers:openssl/>=1.0.1|<=1.0.1f|1.0.2-beta1", "vers:deb/<1.0.1e-2+deb7u5"],
    "fixed": "1.0.1g",
}
Install = tuple[str, str, str | None]

# (version, weight): upstream builds, mostly on the long-lived branches.
UPSTREAM = [
    ("0.9.8y", 2), ("0.9.8zh", 2), ("1.0.0t", 2), ("1.0.1", 1), ("1.0.1c", 2), ("1.0.1e", 4),
    ("1.0.1f", 3), ("1.0.1g", 3), ("1.0.1u", 3), ("1.0.2-beta1", 1), ("1.0.2k", 6),
    ("1.0.2u", 5), ("1.1.0l", 3), ("1.1.1k", 6), ("1.1.1w", 8), ("3.0.2", 5), ("3.0.13", 8),
    ("3.2.1", 3),
]  # fmt: skip
# (purl type, namespace, distro qualifier, version, weight): distribution packages.
PACKAGES = [
    ("deb", "debian", "squeeze", "0.9.8o-4squeeze14", 2),
    ("deb", "debian", "wheezy", "1.0.1e-2+deb7u4", 3),
    ("deb", "debian", "wheezy", "1.0.1e-2+deb7u5", 2),
    ("deb", "debian", "wheezy", "1.0.1e-2+deb7u20", 4),
    ("deb", "debian", "jessie", "1.0.1t-1+deb8u12", 5),
    ("deb", "debian", "stretch", "1.1.0l-1~deb9u1", 5),
    ("deb", "debian", "buster", "1.1.1n-0+deb10u6", 8),
    ("deb", "debian", "bullseye", "1.1.1w-0+deb11u1", 12),
    ("deb", "debian", "bookworm", "3.0.11-1~deb12u2", 14),
    ("deb", "ubuntu", "trusty", "1.0.1f-1ubuntu2", 2),
    ("deb", "ubuntu", "trusty", "1.0.1f-1ubuntu2.27", 3),
    ("deb", "ubuntu", "jammy", "3.0.2-0ubuntu1.15", 12),
    ("rpm", "redhat", "el6", "1.0.1e-15.el6", 2),
    ("rpm", "redhat", "el6", "1.0.1e-16.el6_5.7", 3),
    ("rpm", "redhat", "el6", "1.0.1e-57.el6", 3),
    ("rpm", "redhat", "el7", "1.0.2k-26.el7_9", 8),
    ("rpm", "redhat", "el9", "3.0.7-27.el9", 10),
    ("apk", "alpine", "3.19", "3.1.4-r5", 6),
    ("apk", "alpine", "3.0", "1.0.1g-r0", 1),
    ("deb", "debian", "", "1.0.1e-2+deb7u15", 2),  # a purl without the distro qualifier
    ("deb", "debian", "", "1.1.1w-0+deb11u1", 3),
    ("deb", "debian", "", "3.0.11-1~deb12u2", 3),
]
# (product, purl type or None, namespace, versions): the rest of the estate.
OTHERS = [
    ("nginx", None, None, ["1.18.0", "1.22.1", "1.24.0", "1.25.3"]),
    ("openssh", "deb", "debian", ["1:7.9p1-10+deb10u4", "1:8.4p1-5+deb11u3", "1:9.2p1-2+deb12u2"]),
    ("glibc", "rpm", "redhat", ["2.17-326.el7_9", "2.34-60.el9"]),
    ("requests", "pypi", None, ["2.25.1", "2.28.2", "2.31.0"]),
    ("django", "pypi", None, ["3.2.25", "4.2.11"]),
    ("log4j-core", "maven", "org.apache.logging.log4j", ["2.14.1", "2.17.1", "2.20.0"]),
    ("postgresql", None, None, ["13.14", "15.6", "16.2"]),
]


def estate(assets: int, rng: random.Random) -> list[AssetRow]:
    """The asset rows, decoded afresh as a database driver would hand them over."""
    openssl: list[Install] = [("openssl", v, None) for v, _ in UPSTREAM]
    openssl += [("openssl", v, _purl(t, ns, "openssl", v, d)) for t, ns, d, v, _ in PACKAGES]
    weights = [w for _, w in UPSTREAM] + [p[-1] for p in PACKAGES]
    others = [
        (product, v, _purl(kind, ns, product, v, "") if kind else None)
        for product, kind, ns, versions in OTHERS
        for v in versions
    ]
    rows: list[AssetRow] = []
    for asset in range(assets):
        rows.append((asset, *rng.choices(openssl, weights)[0]))
        rows += [(asset, *other) for other in rng.sample(others, rng.randint(2, 5))]
    return [(a, p, v, u) for a, p, v, u in json.loads(json.dumps(rows))]


def _purl(kind: str, namespace: str | None, name: str, version: str, distro: str) -> str:
    qualifiers = {"distro": distro} if distro else None
    return PackageURL(kind, namespace, name, version, qualifiers).to_string()


def timed(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """The median wall time in ms, and the last result."""
    times: list[float] = []
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), result


def measure(advisory: Advisory, rows: list[AssetRow], repeat: int) -> dict[str, float]:
    distinct = {row[1:] for row in rows}
    ref_ms, naive = timed(lambda: match_naive(advisory, rows), repeat)
    fast_ms, fast = timed(lambda: match_assets(advisory, rows), repeat)
    estate_ms, verdicts = timed(lambda: match_estate(advisory, distinct), repeat)
    fan_ms, _ = timed(lambda: fan_out(verdicts, rows), repeat)
    counts = Counter(v.verdict.status.value for v in fast)
    print(f"estate: {len({r[0] for r in rows}):,} assets, {len(rows):,} installed rows")
    print(f"  distinct rows {len(distinct):,}; the advisory concerns {len(verdicts)} of them")
    print("  asset rows: " + ", ".join(f"{s} {n:,}" for s, n in sorted(counts.items())))
    print(f"  same verdicts as the reference: {'yes' if fast == naive else 'NO'}")
    return {
        "reference: match_naive": ref_ms,
        "(a) match_assets": fast_ms,
        "    match_estate alone": estate_ms,
        "    fan_out alone": fan_ms,
    }


def report(results: dict[str, float]) -> None:
    ref = results["reference: match_naive"]
    for key, value in results.items():
        print(f"  {key:26s} {value:9.1f} ms   the reference takes x{ref / value:.1f}")
    took = results["(a) match_assets"] / 1000
    verdict = "met" if took < BUDGET_S else "MISSED"
    print(f"  budget: match_estate + fan-out < {BUDGET_S:.0f} s: {took:.2f} s, {verdict}")


# --- (b) the database path ---------------------------------------------------------------------


@contextmanager
def database(kind: str, pg_url: str) -> Iterator[Engine]:
    """A fresh, empty database of ``kind``, gone afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{folder}/bench.db")
            try:
                yield engine
            finally:
                engine.dispose()
        return
    name = f"warroom_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(pg_url.rsplit("/", 1)[0] + f"/{name}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def load(engine: Engine, rows: list[AssetRow], rng: random.Random) -> int:
    """Migrate, then insert the estate in bulk with Core; the id of a responder to act as."""
    upgrade(engine)
    assets = sorted({row[0] for row in rows})
    with engine.begin() as connection:
        _insert(
            connection,
            Service,
            [{"id": i, "name": n, "tier": t} for i, (n, t) in enumerate(SERVICES, 1)],
        )
        _insert(connection, Customer, [{"id": 1, "name": "Acme"}, {"id": 2, "name": "Globex"}])
        _insert(
            connection,
            CustomerSla,
            [{"customer_id": 1, "service_id": 1}, {"customer_id": 2, "service_id": 3}],
        )
        _insert(connection, Asset, [_asset(a, rng) for a in assets])
        links = [{"asset_id": a + 1, "service_id": s} for a in assets for s in _services(rng)]
        _insert(connection, AssetService, links)
        software = [
            {"asset_id": a + 1, "product": p, "version": v, "purl": u} for a, p, v, u in rows
        ]
        _insert(connection, InstalledSoftware, software)
        person = {
            "name": "Bench",
            "email": "bench@example.com",
            "role": "responder",
            "created_at": NOW,
        }
        made = connection.execute(insert(_table(Person)).returning(_table(Person).c.id), person)
        person_id = int(made.scalar_one())
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))  # the statistics a live database has
    return person_id


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def _insert(connection: Any, model: type[Any], rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(_table(model)), rows[start : start + CHUNK])


def _asset(asset: int, rng: random.Random) -> dict[str, Any]:
    exposure = rng.choices(list(EXPOSURES), list(EXPOSURES.values()))[0]
    return {"id": asset + 1, "hostname": f"host-{asset:06d}", "exposure": exposure}


def _services(rng: random.Random) -> list[int]:
    return rng.sample(range(1, len(SERVICES) + 1), rng.choice((0, 1, 1, 2)))


def measure_db(
    engine: Engine, advisory: Advisory, person_id: int, repeat: int
) -> tuple[dict[str, float], int]:
    """Matching alone, then the whole opening, each in a transaction rolled back after it."""
    sessions = make_session_factory(engine)
    actor = Actor(person_id, "Bench", "bench@example.com", Role.responder)
    policy = default_policy()

    def matching() -> int:
        with _rolled_back(sessions) as session:
            return len(match_and_plan(session=session, advisory=advisory, policy=policy))

    def opening() -> int:
        with _rolled_back(sessions) as session:
            do_open_campaign(session=session, actor=actor, document=HEARTBLEED, now=NOW)
            session.flush()
            return 0

    match_ms, records = timed(matching, repeat)
    open_ms, _ = timed(opening, repeat)
    return {"(b) matching (match_and_plan)": match_ms, "(b) do_open_campaign": open_ms}, records


@contextmanager
def _rolled_back(sessions: sessionmaker[Session]) -> Iterator[Session]:
    session = sessions()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def run_database(kind: str, args: argparse.Namespace, rows: list[AssetRow], ref_ms: float) -> None:
    with database(kind, args.pg) as engine:
        began = time.perf_counter()
        person_id = load(engine, rows, random.Random(args.seed))
        loaded = time.perf_counter() - began
        results, records = measure_db(engine, parse_advisory(HEARTBLEED), person_id, args.repeat)
    print(f"{kind}: estate loaded in {loaded:.1f} s; the campaign writes {records:,} records")
    for key, value in results.items():
        print(f"  {key:30s} {value:9.1f} ms   the reference takes x{ref_ms / value:.1f}")
    took = results["(b) matching (match_and_plan)"] / 1000
    verdict = "met" if took < BUDGET_S else "MISSED"
    print(f"  budget: matching on {kind} < {BUDGET_S:.0f} s: {took:.2f} s, {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg", default=PG_URL, help="a database to create the bench's one from")
    args = parser.parse_args()
    rows = estate(args.assets, random.Random(args.seed))
    results = measure(parse_advisory(HEARTBLEED), rows, args.repeat)
    report(results)
    for kind in filter(None, args.databases.split(",")):
        run_database(kind, args, rows, results["reference: match_naive"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
