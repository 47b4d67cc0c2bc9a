"""Small helpers for the incident API tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import User


def seed_catalog(client: TestClient, admin: User, owner: User | None = None) -> None:
    """Two services; ``orders`` is owned by a team led by ``owner`` when given."""
    team = None
    if owner is not None:
        team = "Sales Apps"
        made = client.post(
            "/api/v1/teams", json={"name": team, "lead": owner.email}, headers=admin.headers
        )
        assert made.status_code == 201, made.text
    for name, tier in (("orders", 1), ("wiki", 3)):
        body = {"name": name, "tier": tier, "owner_team": team if name == "orders" else None}
        assert client.post("/api/v1/services", json=body, headers=admin.headers).status_code == 201


def declare(client: TestClient, user: User, **fields: Any) -> dict[str, Any]:
    body = {"title": "Orders failing", "severity": "SEV2", "kind": "service"} | fields
    response = client.post("/api/v1/incidents", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def timeline(client: TestClient, user: User, ref: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/incidents/{ref}/timeline", headers=user.headers)
    assert response.status_code == 200
    result: list[dict[str, Any]] = response.json()
    return result


def count_incidents(client: TestClient, user: User) -> int:
    return len(client.get("/api/v1/incidents?limit=200", headers=user.headers).json()["items"])
