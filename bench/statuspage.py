"""The public status page under load, beside nginx serving its static export, and the time
from approving an update to the refreshed export.

A fresh SQLite file with the demo organisation; `warroom serve --workers N` keeping an export
directory current (``WARROOM_STATUSPAGE_EXPORT_DIR``); nginx (Debian's package) serving that
directory on another port. wrk (Debian's package) measures requests per second for `/status`
and `/api/v2/summary.json` from warroom and for the same files from nginx, each for
``--seconds`` with ``--connections`` keep-alive connections, in the same run. Reference: nginx
on the export. Target: warroom at least 1/3 of nginx's rate.

Then, ``--updates`` times: open a public incident over the API, approve it, and measure until
the exported summary.json names it.

    .venv/bin/python -m bench.statuspage [--seconds 10] [--connections 32] [--workers 2]

Needs nginx and wrk: `apt-get install -y nginx wrk`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.ingest_servers import BIN, free_port, running

NGINX_CONF = """
worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  types {{ text/html html; application/json json; text/css css; }}
  default_type application/octet-stream;
  client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi; uwsgi_temp_path {prefix}/uwsgi; scgi_temp_path {prefix}/scgi;
  server {{
    listen 127.0.0.1:{port};
    root {root};
    location / {{ try_files $uri $uri/ =404; }}
  }}
}}
"""


def wrk(url: str, seconds: int, connections: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses")
    return float(found.group(1)) if found else 0.0


def prepare(tmp: Path) -> dict[str, str]:
    env = os.environ | {
        "WARROOM_DATABASE_URL": f"sqlite:///{tmp / 'warroom.db'}",
        "WARROOM_STATUSPAGE_EXPORT_DIR": str(tmp / "site"),
        "WARROOM_LOG_LEVEL": "WARNING",
    }
    for args in (["db", "upgrade"], ["demo"]):
        subprocess.run([str(BIN / "warroom"), *args], env=env, check=True, capture_output=True)
    return env


def token(env: dict[str, str]) -> str:
    made = subprocess.run(
        [str(BIN / "warroom"), "token", "create", "--email", "priya.raman@kestrel-supply.example"],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return made.stdout.strip().splitlines()[-1]


def export_latency(base: str, key: str, site: Path, n: int) -> list[float]:
    headers = {"Authorization": f"Bearer {key}"}
    took = []
    for i in range(n):
        name = f"Benchmark incident {i}"
        body = {"name": name, "body": "Measuring the export.", "status": "investigating"}
        made = httpx.post(f"{base}/api/v1/public-incidents", json=body, headers=headers).json()
        code = made["updates"][0]["code"]
        began = time.perf_counter()
        httpx.post(f"{base}/api/v1/public-updates/{code}/approve", headers=headers)
        deadline = began + 30
        while time.perf_counter() < deadline:
            summary = site / "api/v2/summary.json"
            if summary.exists() and name in summary.read_text():
                break
            time.sleep(0.005)
        took.append(time.perf_counter() - began)
        time.sleep(0.5)
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--updates", type=int, default=5)
    args = parser.parse_args()
    if not (shutil.which("nginx") and shutil.which("wrk")):
        print("needs nginx and wrk: apt-get install -y nginx wrk", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        tmp.chmod(0o755)  # nginx's workers drop root and must reach the export inside
        env = prepare(tmp)
        port, static = free_port(), free_port()
        serve = [str(BIN / "warroom"), "serve", "--port", str(port), "--workers", str(args.workers)]
        base = f"http://127.0.0.1:{port}"
        with running(serve, env, f"{base}/status", tmp / "serve.log"):
            site = tmp / "site"
            for _ in range(200):
                if (site / "index.html").exists():
                    break
                time.sleep(0.05)
            conf = tmp / "nginx.conf"
            conf.write_text(NGINX_CONF.format(prefix=tmp, port=static, root=site))
            nginx = ["nginx", "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"]
            with running(nginx, env, f"http://127.0.0.1:{static}/index.html", tmp / "nginx.log"):
                results = measure(base, f"http://127.0.0.1:{static}", args)
            latency = export_latency(base, token(env), site, args.updates)
    report(results, latency, args)
    return 0


def measure(base: str, static: str, args: argparse.Namespace) -> dict[str, float]:
    pairs = {
        "warroom /status": f"{base}/status",
        "nginx index.html": f"{static}/index.html",
        "warroom /api/v2/summary.json": f"{base}/api/v2/summary.json",
        "nginx api/v2/summary.json": f"{static}/api/v2/summary.json",
    }
    sizes = {k: len(httpx.get(u).content) for k, u in pairs.items()}
    print(json.dumps({"bytes": sizes}))
    return {k: wrk(u, args.seconds, args.connections) for k, u in pairs.items()}


def report(results: dict[str, float], latency: list[float], args: argparse.Namespace) -> None:
    print(
        f"\n{args.connections} connections, {args.seconds} s each, warroom --workers {args.workers}"
    )
    for what, ref in (("/status", "nginx index.html"), ("/api/v2/summary.json",
                                                       "nginx api/v2/summary.json")):  # fmt: skip
        ours, theirs = results[f"warroom {what}"], results[ref]
        verdict = "met" if ours >= theirs / 3 else "MISSED"
        print(f"  {what:24s} warroom {ours:9.0f} req/s   nginx {theirs:9.0f} req/s   "
              f"x{ours / theirs:.3f}   target >= 1/3: {verdict}")  # fmt: skip
    print(f"  approve -> export refreshed: median {statistics.median(latency) * 1000:.0f} ms, "
          f"max {max(latency) * 1000:.0f} ms over {len(latency)} updates")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
