"""Resolving who is on call for 1,000 schedules, on a fresh SQLite file and a fresh PostgreSQL
database (127.0.0.1:5432).

The organisation: 200 people; 1,000 schedules in eight time zones, each a weekly rotation of
4 to 8 people, a quarter with a business-hours daily layer (Monday to Friday, 09:00-17:00), a
quarter with a 12-hour custom layer, an eighth with an hourly layer at night (22:00-06:00),
an eighth with a weekend daily layer; 50 overrides (half of them covering the moment asked);
100 services whose escalation policy's first step pages one of the schedules.

Measured at one moment, median of ``--repeat`` runs each:
  (a) the pure rule ``on_call_at`` over the 1,000 specs already in memory, and
      ``final_shifts`` over the 31 days the API looks ahead for the handover;
  (b) the whole answer: ``GET /api/v1/on-call`` (every schedule and every service with a
      policy) through the app in process and over a real ``warroom serve``, and the service
      call behind ``warroom oncall now`` on the local database.

Reference, measured in the same run: reading the same 1,000 schedules with their layers,
members (joined to people) and overrides with four plain SQL queries (the I/O floor), and
the ORM load with ``spec_of`` for each. Prints ms in total and µs per schedule, the ratio of
each to the floor, and the budget met or MISSED.

    .venv/bin/python -m bench.oncall [--schedules 1000] [--repeat 3] [--no-pg] [--no-serve]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time as clock
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from bench.ingest_servers import BIN, free_port, fresh_pg_database, running, warroom_env
from warroom.access.rules import Role
from warroom.access.service import do_create_person, do_create_token
from warroom.app import create_app
from warroom.catalog.service import do_create_service
from warroom.cli.oncall_backend import LocalOncall
from warroom.db import transaction
from warroom.oncall import policies, schedules
from warroom.oncall.oncall import spec_of
from warroom.oncall.policy_schemas import PolicyIn, StepIn, TargetIn
from warroom.oncall.schedule_queries import LOOKAHEAD
from warroom.oncall.schedule_rules import Rotation, ScheduleSpec, final_shifts, on_call_at
from warroom.oncall.schedule_schemas import LayerIn, OverrideIn, RestrictionIn, ScheduleIn
from warroom.settings import Settings

ZONES = (
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Europe/London",
)
PEOPLE = 200
ADMIN = "bench.admin@example.com"
BUDGET_MS = 1000.0  # the board is a page people wait for
Result = dict[str, float]


# --- the organisation ------------------------------------------------------------------------


def layers_of(i: int, emails: list[str]) -> list[LayerIn]:
    """Schedule ``i``'s layers: a weekly rotation, and by ``i`` one of the other kinds."""

    def pick(n: int, offset: int) -> list[str]:
        return [emails[(i * 7 + offset + k) % len(emails)] for k in range(n)]

    start = datetime(2026, 1, 5 + i % 7, 9 + i % 3, 0)
    weekdays = RestrictionIn(days=[0, 1, 2, 3, 4], start=time(9), end=time(17))
    nights = RestrictionIn(start=time(22), end=time(6))
    weekend = RestrictionIn(days=[5, 6], start=time(0), end=time(0))
    layers = [
        LayerIn(
            name="week", rotation=Rotation.weekly, starts=start, participants=pick(4 + i % 5, 0)
        )
    ]
    if i % 4 == 1:
        layers.append(
            LayerIn(
                name="office",
                rotation=Rotation.daily,
                starts=start,
                participants=pick(3, 40),
                restrictions=[weekdays],
            )
        )
    elif i % 4 == 2:
        layers.append(
            LayerIn(
                name="follow the sun",
                rotation=Rotation.custom,
                shift_hours=12,
                starts=start,
                participants=pick(2, 80),
            )
        )
    elif i % 8 == 3:
        layers.append(
            LayerIn(
                name="nights",
                rotation=Rotation.hourly,
                starts=start,
                participants=pick(3, 120),
                restrictions=[nights],
            )
        )
    elif i % 8 == 7:
        layers.append(
            LayerIn(
                name="weekend",
                rotation=Rotation.daily,
                starts=start,
                participants=pick(2, 160),
                restrictions=[weekend],
            )
        )
    return layers


