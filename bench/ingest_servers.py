"""The servers ``bench/ingest.py`` measures: ``warroom serve`` on a fresh PostgreSQL database
or SQLite file with its integrations, and Alerta (``alerta-server`` under gunicorn) on its own
fresh database of the same PostgreSQL server, installed into its own virtualenv."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

BIN = Path(sys.executable).parent
HERE = Path(__file__).parent
ALERTA_VENV = HERE / ".venv-alerta"
ALERTA_PACKAGES = ("alerta-server==9.1.0", "psycopg2-binary", "gunicorn")
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def fresh_pg_database(name: str) -> Iterator[str]:
    """A new, empty database, dropped afterwards; yields its name."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_ready(url: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} was not ready within {seconds} s")


@contextmanager
def running(cmd: list[str], env: dict[str, str], ready: str, log: Path) -> Iterator[int]:
    """Start ``cmd``; yield its pid once ``ready`` answers; stop it (and only it) after."""
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_ready(ready, proc)
            yield proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@dataclass
class Warroom:
    """A warroom server with one PagerDuty and one Alertmanager integration."""

    label: str
    database_url: str
    port: int = 0
    keys: dict[str, str] = field(default_factory=dict)


def warroom_env(database_url: str) -> dict[str, str]:
    return os.environ | {"WARROOM_DATABASE_URL": database_url, "WARROOM_SECRET_KEY": "bench" * 8}


def create_integration(database_url: str, kind: str) -> str:
    cmd = [str(BIN / "warroom"), "integration", "create", "--kind", kind, "--name", f"bench {kind}"]
    done = subprocess.run(
        [*cmd, "--json"], env=warroom_env(database_url), check=True, capture_output=True
    )
    return str(json.loads(done.stdout)["routing_key"])


@contextmanager
def warroom_server(server: Warroom, workdir: Path, workers: int | None) -> Iterator[Warroom]:
    env = warroom_env(server.database_url)
    init = [
        str(BIN / "warroom"),
        "init",
        "--email",
        "bench@example.com",
        "--password",
        "bench-bench",
    ]
    subprocess.run(init, env=env, check=True, capture_output=True)
    server.keys = {
        k: create_integration(server.database_url, k) for k in ("pagerduty", "alertmanager")
    }
    server.port = free_port()
    cmd = [str(BIN / "warroom"), "serve", "--port", str(server.port)]
    if workers:
        cmd += ["--workers", str(workers)]
    log = workdir / f"warroom-{server.label}.log"
    with running(cmd, env, f"http://127.0.0.1:{server.port}/readyz", log):
        yield server


def ensure_alerta() -> Path:
    """The Alerta virtualenv (bench/.venv-alerta, git-ignored), created on first use."""
    python = ALERTA_VENV / "bin" / "python"
    if not (ALERTA_VENV / "bin" / "gunicorn").exists():
        subprocess.run([sys.executable, "-m", "venv", str(ALERTA_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *ALERTA_PACKAGES], check=True)
    return ALERTA_VENV / "bin"


ALERTA_CONF = """
DATABASE_URL = {url!r}
DEBUG = False
AUTH_REQUIRED = False
LOG_LEVEL = 'WARNING'
"""


@contextmanager
def alerta_server(database: str, workdir: Path, workers: int, threads: int) -> Iterator[int]:
    """Alerta under gunicorn (threaded workers, keep-alive), on its own PostgreSQL database."""
    bin_dir = ensure_alerta()
    conf = workdir / "alertad.conf"
    conf.write_text(ALERTA_CONF.format(url=f"postgres://postgres@127.0.0.1:5432/{database}"))
    port = free_port()
    env = os.environ | {"ALERTA_SVR_CONF_FILE": str(conf)}
    # Create Alerta's schema once: its workers would race to create it at boot.
    init = [str(bin_dir / "python"), "-c", "from alerta import create_app; create_app()"]
    subprocess.run(init, env=env, check=True, capture_output=True, cwd=workdir)
    cmd = [
        str(bin_dir / "gunicorn"),
        *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads)),
        *("--worker-class", "gthread", "--keep-alive", "30", "--log-level", "warning"),
        "alerta:create_app()",
    ]
    with running(
        cmd, env, f"http://127.0.0.1:{port}/management/healthcheck", workdir / "alerta.log"
    ):
        yield port
