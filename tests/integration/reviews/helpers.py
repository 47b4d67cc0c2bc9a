"""Helpers for the postmortem tests: a SEV1 walked from declaration to resolution."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.incidents.helpers import declare


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def resolve(client: TestClient, user: User, ref: str, clock: Clock, **fields: Any) -> Any:
    body = {"status": "resolved", "message": "Error rate back to baseline"} | fields
    return ok(client.patch(f"/api/v1/incidents/{ref}", json=body, headers=user.headers))


def resolved_incident(
    client: TestClient, user: User, clock: Clock, severity: str = "SEV1", **fields: Any
) -> str:
    """An incident declared, then resolved an hour later; its reference."""
    ref: str = declare(client, user, severity=severity, **fields)["ref"]
    clock.advance(hours=1)
    resolve(client, user, ref, clock)
    return ref


def postmortem(client: TestClient, user: User, ref: str) -> Any:
    return ok(client.get(f"/api/v1/incidents/{ref}/postmortem", headers=user.headers))


def section(document: dict[str, Any], key: str) -> str:
    return str(next(s["markdown"] for s in document["sections"] if s["key"] == key))


def publish(client: TestClient, user: User, ref: str) -> Any:
    base = f"/api/v1/incidents/{ref}/postmortem"
    ok(client.post(base + "/submit", headers=user.headers))
    return ok(client.post(base + "/publish", headers=user.headers))


def later(clock: Clock, **delta: float) -> None:
    clock.now += timedelta(**delta)
