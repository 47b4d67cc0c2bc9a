"""Time from an incident opening to its first page reaching the channel, while an alert storm
is being ingested.

A real ``warroom serve`` (its worker embedded, as by default) on a fresh PostgreSQL database
and on a fresh SQLite file, sending email to an SMTP server (aiosmtpd) on loopback. The
organisation: the service ``payments`` whose escalation policy pages the schedule ``Payments
primary``, on which Ann is always on call with no contact method (so the page goes to her
account's address at once), and a PagerDuty-kind integration.

For each incident: the time from the start of ``POST /api/v1/incidents`` (a SEV1 on
``payments``) to the moment the SMTP server has accepted the page whose subject names the
incident's reference (``[SEV1] INC-7: …``). Several incidents, declared a few seconds apart:
  storm — while a separate load process (``bench/ingest_load.py``) keeps 16 keep-alive
          clients posting PagerDuty Events v2 detections of one signature from 480 hosts to
          ``/v2/enqueue`` (the storm of ``bench/ingest.py``, which also opens an incident of
          its own through correlation);
  idle  — the reference, measured in the same run on the same server: the same declarations
          with nothing else running.

Prints p50 and max of both, the ratio storm/idle, the storm's own rate, and the product's
budget ("a page reaches the inbox within seconds": storm p50 under 5 s) met or MISSED.

    .venv/bin/python -m bench.paging [--incidents 6] [--gap 3] [--workers 1] [--no-sqlite]
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, text

from bench.ingest_servers import (
    BIN,
    HERE,
    create_integration,
    free_port,
    fresh_pg_database,
    running,
    warroom_env,
)
from warroom.access.rules import Role
from warroom.access.service import do_create_person, do_create_token
from warroom.catalog.service import do_create_service
from warroom.db import make_engine, make_session_factory, transaction, upgrade
from warroom.oncall import policies, schedules
from warroom.oncall.policy_schemas import PolicyIn, StepIn, TargetIn
from warroom.oncall.schedule_rules import Rotation
from warroom.oncall.schedule_schemas import LayerIn, ScheduleIn

ANN = "ann.oncall@example.com"
ADMIN = "bench@example.com"
BUDGET_S = 5.0
Result = dict[str, Any]


# --- the inbox -------------------------------------------------------------------------------


@dataclass
class Inbox:
    """An aiosmtpd handler keeping each accepted message's subject and wall-clock arrival."""

    arrived: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # aiosmtpd's hook: its name, and the server and session it passes, are its own.
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802, ARG002
        at = time.time()
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.arrived.setdefault(str(message["Subject"]), at)
        return "250 Message accepted"

    def wait_for(self, ref: str, deadline: float) -> float | None:
        """When the first message naming ``ref`` arrived, polling until ``deadline``."""
        names = re.compile(rf"\b{re.escape(ref)}\b")  # INC-1, not INC-10
        while time.monotonic() < deadline:
            with self.lock:
                found = [at for subject, at in self.arrived.items() if names.search(subject)]
            if found:
                return min(found)
            time.sleep(0.005)
        return None


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


# --- the organisation and the server ---------------------------------------------------------


def make_org(database_url: str) -> str:
    """Ann on call for ``payments``; returns an admin's API token."""
    engine = make_engine(database_url)
    upgrade(engine)
    now = datetime.now(UTC)
    with transaction(make_session_factory(engine)) as session:
        do_create_person(
            session=session, name="Ann Oncall", email=ANN, now=now, role=Role.responder
        )
        admin = do_create_person(
            session=session, name="Bench", email=ADMIN, now=now, role=Role.admin
        )
        token, _ = do_create_token(session=session, person=admin, now=now)
        layer = LayerIn(rotation=Rotation.daily, starts=datetime(2026, 1, 1, 9), participants=[ANN])
        schedules.do_create_schedule(
            session=session, data=ScheduleIn(name="Payments primary", layers=[layer]), now=now
        )
        steps = [StepIn(delay_minutes=5, targets=[TargetIn(schedule="Payments primary")])]
        policy = policies.do_create_policy(
            session=session, data=PolicyIn(name="Payments", steps=steps), now=now
        )
        service = do_create_service(session=session, name="payments", tier=1)
        policies.do_assign_service_policy(session=session, service=service, policy=policy)
    engine.dispose()
    return token


