"""The load generator behind ``bench/ingest.py``, run as its own process so that its CPU is
not the server's: a fixed number of concurrent clients, each with one keep-alive HTTP/1.1
connection to 127.0.0.1, sending the scenario's requests until the count is reached or the
deadline passes, whichever comes first.

The client is a few lines over asyncio streams rather than httpx: on a 2-core machine a
general-purpose client costs more CPU per request than the servers being measured.

    python bench/ingest_load.py '<json spec>'   → one JSON line of results on stdout
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HOSTS = 480
AV_EVENT = "Sentinel AV: Trojan.GenericKD quarantined"


# --- what is sent ----------------------------------------------------------------------------


def pagerduty(spec: dict[str, Any], i: int) -> dict[str, Any]:
    """A PagerDuty Events v2 trigger for event ``i`` of the scenario."""
    run, scenario = spec["run"], spec["scenario"]
    host = f"host-{i % HOSTS:03d}.bench.example"
    if scenario == "unique":
        key, event, summary = f"{run}-u-{i}", f"check-{run}-{i}", f"check {i} failed on {host}"
    elif scenario == "duplicate":
        key, event, summary = f"{run}-dup", f"check-{run}-dup", "disk almost full on db-1"
        host = "db-1.bench.example"
    else:  # storm: every host reports detections of the same signature
        key, event, summary = f"{run}-av-{host}-{i // HOSTS}", AV_EVENT, f"{AV_EVENT} on {host}"
    return {
        "routing_key": spec["key"],
        "event_action": "trigger",
        "dedup_key": key,
        "payload": {
            "summary": summary,
            "source": host,
            "severity": "error",
            "class": event,
            "custom_details": {"file": f"C:\\Temp\\{i}.dll", "engine": "9.2.4"},
        },
    }


def alerta(spec: dict[str, Any], i: int) -> dict[str, Any]:
    """The same event for Alerta's ``POST /alert`` (dedup on environment, resource, event)."""
    event = pagerduty(spec, i)
    payload = event["payload"]
    resource = payload["source"]
    name = payload["class"]
    if spec["scenario"] == "storm":  # one alert per detection, as warroom keeps them
        name = f"{AV_EVENT} #{i // HOSTS}"
    return {
        "resource": resource,
        "event": name,
        "environment": "Production",
        "severity": "major",
        "service": ["bench"],
        "group": "Security" if spec["scenario"] == "storm" else "Bench",
        "text": payload["summary"],
        "origin": "bench",
        "attributes": payload["custom_details"],
        "rawData": json.dumps(event),
    }


def alertmanager(spec: dict[str, Any], b: int) -> dict[str, Any]:
    """Batch ``b``: one Alertmanager notification of 100 firing alerts of one alert rule
    (Alertmanager groups by alertname), on 100 hosts."""
    name = f"Bench{spec['run']}Rule{b % 10}"
    alerts = []
    for j in range(spec.get("batch", 100)):
        host = f"host-{(b * 100 + j) % HOSTS:03d}.bench.example"
        labels = {"alertname": name, "instance": f"{host}:9100", "severity": "warning"}
        alerts.append(
            {
                "status": "firing",
                "labels": labels,
                "annotations": {"summary": f"{name} on {host}"},
                "startsAt": "2026-11-23T10:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus.bench.example/graph",
                "fingerprint": f"{spec['run']}{b:06d}{j:03d}",
            }
        )
    return {
        "version": "4",
        "groupKey": f'{{}}:{{alertname="{name}"}}',
        "truncatedAlerts": 0,
        "status": "firing",
        "receiver": "warroom",
        "groupLabels": {"alertname": name},
        "commonLabels": {"alertname": name, "severity": "warning"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.bench.example",
        "alerts": alerts,
    }


BODIES: dict[str, Callable[[dict[str, Any], int], dict[str, Any]]] = {
    "pagerduty": pagerduty,
    "alerta": alerta,
    "alertmanager": alertmanager,
}


# --- how it is sent --------------------------------------------------------------------------


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    first_sent: float | None = None  # wall clock, for the storm's time to incident
    sample_error: str = ""


class Connection:
    """One keep-alive HTTP/1.1 connection; reopened when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        status_line, headers = await self._head()
        if "content-length" in headers:
            payload = await self.reader.readexactly(int(headers["content-length"]))
        else:
            payload = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        return int(status_line.split()[1]), payload

    async def _head(self) -> tuple[str, dict[str, str]]:
        assert self.reader is not None
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name:
                headers[name.strip().lower()] = value.strip()
        return lines[0], headers

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def client(
    spec: dict[str, Any], bodies: list[bytes], state: dict[str, float], out: Results
) -> None:
    conn = Connection("127.0.0.1", spec["port"])
    deadline = state["deadline"]
    while time.monotonic() < deadline:
        i = int(state["next"])
        if i >= len(bodies):
            break
        state["next"] = i + 1
        began = time.perf_counter()
        if out.first_sent is None:
            out.first_sent = time.time()
        try:
            status, payload = await conn.post(spec["path"], bodies[i])
        except (OSError, asyncio.IncompleteReadError) as exc:
            conn.close()
            out.errors += 1
            out.statuses[type(exc).__name__] += 1
            continue
        out.latencies.append(time.perf_counter() - began)
        out.statuses[str(status)] += 1
        if status >= 300:
            out.errors += 1
            out.sample_error = out.sample_error or payload[:300].decode("utf-8", "replace")
    conn.close()


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    make = BODIES[spec["body"]]
    bodies = [json.dumps(make(spec, i)).encode() for i in range(spec["count"])]
    out = Results()
    began = time.perf_counter()
    state: dict[str, float] = {"next": 0, "deadline": time.monotonic() + spec["deadline"]}
    await asyncio.gather(*(client(spec, bodies, state, out) for _ in range(spec["clients"])))
    elapsed = time.perf_counter() - began
    done = len(out.latencies)
    return {
        "sent": int(state["next"]),
        "done": done,
        "errors": out.errors,
        "statuses": dict(out.statuses),
        "elapsed": elapsed,
        "rate": done / elapsed if elapsed else 0.0,
        "p50_ms": percentile(out.latencies, 0.50) * 1000,
        "p99_ms": percentile(out.latencies, 0.99) * 1000,
        "first_sent": out.first_sent,
        "sample_error": out.sample_error,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(json.loads(sys.argv[1])))))