def make_people(app_sessions: Any, now: datetime) -> tuple[list[str], str]:
    """200 responders and an admin; returns their emails and the admin's API token."""
    with transaction(app_sessions) as session:
        emails = []
        for n in range(PEOPLE):
            person = do_create_person(
                session=session,
                name=f"Person {n:03d}",
                email=f"person{n:03d}@example.com",
                now=now,
                role=Role.responder,
            )
            emails.append(person.email)
        admin = do_create_person(
            session=session, name="Admin", email=ADMIN, now=now, role=Role.admin
        )
        token, _ = do_create_token(session=session, person=admin, now=now)
    return emails, token


def make_schedules(app_sessions: Any, count: int, services: int, now: datetime) -> None:
    emails = [f"person{n:03d}@example.com" for n in range(PEOPLE)]
    with transaction(app_sessions) as session:
        for i in range(count):
            body = ScheduleIn(
                name=f"Schedule {i:04d}",
                timezone=ZONES[i % len(ZONES)],
                layers=layers_of(i, emails),
            )
            made = schedules.do_create_schedule(session=session, data=body, now=now)
            if i % 20 == 0:  # half now, half next week
                begins = now - timedelta(hours=1) if i % 40 == 0 else now + timedelta(days=7)
                cover = OverrideIn(
                    person=emails[(i * 3) % PEOPLE],
                    starts_at=begins,
                    ends_at=begins + timedelta(hours=8),
                )
                schedules.do_add_override(
                    session=session, schedule=made, data=cover, actor=None, now=now
                )
    with transaction(app_sessions) as session:
        for s in range(services):
            service = do_create_service(session=session, name=f"service-{s:03d}", tier=1 + s % 4)
            steps = [
                StepIn(
                    delay_minutes=5, targets=[TargetIn(schedule=f"Schedule {s * 7 % count:04d}")]
                )
            ]
            policy = policies.do_create_policy(
                session=session, data=PolicyIn(name=f"Policy {s:03d}", steps=steps), now=now
            )
            policies.do_assign_service_policy(session=session, service=service, policy=policy)


# --- what is measured ------------------------------------------------------------------------

FLOOR = (
    "SELECT id, name, timezone FROM schedules ORDER BY name",
    "SELECT id, schedule_id, position, name, rotation, shift_seconds, starts_local, timezone, "
    "ends_at, restrictions FROM schedule_layers ORDER BY schedule_id, position",
    "SELECT m.layer_id, m.position, p.id, p.name, p.email FROM schedule_layer_members m "
    "JOIN people p ON p.id = m.person_id ORDER BY m.layer_id, m.position",
    "SELECT schedule_id, person_id, starts_at, ends_at FROM schedule_overrides",
)


def read_floor(engine: Engine) -> int:
    """The reference: the same rows, read with plain SQL in one transaction."""
    with engine.connect() as conn:
        return sum(len(conn.execute(text(q)).all()) for q in FLOOR)


def load_specs(app_sessions: Any) -> list[ScheduleSpec]:
    with transaction(app_sessions) as session:
        return [spec_of(s) for s in schedules.list_schedules(session=session)]


def median_ms(fn: Callable[[], object], repeat: int, warm: bool = True) -> float:
    if warm:  # caches, prepared statements, first-request imports
        fn()
    runs = []
    for _ in range(repeat):
        began = clock.perf_counter()
        fn()
        runs.append((clock.perf_counter() - began) * 1000)
    return statistics.median(runs)


@dataclass
class Setup:
    label: str
    url: str
    at: datetime
    token: str
    count: int


def measure(setup: Setup, opts: argparse.Namespace, workdir: Path) -> Result:
    app = create_app(Settings(database_url=setup.url, log_json=False, worker=False))
    engine, sessions = app.state.engine, app.state.sessions
    headers = {"Authorization": f"Bearer {setup.token}"}
    params = {"at": setup.at.isoformat()}
    specs = load_specs(sessions)
    ahead = setup.at + LOOKAHEAD
    out: Result = {"schedules": len(specs)}
    out["floor"] = median_ms(lambda: read_floor(engine), opts.repeat)
    out["orm"] = median_ms(lambda: load_specs(sessions), opts.repeat)
    out["rule"] = median_ms(lambda: [on_call_at(s, setup.at) for s in specs], opts.repeat)
    # The whole answers take seconds: each is warmed by one schedule's answer, not a full one.
    out["rule31"] = median_ms(
        lambda: [final_shifts(s, setup.at, ahead) for s in specs], opts.repeat, warm=False
    )
    cli = LocalOncall(sessions, ADMIN)
    cli.on_call("Schedule 0000", setup.at)
    out["service"] = median_ms(lambda: cli.board(None, setup.at), opts.repeat, warm=False)
    with TestClient(app) as client:
        answer = client.get("/api/v1/on-call", params=params, headers=headers).json()
        check(answer, specs, setup)
        out["api"] = median_ms(
            lambda: ok(client.get("/api/v1/on-call", params=params, headers=headers)),
            opts.repeat,
            warm=False,  # ``check`` asked it once
        )
    if opts.serve:
        with serving(setup, workdir) as base, httpx.Client(base_url=base, headers=headers) as http:
            ok(http.get("/api/v1/schedules/1/on-call", params=params))
            out["serve"] = median_ms(
                lambda: ok(http.get("/api/v1/on-call", params=params, timeout=120)),
                opts.repeat,
                warm=False,
            )
    engine.dispose()
    return out


