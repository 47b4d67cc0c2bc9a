"""How fast `warroom serve` is ready, and how much memory it holds, with the demo data loaded.

Reference, measured in the same run: a bare uvicorn server answering one route. Prints both
and their ratio, and checks the standing budgets (ready within 3 s, under 200 MB RSS).

    .venv/bin/python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
REFERENCE_APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
"""
READY_BUDGET_S = 3.0
RSS_BUDGET_MB = 200.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_ready(url: str, proc: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=0.5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.01)
    raise RuntimeError("server was not ready within the deadline")


def measure(
    cmd: list[str], ready_url: str, env: dict[str, str], warm: list[str]
) -> tuple[float, float]:
    began = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(ready_url, proc, began + 30)
        ready = time.monotonic() - began
        for url in warm:  # touch the pages a first visitor would open
            httpx.get(url, timeout=10)
        return ready, rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def warroom_run(workdir: Path) -> tuple[float, float]:
    port = free_port()
    env = os.environ | {"WARROOM_DATABASE_URL": f"sqlite:///{workdir / 'warroom.db'}"}
    base = f"http://127.0.0.1:{port}"
    warm = [f"{base}/login", f"{base}/openapi.json", f"{base}/healthz"]
    cmd = [str(BIN / "warroom"), "serve", "--port", str(port)]
    return measure(cmd, f"{base}/readyz", env, warm)


def reference_run(workdir: Path) -> tuple[float, float]:
    port = free_port()
    (workdir / "refapp.py").write_text(REFERENCE_APP)
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "refapp:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--app-dir",
        str(workdir),
    ]
    base = f"http://127.0.0.1:{port}"
    return measure(cmd, f"{base}/", dict(os.environ), [base])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = os.environ | {"WARROOM_DATABASE_URL": f"sqlite:///{workdir / 'warroom.db'}"}
        subprocess.run(
            [str(BIN / "warroom"), "demo"], env=env, check=True, stdout=subprocess.DEVNULL
        )
        ours = [warroom_run(workdir) for _ in range(args.runs)]
        ref = [reference_run(workdir) for _ in range(args.runs)]
    ready = statistics.median(r for r, _ in ours)
    rss = max(m for _, m in ours)
    ref_ready = statistics.median(r for r, _ in ref)
    ref_rss = max(m for _, m in ref)
    print(
        f"warroom serve (demo data): ready {ready:.2f} s (median of {args.runs}), "
        f"RSS {rss:.0f} MB (max)"
    )
    print(f"reference bare uvicorn:    ready {ref_ready:.2f} s, RSS {ref_rss:.0f} MB")
    print(f"ratio: ready x{ready / ref_ready:.1f}, RSS x{rss / ref_rss:.1f}")
    ok = ready < READY_BUDGET_S and rss < RSS_BUDGET_MB
    print(
        f"budgets (ready < {READY_BUDGET_S} s, RSS < {RSS_BUDGET_MB:.0f} MB): "
        f"{'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
