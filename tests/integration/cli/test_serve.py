"""``warroom serve`` as a real process: ready on its port, logging JSON lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import free_port, wait_for


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_serve_answers_readyz_and_logs_json(tmp_path: Path) -> None:
    port = free_port()
    env = os.environ | {"WARROOM_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
    command = [sys.executable, "-m", "warroom", "serve", "--host", "127.0.0.1", "--port", str(port)]
    started = time.monotonic()
    process = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for(lambda: _ready(f"http://127.0.0.1:{port}") or process.poll() is not None, 20)
        assert process.poll() is None, process.communicate()[1]
        print(f"\nwarroom serve was ready after {time.monotonic() - started:.2f} s")
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=20)
    lines = [json.loads(line) for line in err.splitlines() if line.strip()]
    assert lines, "no log lines"
    assert all({"ts", "level", "logger", "msg"} <= set(entry) for entry in lines)
    assert any(str(port) in entry["msg"] for entry in lines)
