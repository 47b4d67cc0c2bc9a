"""``warroom serve --workers N``: several server processes behind one port, sharing the
database migrated once by the parent."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

from tests.conftest import free_port, wait_for


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _workers(log: Path) -> set[str]:
    return set(re.findall(r"Started server process \[(\d+)\]", log.read_text()))


def test_serve_with_two_workers_starts_two_server_processes(tmp_path: Path) -> None:
    port = free_port()
    env = os.environ | {"WARROOM_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
    command = [sys.executable, "-m", "warroom", "serve", "--port", str(port), "--workers", "2"]
    log = tmp_path / "serve.log"
    with log.open("w") as err:
        process = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=err)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(lambda: _ready(url) or process.poll() is not None, 60)
            assert process.poll() is None, log.read_text()
            wait_for(lambda: len(_workers(log)) == 2, 60)
            answers = [httpx.get(f"{url}/readyz", timeout=5).json() for _ in range(5)]
        finally:
            process.terminate()
            process.wait(timeout=30)
    assert all(a["status"] == "ready" for a in answers)
    assert str(process.pid) not in _workers(log)  # the parent only supervises
