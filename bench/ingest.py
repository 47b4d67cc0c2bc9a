"""Sustained alert ingest: warroom on PostgreSQL and on SQLite against Alerta on the same
PostgreSQL server, same events, same 16 concurrent clients, in one run.

Scenarios, each bounded by a count and a deadline:
  (a) unique alerts, (b) duplicates (one dedup key), (c) a storm of 480 hosts all reporting
  the same event (10,000 alerts) — PagerDuty Events v2 single events to ``/v2/enqueue``
  and the equivalent Alerta ``POST /alert``; (d) Alertmanager notifications of 100 alerts
  (warroom's webhook; Alerta's ``/webhooks/prometheus``); (e) for the storm, when the
  threshold was crossed and when the one incident opened.

Reference, measured in the same run: Alerta (PyPI ``alerta-server`` under gunicorn, in its own
virtualenv ``bench/.venv-alerta``, created on first use). Prints events/s, p50/p99 latency
and errors side by side, the ratio warroom/Alerta, and the targets met or MISSED.

    .venv/bin/python -m bench.ingest [--count 10000] [--workers N] [--no-alerta]
"""

from __future__ import annotations

import argparse
import json
import math
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from bench.ingest_servers import Warroom, alerta_server, fresh_pg_database, warroom_server
from warroom.db import make_engine

HERE = Path(__file__).parent
SCENARIOS = (("unique", "(a) unique"), ("duplicate", "(b) duplicates"), ("storm", "(c) storm"))
STORM_EVENT = "Sentinel AV: Trojan.GenericKD quarantined"
TARGET_RATE, TARGET_P99_MS, TARGET_BATCH_RATE, TARGET_INCIDENT_MS = 2400, 50.0, 20000, 1000
Result = dict[str, Any]


@dataclass
class Options:
    count: int
    storm: int
    batches: int
    clients: int
    deadline: float
    storm_deadline: float
    alerta_deadline: float
    workers: int | None
    alerta: bool