def ok(response: httpx.Response) -> httpx.Response:
    response.raise_for_status()
    return response


def check(answer: dict[str, Any], specs: list[ScheduleSpec], setup: Setup) -> None:
    """The API names, schedule by schedule, whom the pure rule names: else the bench stops."""
    got = [row["person"]["id"] if row["person"] else None for row in answer["schedules"]]
    want = [on_call_at(s, setup.at) for s in specs]
    if got != want or len(got) != setup.count:
        raise SystemExit(f"{setup.label}: the API and the rule disagree on who is on call")


@contextmanager
def serving(setup: Setup, workdir: Path) -> Iterator[str]:
    port = free_port()
    cmd = [str(BIN / "warroom"), "serve", "--port", str(port)]
    env = warroom_env(setup.url) | {"WARROOM_WORKER": "false"}
    base = f"http://127.0.0.1:{port}"
    with running(cmd, env, f"{base}/readyz", workdir / f"serve-{setup.label}.log"):
        yield base


def prepare(label: str, url: str, opts: argparse.Namespace) -> Setup:
    app = create_app(Settings(database_url=url, log_json=False, worker=False))
    at = datetime.now(UTC).replace(microsecond=0)
    began = clock.perf_counter()
    _, token = make_people(app.state.sessions, at)
    make_schedules(app.state.sessions, opts.schedules, opts.services, at)
    print(f"{label}: {opts.schedules} schedules written in {clock.perf_counter() - began:.1f} s")
    app.state.engine.dispose()
    return Setup(label, url, at, token, opts.schedules)


# --- report ----------------------------------------------------------------------------------

ROWS = (
    ("floor", "reference: 4 SQL queries (rows)"),
    ("orm", "ORM load + spec_of"),
    ("rule", "(a) on_call_at, specs in memory"),
    ("rule31", "(a) final_shifts, 31 days ahead"),
    ("service", "(b) service (warroom oncall now)"),
    ("api", "(b) GET /api/v1/on-call in process"),
    ("serve", "(b) GET /api/v1/on-call, serve"),
)


def report(results: dict[str, Result], count: int) -> None:
    labels = list(results)
    print(f"{'median of runs':36}" + "".join(f"{name:>34}" for name in labels))
    for key, label in ROWS:
        cells = [cell(results[name], key, count) for name in labels]
        print(f"{label:36}" + "".join(f"{c:>34}" for c in cells))
    for name, result in results.items():
        worst = max(result.get(k, 0.0) for k in ("service", "api", "serve"))
        verdict = "met" if worst <= BUDGET_MS else "MISSED"
        print(
            f"budget on {name}: the whole answer within {BUDGET_MS:.0f} ms: "
            f"{worst:.0f} ms → {verdict}"
        )


def cell(result: Result, key: str, count: int) -> str:
    if key not in result:
        return "—"
    ms = result[key]
    return f"{ms:8.1f} ms {ms * 1000 / count:7.1f} µs x{ms / result['floor']:5.1f}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schedules", type=int, default=1000)
    parser.add_argument("--services", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pg", dest="pg", action="store_false")
    parser.add_argument("--no-serve", dest="serve", action="store_false")
    opts = parser.parse_args()
    results: dict[str, Result] = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        lite = prepare("SQLite", f"sqlite:///{workdir / 'warroom.db'}", opts)
        results["SQLite"] = measure(lite, opts, workdir)
        if opts.pg:
            with fresh_pg_database(f"bench_oncall_{secrets.token_hex(3)}") as db:
                url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{db}"
                results["PostgreSQL"] = measure(prepare("PostgreSQL", url, opts), opts, workdir)
    report(results, opts.schedules)
    return 0


if __name__ == "__main__":
    sys.exit(main())