@dataclass
class Server:
    label: str
    database_url: str
    port: int = 0
    token: str = ""
    routing_key: str = ""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def serving(server: Server, smtp_port: int, workdir: Path, workers: int) -> Iterator[Server]:
    server.token = make_org(server.database_url)
    server.routing_key = create_integration(server.database_url, "pagerduty")
    server.port = free_port()
    env = warroom_env(server.database_url) | {
        "WARROOM_PUBLIC_URL": server.base,
        "WARROOM_SMTP_HOST": "127.0.0.1",
        "WARROOM_SMTP_PORT": str(smtp_port),
        "WARROOM_SMTP_FROM": "pager@warroom.bench",
    }
    cmd = [str(BIN / "warroom"), "serve", "--port", str(server.port), "--workers", str(workers)]
    with running(cmd, env, f"{server.base}/readyz", workdir / f"serve-{server.label}.log"):
        yield server


# --- the measurement -------------------------------------------------------------------------


@dataclass
class Declared:
    ref: str
    request_s: float  # the declare request alone
    to_inbox_s: float | None  # request start → the page in the inbox
    during_storm: bool


def declare_and_wait(
    server: Server, inbox: Inbox, n: int, storm: subprocess.Popen[str] | None
) -> Declared:
    body = {"title": f"Checkout down ({n})", "severity": "SEV1", "services": ["payments"]}
    headers = {"Authorization": f"Bearer {server.token}"}
    began, began_wall = time.monotonic(), time.time()
    answer = httpx.post(f"{server.base}/api/v1/incidents", json=body, headers=headers, timeout=60)
    answer.raise_for_status()
    request_s = time.monotonic() - began
    ref = str(answer.json()["ref"])
    arrived = inbox.wait_for(ref, began + 120)
    during = storm is not None and storm.poll() is None
    to_inbox = None if arrived is None else arrived - began_wall
    return Declared(ref, request_s, to_inbox, during)


def declare_several(
    server: Server, inbox: Inbox, opts: argparse.Namespace, storm: subprocess.Popen[str] | None
) -> list[Declared]:
    """``opts.incidents`` declarations, one every ``opts.gap`` seconds, each waited for in its
    own thread so that a slow page does not delay the next declaration."""
    start = time.monotonic()

    def one(n: int) -> Declared:
        time.sleep(max(0.0, start + n * opts.gap - time.monotonic()))
        return declare_and_wait(server, inbox, n, storm)

    with ThreadPoolExecutor(max_workers=opts.incidents) as pool:
        return list(pool.map(one, range(opts.incidents)))


def start_storm(server: Server, opts: argparse.Namespace) -> subprocess.Popen[str]:
    spec = {
        "port": server.port,
        "path": "/v2/enqueue",
        "body": "pagerduty",
        "scenario": "storm",
        "count": opts.storm,
        "deadline": opts.storm_deadline,
        "clients": opts.clients,
        "key": server.routing_key,
        "run": secrets.token_hex(3),
    }
    cmd = [sys.executable, str(HERE / "ingest_load.py"), json.dumps(spec)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)


def wait_for_alerts(engine: Engine, deadline: float) -> None:
    """The storm is in flight once its first alerts are stored."""
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            if conn.execute(text("SELECT count(*) FROM alerts")).scalar_one():
                return
            conn.rollback()
            time.sleep(0.01)
    raise RuntimeError("no storm alert was stored")