def load(
    port: int,
    path: str,
    body: str,
    scenario: str,
    count: int,
    deadline: float,
    opts: Options,
    key: str = "",
) -> Result:
    """Run the load generator in its own process and return its results."""
    spec = {
        "port": port,
        "path": path,
        "body": body,
        "scenario": scenario,
        "count": count,
        "deadline": deadline,
        "clients": opts.clients,
        "key": key,
        "run": secrets.token_hex(3),
    }
    cmd = [sys.executable, str(HERE / "ingest_load.py"), json.dumps(spec)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    result: Result = json.loads(done.stdout)
    return result


class IncidentWatch:
    """Polls the database for the first incident while the storm runs (wall clock)."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self._stop = engine, threading.Event()
        self.seen_at: float | None = None
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        with self.engine.connect() as conn:
            while not self._stop.is_set():
                if conn.execute(text("SELECT count(*) FROM incidents")).scalar_one():
                    self.seen_at = time.time()
                    return
                conn.rollback()
                time.sleep(0.005)

    def __enter__(self) -> IncidentWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def storm_outcome(engine: Engine, watch: IncidentWatch, first_sent: float | None) -> Result:
    """(e): the storm's alerts, groups and incidents as stored, and the timings between."""
    with engine.connect() as conn:
        alerts, hosts, first_seen = conn.execute(
            text(
                "SELECT count(*), count(DISTINCT source), min(first_seen) FROM alerts "
                "WHERE event = :e"
            ),
            {"e": STORM_EVENT},
        ).one()
        incidents = conn.execute(text("SELECT count(*) FROM incidents")).scalar_one()
        group = conn.execute(
            text(
                "SELECT g.threshold_met_at, i.declared_at, g.alert_count, g.asset_count "
                "FROM alert_groups g JOIN incidents i ON i.id = g.incident_id "
                "ORDER BY g.id LIMIT 1"
            ),
        ).first()
    out: Result = {"alerts": alerts, "hosts": hosts, "incidents": incidents}
    if group is None:
        return out
    met, declared = _utc(group[0]), _utc(group[1])
    out |= {"group_alerts": group[2], "group_hosts": group[3]}
    out["declared_after_ms"] = (declared - met) * 1000
    out["threshold_after_first_ms"] = (met - _utc(first_seen)) * 1000
    if watch.seen_at is not None:
        out["visible_after_ms"] = (watch.seen_at - met) * 1000
    if first_sent is not None:
        out["incident_after_first_sent_ms"] = ((watch.seen_at or declared) - first_sent) * 1000
    return out


def _utc(value: datetime | str) -> float:
    """A stored timestamp as epoch seconds (SQLite hands back naive UTC text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC).timestamp()
    return value.timestamp()


def bench_warroom(server: Warroom, opts: Options, workdir: Path, workers: int | None) -> Result:
    results: Result = {}
    engine = make_engine(server.database_url)
    try:
        with warroom_server(server, workdir, workers):
            port, key = server.port, server.keys["pagerduty"]
            for scenario, _ in SCENARIOS:
                storm = scenario == "storm"
                count = opts.storm if storm else opts.count
                deadline = opts.storm_deadline if storm else opts.deadline
                with IncidentWatch(engine) as watch:
                    results[scenario] = load(
                        port, "/v2/enqueue", "pagerduty", scenario, count, deadline, opts, key
                    )
                if scenario == "storm":
                    first = results[scenario]["first_sent"]
                    results["incident"] = storm_outcome(engine, watch, first)
            path = f"/api/v1/integrations/alertmanager/{server.keys['alertmanager']}"
            results["batches"] = load(
                port, path, "alertmanager", "batch", opts.batches, opts.deadline, opts
            )
    finally:
        engine.dispose()
    return results


def bench_alerta(database: str, opts: Options, workdir: Path) -> Result:
    results: Result = {}
    with alerta_server(database, workdir, workers=4, threads=4) as port:
        for scenario, _ in SCENARIOS:
            count = opts.storm if scenario == "storm" else opts.count
            results[scenario] = load(
                port, "/alert", "alerta", scenario, count, opts.alerta_deadline, opts
            )
        results["batches"] = load(
            port,
            "/webhooks/prometheus",
            "alertmanager",
            "batch",
            opts.batches,
            opts.alerta_deadline,
            opts,
        )
    return results


# --- report ----------------------------------------------------------------------------------


def cell(r: Result | None, per: int = 1) -> str:
    if r is None:
        return "—"
    return (
        f"{r['rate'] * per:7.0f}/s p50 {r['p50_ms']:5.1f} p99 {r['p99_ms']:6.1f} ms "
        f"err {r['errors']}"
    )


def ratio(ours: Result | None, theirs: Result | None) -> str:
    if not ours or not theirs or not theirs.get("rate"):
        return "—"
    return f"x{ours['rate'] / theirs['rate']:.1f}"


def met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(pg: Result, lite: Result, alerta: Result | None) -> None:
    print(
        f"{'scenario':16} {'warroom PostgreSQL':42} {'warroom SQLite':42} "
        f"{'Alerta (PostgreSQL)':42} PG/Alerta SQLite/Alerta"
    )
    rows = [*SCENARIOS, ("batches", "(d) AM batches")]
    for name, label in rows:
        per = 100 if name == "batches" else 1
        theirs = alerta.get(name) if alerta else None
        print(
            f"{label:16} {cell(pg.get(name), per):42} {cell(lite.get(name), per):42} "
            f"{cell(theirs, per):42} {ratio(pg.get(name), theirs):9} "
            f"{ratio(lite.get(name), theirs)}"
        )
    print("(d) is alerts/s (100 per request); latencies are per request.")
    for label, result in (("PostgreSQL", pg), ("SQLite", lite)):
        print(f"(e) storm on {label}: {json.dumps(result.get('incident'))}")
    for label, result in (("PostgreSQL", pg), ("SQLite", lite), ("Alerta", alerta or {})):
        for name, _ in (*SCENARIOS, ("batches", "")):
            if result.get(name, {}).get("sample_error"):
                print(f"  {label} {name} error sample: {result[name]['sample_error'][:200]}")
    targets(pg)


def targets(pg: Result) -> None:
    print("targets (warroom on PostgreSQL):")
    for name, label in SCENARIOS:
        r = pg[name]
        ok = r["rate"] >= TARGET_RATE and r["p99_ms"] <= TARGET_P99_MS and not r["errors"]
        print(
            f"  {label}: ≥ {TARGET_RATE}/s, p99 ≤ {TARGET_P99_MS:.0f} ms, no errors: "
            f"{r['rate']:.0f}/s, p99 {r['p99_ms']:.1f} ms, {r['errors']} errors → {met(ok)}"
        )
    batch = pg["batches"]["rate"] * 100
    ok = batch >= TARGET_BATCH_RATE and not pg["batches"]["errors"]
    print(f"  (d) ≥ {TARGET_BATCH_RATE} alerts/s in batches of 100: {batch:.0f}/s → {met(ok)}")
    inc = pg.get("incident", {})
    late = max(inc.get("declared_after_ms", math.inf), inc.get("visible_after_ms", 0.0))
    ok = inc.get("incidents") == 1 and inc.get("alerts") == pg["storm"]["sent"] and late <= 1000
    print(
        f"  (e) {inc.get('alerts')} storm alerts from {inc.get('hosts')} hosts → "
        f"{inc.get('incidents')} incident(s), opened "
        f"{inc.get('declared_after_ms', math.nan):.0f} ms "
        f"after the threshold was crossed (seen by a poller after "
        f"{inc.get('visible_after_ms', math.nan):.0f} ms) → {met(ok)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10000, help="events for (a) and (b)")
    parser.add_argument("--storm", type=int, default=10000, help="events for (c)")
    parser.add_argument("--batches", type=int, default=200, help="Alertmanager batches for (d)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--deadline", type=float, default=60.0, help="seconds per scenario")
    parser.add_argument("--storm-deadline", type=float, default=240.0, help="seconds for (c)")
    parser.add_argument("--alerta-deadline", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=1, help="warroom serve --workers on PG")
    parser.add_argument("--no-alerta", dest="alerta", action="store_false")
    opts = Options(**vars(parser.parse_args()))
    tag = secrets.token_hex(3)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        with fresh_pg_database(f"bench_warroom_{tag}") as db:
            server = Warroom("pg", f"postgresql+psycopg://postgres@127.0.0.1:5432/{db}")
            pg = bench_warroom(server, opts, workdir, opts.workers)
        lite_server = Warroom("sqlite", f"sqlite:///{workdir / 'warroom.db'}")
        lite = bench_warroom(lite_server, opts, workdir, None)
        alerta = None
        if opts.alerta:
            with fresh_pg_database(f"bench_alerta_{tag}") as db:
                alerta = bench_alerta(db, opts, workdir)
    report(pg, lite, alerta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
