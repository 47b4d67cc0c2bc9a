"""A real Prometheus Alertmanager pointed at a running warroom, as a new user would set it up:
a firing rule on 50 hosts becomes one incident, with the hosts listed on its alert group."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import IN_CI, LiveServer, free_port, make_user
from warroom.access.rules import Role

ALERTMANAGER = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
HOSTS = [f"av{n:02d}.corp" for n in range(50)]

pytestmark = pytest.mark.skipif(
    ALERTMANAGER is None and not IN_CI, reason="Alertmanager is not installed here"
)

CONFIG = """
route:
  receiver: warroom
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: warroom
    webhook_configs:
      - url: {url}
        send_resolved: true
"""


@pytest.fixture
def alertmanager(tmp_path: Path) -> tuple[str, Path]:
    """Where Alertmanager will listen, and its config file (written by the test)."""
    assert ALERTMANAGER is not None, "Alertmanager must be installed (scripts/test does it)"
    port = free_port()
    config = tmp_path / "alertmanager.yml"
    return f"http://127.0.0.1:{port}", config


def _start(binary: str, config: Path, url: str, storage: Path) -> subprocess.Popen[bytes]:
    port = url.rsplit(":", 1)[1]
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.path={storage}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",  # no gossip: a single node
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("Alertmanager did not become ready")


def _alert(host: str) -> dict[str, Any]:
    return {
        "labels": {"alertname": "AntivirusQuarantine", "instance": f"{host}:9182"},
        "annotations": {"summary": f"OS files quarantined on {host}"},
        "generatorURL": "http://prometheus:9090/graph",
    }


def _catalog(api: httpx.Client) -> str:
    assert api.post("/api/v1/services", json={"name": "fileservers", "tier": 1}).is_success
    for host in HOSTS:
        body = {"hostname": host, "services": ["fileservers"]}
        assert api.post("/api/v1/assets", json=body).status_code == 201
    made = api.post("/api/v1/integrations", json={"kind": "alertmanager", "name": "prometheus"})
    assert made.status_code == 201, made.text
    key: str = made.json()["routing_key"]
    return key


def _wait_for_group(api: httpx.Client, hosts: int) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = api.get("/api/v1/alert-groups").json()
        if found and found[0]["asset_count"] == hosts and found[0]["incident"]:
            detail: dict[str, Any] = api.get(f"/api/v1/alert-groups/{found[0]['id']}").json()
            return detail
        time.sleep(0.2)
    raise AssertionError(f"no group of {hosts} hosts with an incident: {found}")


def test_a_firing_rule_on_50_hosts_becomes_one_incident(
    live_app: FastAPI, live_server: LiveServer, alertmanager: tuple[str, Path], tmp_path: Path
) -> None:
    admin = make_user(live_app, Role.admin, "Ada Admin")
    headers = {"Authorization": f"Bearer {admin.token}"}
    with httpx.Client(base_url=live_server.url, headers=headers, timeout=10) as api:
        key = _catalog(api)
        am_url, config = alertmanager
        webhook = f"{live_server.url}/api/v1/integrations/alertmanager/{key}"
        config.write_text(CONFIG.format(url=webhook))
        assert ALERTMANAGER is not None
        process = _start(ALERTMANAGER, config, am_url, tmp_path / "data")
        try:
            posted = httpx.post(f"{am_url}/api/v2/alerts", json=[_alert(h) for h in HOSTS])
            assert posted.status_code == 200, posted.text
            group = _wait_for_group(api, len(HOSTS))
        finally:
            process.terminate()
            process.wait(timeout=10)
        incidents = api.get("/api/v1/incidents").json()["items"]
    assert len(incidents) == 1
    assert group["incident"] == incidents[0]["ref"]
    assert sorted(group["hosts"]) == HOSTS
    assert group["alert_count"] == len(HOSTS)
    assert incidents[0]["severity"] == group["proposed_severity"]
    assert "fileservers" in incidents[0]["services"]
