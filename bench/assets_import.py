"""How fast `warroom assets import` takes a 10,000-row inventory CSV into a fresh SQLite
database, end to end (the command in its own process, start-up included).

Reference, measured in the same run: Python's csv module parsing the same file and
``executemany`` inserting its rows (assets, their services, their software) into an
equivalent bare SQLite schema in one transaction. Prints both, their ratio, a second import
of the same file (every row an update that changes nothing), the import use case alone in
process (no start-up), and the budget check (< 10 s for the command).

    .venv/bin/python bench/assets_import.py [--rows 10000]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

from warroom.access.service import do_create_team
from warroom.catalog.csv_import import do_import_assets
from warroom.catalog.service import check_team, do_create_service
from warroom.db import make_engine, make_session_factory, transaction, upgrade

BIN = Path(sys.executable).parent
BUDGET_S = 10.0
TEAMS = ("Operations", "Network", "Database", "Sales Apps Development", "Security")
SERVICES = {
    "sales-ordering": "Sales Apps Development",
    "web-shop": "Sales Apps Development",
    "erp-inventory": "Database",
    "order-db": "Database",
    "warehouse-scanning": "Operations",
    "email-relay": "Operations",
    "core-network": "Network",
    "vpn": "Network",
    "identity": "Security",
    "bi-reporting": "Database",
    "edi-partner-feed": "Sales Apps Development",
    "internal-wiki": "Operations",
}
SOFTWARE = {
    "debian": ("11.9", "12.5", "13.1"),
    "ubuntu": ("20.04", "22.04", "24.04"),
    "windows-server": ("2016", "2019", "2022"),
    "openssl": ("1.0.1e", "1.1.1w", "3.0.13", "3.5.1"),
    "nginx": ("1.22.1", "1.24.0", "1.26.2"),
    "postgresql": ("12.18", "15.6", "17.6"),
    "openjdk": ("11.0.22", "17.0.10", "21.0.2"),
    "sentinel-av-engine": ("8.7.1", "9.2.4"),
    "python": ("3.9.18", "3.11.8", "3.12.2"),
}
ROLES = ("app", "db", "web", "cache", "wms", "edi", "vpn", "fw", "sw", "ws")
SITES = ("chi", "mem", "dor")


def host_row(rng: random.Random, number: int) -> list[str]:
    role, site = rng.choice(ROLES), rng.choice(SITES)
    kind = {"fw": "network", "sw": "network", "ws": "endpoint"}.get(
        role, rng.choice(("server", "vm", "vm", "container"))
    )
    ips = [f"10.{SITES.index(site) + 10}.{number // 250}.{number % 250 + 1}"]
    if rng.random() < 0.1:
        ips.append(f"fd00::{number:x}")
    services = rng.sample(sorted(SERVICES), rng.randint(1, 3))
    products = rng.sample(sorted(SOFTWARE), rng.randint(2, 5))
    software = [f"{p}@{rng.choice(SOFTWARE[p])}" for p in products]
    return [
        f"{role}-{site}-{number:05d}.kestrel-supply.example",
        ";".join(ips),
        kind,
        rng.choice(("production", "production", "staging", "development")),
        rng.choice(("internal", "internal", "internet-facing", "internal-tool")),
        ";".join(services),
        SERVICES[services[0]],
        ";".join(software),
    ]


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(2026)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            (
                "hostname",
                "ip",
                "kind",
                "environment",
                "exposure",
                "services",
                "owner_team",
                "software",
            )
        )
        writer.writerows(host_row(rng, n) for n in range(rows))


def fresh_database(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)

    def seed(session: Session) -> None:
        for name in TEAMS:
            do_create_team(session=session, name=name)
        for name, team in SERVICES.items():
            do_create_service(
                session=session,
                name=name,
                tier=2,
                owner_team=check_team(session=session, name=team),
            )

    with transaction(make_session_factory(engine)) as session:
        seed(session)
    engine.dispose()
    return url


def in_process_import(url: str, csv_path: Path) -> float:
    """The import use case alone, without the command's start-up."""
    engine = make_engine(url)
    text = csv_path.read_text(encoding="utf-8")
    began = time.perf_counter()
    with transaction(make_session_factory(engine)) as session:
        do_import_assets(session=session, text=text)
    elapsed = time.perf_counter() - began
    engine.dispose()
    return elapsed


def warroom_import(url: str, csv_path: Path) -> tuple[float, str]:
    env = os.environ | {"WARROOM_DATABASE_URL": url}
    began = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "warroom"), "assets", "import", str(csv_path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - began, done.stdout.strip()


REFERENCE_SCHEMA = """
CREATE TABLE assets (id INTEGER PRIMARY KEY, hostname TEXT UNIQUE, ips TEXT, kind TEXT,
  environment TEXT, exposure TEXT, owner_team TEXT);
CREATE TABLE asset_services (asset_id INTEGER, service TEXT, PRIMARY KEY (asset_id, service));
CREATE TABLE installed_software (id INTEGER PRIMARY KEY, asset_id INTEGER, product TEXT,
  version TEXT, UNIQUE (asset_id, product, version));
"""


def reference_import(db_path: Path, csv_path: Path) -> float:
    began = time.perf_counter()
    with csv_path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    connection = sqlite3.connect(db_path)
    connection.executescript(REFERENCE_SCHEMA)
    with connection:
        connection.executemany(
            "INSERT INTO assets VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(i, r[0], r[1], r[2], r[3], r[4], r[6]) for i, r in enumerate(rows, 1)],
        )
        connection.executemany(
            "INSERT INTO asset_services VALUES (?, ?)",
            [(i, s) for i, r in enumerate(rows, 1) for s in r[5].split(";")],
        )
        connection.executemany(
            "INSERT INTO installed_software (asset_id, product, version) VALUES (?, ?, ?)",
            [(i, *s.split("@")) for i, r in enumerate(rows, 1) for s in r[7].split(";")],
        )
    connection.close()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        csv_path = work / "assets.csv"
        write_csv(csv_path, rows)
        url = fresh_database(work / "warroom.db")
        first, said = warroom_import(url, csv_path)
        again, said_again = warroom_import(url, csv_path)
        alone = in_process_import(fresh_database(work / "alone.db"), csv_path)
        reference = reference_import(work / "reference.db", csv_path)
    print(f"rows: {rows}")
    print(f"warroom assets import, fresh database: {first:.2f} s  ({said})")
    print(f"warroom assets import, same file again: {again:.2f} s  ({said_again})")
    print(f"import use case alone (no process start-up), fresh database: {alone:.2f} s")
    print(f"reference (csv parse + executemany into bare SQLite): {reference:.2f} s")
    print(f"ratio: command x{first / reference:.1f}, use case alone x{alone / reference:.1f}")
    verdict = "met" if first < BUDGET_S else "MISSED"
    print(f"budget: < {BUDGET_S:.0f} s for the fresh import: {verdict}")


if __name__ == "__main__":
    main()
