"""Helpers for the ingestion tests: integrations made over the API, and what is stored."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import User
from warroom.alerts.models import Alert, ChangeEvent
from warroom.db import transaction


def make_integration(
    client: TestClient, admin: User, kind: str, name: str | None = None, **extra: Any
) -> str:
    body = {"kind": kind, "name": name or f"{kind} source"} | extra
    response = client.post("/api/v1/integrations", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    key: str = response.json()["routing_key"]
    return key


def add_asset(client: TestClient, admin: User, hostname: str, **fields: Any) -> None:
    body = {"hostname": hostname} | fields
    response = client.post("/api/v1/assets", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text


def add_service(client: TestClient, admin: User, name: str, tier: int = 2) -> None:
    body = {"name": name, "tier": tier}
    assert client.post("/api/v1/services", json=body, headers=admin.headers).status_code == 201


def _app(client: TestClient) -> FastAPI:
    app = client.app
    assert isinstance(app, FastAPI)
    return app


def stored(client: TestClient) -> list[dict[str, Any]]:
    """Every alert row, oldest first, as plain values."""
    with transaction(_app(client).state.sessions) as session:
        rows = session.scalars(select(Alert).order_by(Alert.id))
        return [
            {
                "id": a.id,
                "key": a.dedup_key,
                "status": a.status,
                "count": a.count,
                "summary": a.summary,
                "severity": a.severity,
                "asset": a.asset.hostname if a.asset else None,
                "service": a.service.name if a.service else None,
            }
            for a in rows
        ]


def counts(client: TestClient) -> tuple[int, int]:
    with transaction(_app(client).state.sessions) as session:
        alerts = session.scalar(select(func.count()).select_from(Alert)) or 0
        changes = session.scalar(select(func.count()).select_from(ChangeEvent)) or 0
        return alerts, changes


def am_alert(
    host: str, status: str = "firing", name: str = "HighCPU", **labels: str
) -> dict[str, Any]:
    return {
        "status": status,
        "labels": {"alertname": name, "instance": f"{host}:9100", "severity": "warning"} | labels,
        "annotations": {"summary": f"{name} on {host}"},
        "startsAt": "2026-11-23T21:55:00Z",
        "endsAt": "0001-01-01T00:00:00Z" if status == "firing" else "2026-11-23T21:59:00Z",
        "generatorURL": "http://prometheus:9090/graph",
        "fingerprint": f"fp-{name}-{host}",
    }


def am_body(*alerts: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": "4",
        "groupKey": '{}:{alertname="HighCPU"}',
        "truncatedAlerts": 0,
        "status": "firing",
        "receiver": "warroom",
        "groupLabels": {},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": list(alerts),
    }