def bench_server(server: Server, opts: argparse.Namespace, workdir: Path) -> Result:
    with smtp_server() as (inbox, smtp_port), serving(server, smtp_port, workdir, opts.workers):
        idle = declare_several(server, inbox, opts, None)
        storm = start_storm(server, opts)
        engine = make_engine(server.database_url)
        try:
            wait_for_alerts(engine, time.monotonic() + 60)
            stormy = declare_several(server, inbox, opts, storm)
            out, _ = storm.communicate(timeout=opts.storm_deadline + 120)
        finally:
            if storm.poll() is None:
                storm.kill()
                storm.wait()
            with engine.connect() as conn:
                incidents = conn.execute(text("SELECT count(*) FROM incidents")).scalar_one()
            engine.dispose()
    load: Result = json.loads(out)
    return {"idle": idle, "storm": stormy, "load": load, "incidents": incidents}


# --- report ----------------------------------------------------------------------------------


def seconds(values: list[Declared], request: bool = False) -> list[float]:
    if request:
        return [d.request_s for d in values]
    return [d.to_inbox_s for d in values if d.to_inbox_s is not None]


def p50_max(values: list[float]) -> str:
    if not values:
        return "—"
    return f"p50 {statistics.median(values):6.2f} s  max {max(values):6.2f} s"


def report(results: dict[str, Result]) -> None:
    for label, r in results.items():
        idle, storm, load = r["idle"], r["storm"], r["load"]
        print(f"{label}: {len(idle)} idle and {len(storm)} storm declarations (SEV1)")
        for name, rows in (("idle (reference)", idle), ("storm", storm)):
            print(
                f"  {name:17} to inbox {p50_max(seconds(rows))}; "
                f"declare request {p50_max(seconds(rows, True))}"
            )
        missing = [d.ref for d in idle + storm if d.to_inbox_s is None]
        outside = [d.ref for d in storm if not d.during_storm]
        if missing:
            print(f"  no page arrived within 120 s for {', '.join(missing)}")
        if outside:
            print(f"  the storm had ended before the page of {', '.join(outside)} arrived")
        print(
            f"  storm load: {load['done']} of {load['sent']} requests in {load['elapsed']:.1f} s "
            f"({load['rate']:.0f}/s, p50 {load['p50_ms']:.0f} ms, p99 {load['p99_ms']:.0f} ms, "
            f"{load['errors']} errors); incidents in the database: {r['incidents']}"
        )
        each = ", ".join(f"{d.ref} {d.to_inbox_s or float('nan'):.2f} s" for d in storm)
        print(f"  per incident (storm): {each}")
        verdict(label, seconds(idle), seconds(storm), bool(missing))


def verdict(label: str, idle: list[float], storm: list[float], missing: bool) -> None:
    if not idle or not storm:
        print(f"  budget on {label}: no measurement → MISSED")
        return
    ratio = statistics.median(storm) / statistics.median(idle)
    ok = statistics.median(storm) < BUDGET_S and not missing
    print(f"  ratio storm/idle (p50): x{ratio:.1f}")
    print(
        f"  budget on {label}: a page reaches the inbox within seconds (storm p50 < "
        f"{BUDGET_S:.0f} s, every page arrived): {statistics.median(storm):.2f} s → "
        f"{'met' if ok else 'MISSED'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=6, help="declarations per phase")
    parser.add_argument("--gap", type=float, default=3.0, help="seconds between declarations")
    parser.add_argument("--storm", type=int, default=40000, help="storm events at most")
    parser.add_argument("--storm-deadline", type=float, default=40.0, help="storm seconds at most")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="warroom serve --workers on PG")
    parser.add_argument("--no-sqlite", dest="sqlite", action="store_false")
    opts = parser.parse_args()
    results: dict[str, Result] = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        with fresh_pg_database(f"bench_paging_{secrets.token_hex(3)}") as db:
            pg = Server("pg", f"postgresql+psycopg://postgres@127.0.0.1:5432/{db}")
            results["PostgreSQL"] = bench_server(pg, opts, workdir)
        if opts.sqlite:
            lite = Server("sqlite", f"sqlite:///{workdir / 'warroom.db'}")
            results["SQLite"] = bench_server(
                lite, argparse.Namespace(**{**vars(opts), "workers": 1}), workdir
            )
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
