"""What checking planned changes against active incidents costs, on a fresh SQLite file and a
fresh PostgreSQL database (127.0.0.1:5432).

The organisation: 300 services in a layered dependency graph (each depends on up to three of
a lower layer), 3,000 hosts (10 per service), 1,000 live planned changes over the next 30
days (each on one or two services and up to 20 of their hosts, a quarter with a reboot and a
fifth with a shared implementer), 20 freezes and 5 active incidents.

Measured, median of ``--repeat`` runs each:
  (a) the pure rule ``conflicts`` for the 1,000 changes, with the world already in memory;
  (b) ``evaluate``: loading the catalog, incidents, freezes and booked changes, then (a);
  (c) declaring a SEV1 through ``do_declare`` with the change watch installed, which
      evaluates every live change again inside the declaration's transaction and stores what
      it finds (notices included).

Reference, measured in the same run on the same database: (c) with no change watch — the
declaration as it was before changes existed. Prints ms, the ratio of each to the reference,
and the budget met or MISSED: the watch adds under 1 s to a declaration at 1,000 changes (the
commander waits for the page).

    .venv/bin/python -m bench.conflicts [--changes 1000] [--repeat 3] [--no-pg]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bench.ingest_servers import fresh_pg_database
from warroom.access.models import Person
from warroom.access.rules import Role
from warroom.access.service import actor_for, do_create_person
from warroom.alerts.models import MaintenanceWindow
from warroom.catalog.models import Asset, Service, ServiceDependency
from warroom.changes.conflicts import evaluate
from warroom.changes.facts import load_catalog, slot_of, world_for
from warroom.changes.models import Change
from warroom.changes.rules import conflicts
from warroom.changes.watch import install_change_watch, live_changes
from warroom.db import make_engine, make_session_factory, transaction, upgrade
from warroom.incidents.declare import do_declare
from warroom.incidents.schemas import IncidentCreate

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SERVICES, HOSTS_PER_SERVICE, LAYERS = 300, 10, 5
BUDGET_S = 1.0


def seed(sessions: sessionmaker[Session], changes: int, rng: random.Random) -> None:
    with transaction(sessions) as session:
        people = [
            do_create_person(
                session=session, name=f"P{i}", email=f"p{i}@example.com", now=NOW, role=Role.manager
            )
            for i in range(40)
        ]
        services = _catalog(session, rng)
        _changes(session, services, people, changes, rng)
        for n in range(20):
            start = NOW + timedelta(days=rng.randint(0, 30))
            session.add(
                MaintenanceWindow(
                    name=f"freeze {n}",
                    kind="freeze",
                    starts_at=start,
                    ends_at=start + timedelta(hours=rng.randint(2, 48)),
                    services=[rng.choice(services).name],
                    assets=[],
                )
            )
        actor = actor_for(people[0])
        for n in range(5):
            data = IncidentCreate(
                title=f"running {n}", severity="SEV3", services=[rng.choice(services).name]
            )
            do_declare(session=session, actor=actor, data=data, now=NOW)


def _catalog(session: Session, rng: random.Random) -> list[Service]:
    services = [Service(name=f"svc-{n:03d}", tier=1 + n % 4) for n in range(SERVICES)]
    session.add_all(services)
    session.flush()
    per_layer = SERVICES // LAYERS
    for n, service in enumerate(services[per_layer:], start=per_layer):
        below = services[: (n // per_layer) * per_layer]
        for target in rng.sample(below, k=min(3, len(below))):
            session.add(ServiceDependency(service_id=service.id, depends_on_id=target.id))
    for service in services:
        for h in range(HOSTS_PER_SERVICE):
            asset = Asset(hostname=f"{service.name}-h{h:02d}")
            asset.services = [service]
            session.add(asset)
    session.flush()
    return services


def _changes(
    session: Session, services: list[Service], people: list[Person], count: int, rng: random.Random
) -> None:
    hosts: dict[int, list[Asset]] = {s.id: [] for s in services}
    for asset in session.scalars(select(Asset)):
        hosts[asset.services[0].id].append(asset)
    for n in range(count):
        scope = rng.sample(services, k=rng.randint(1, 2))
        start = NOW + timedelta(hours=rng.randint(1, 30 * 24))
        pool = [a for s in scope for a in hosts[s.id]]
        session.add(
            Change(
                title=f"change {n}",
                type="normal",
                state="scheduled",
                planned_start=start,
                planned_end=start + timedelta(hours=rng.randint(1, 6)),
                reboot_required=rng.random() < 0.25,
                implementer_id=people[rng.randrange(8)].id if rng.random() < 0.2 else None,
                services=scope,
                assets=rng.sample(pool, k=min(len(pool), rng.randint(0, 20))),
                created_at=NOW,
                updated_at=NOW,
            )
        )
    session.flush()


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def measure(engine: Engine, changes: int, repeat: int) -> dict[str, float]:
    upgrade(engine)
    plain = make_session_factory(engine)
    seed(plain, changes, random.Random(7))
    watched = make_session_factory(engine)
    install_change_watch(watched, base_url="http://127.0.0.1:8080")
    with plain() as session:
        live = live_changes(session, NOW)
        catalog = load_catalog(session)
        slots = [(slot_of(c, catalog), c) for c in live]
        world = world_for(session, [s for s, _ in slots], catalog, NOW)
        graphs = [catalog.graph(s.services) for s, _ in slots]
        rule_ms = median_ms(
            lambda: [conflicts(s, g, world) for (s, _), g in zip(slots, graphs, strict=True)],
            repeat,
        )
        evaluate_ms = median_ms(lambda: evaluate(session=session, changes=live, now=NOW), repeat)
    return {
        "live changes": float(len(live)),
        "(a) rules": rule_ms,
        "(b) evaluate": evaluate_ms,
        "reference: declare, no watch": median_ms(lambda: _declare(plain), repeat),
        "(c) declare with the watch": median_ms(lambda: _declare(watched), repeat),
    }


def _declare(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        person = session.scalars(select(Person).limit(1)).one()
        service = session.scalars(select(Service).where(Service.tier == 1).limit(1)).one()
        data = IncidentCreate(title="bench", severity="SEV1", services=[service.name])
        do_declare(session=session, actor=actor_for(person), data=data, now=NOW)


def report(name: str, results: dict[str, float]) -> None:
    ref = results["reference: declare, no watch"]
    print(f"\n{name}: {int(results['live changes'])} live changes")
    for key, value in results.items():
        if key != "live changes":
            print(f"  {key:32s} {value:9.1f} ms   x{value / ref:.1f} the reference")
    added = (results["(c) declare with the watch"] - ref) / 1000
    verdict = "met" if added < BUDGET_S else "MISSED"
    print(f"  budget: the watch adds < {BUDGET_S:.0f} s to a declaration: {added:.2f} s, {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        report("SQLite", measure(engine, args.changes, args.repeat))
        engine.dispose()
    if not args.no_pg:
        with fresh_pg_database("warroom_bench_conflicts") as name:
            engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
            report("PostgreSQL", measure(engine, args.changes, args.repeat))
            engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
