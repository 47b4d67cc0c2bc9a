"""A small history for the knowledge base tests: past incidents with their fixes, made over
the API, and the index brought up to date as the worker would."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import User
from tests.integration.incidents.helpers import declare
from warroom.db import transaction
from warroom.knowledge import indexer

GATEWAY_FIX = "Renewed the payment gateway's TLS certificate and restarted the payment proxy."


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def resolve(client: TestClient, user: User, ref: str, message: str) -> None:
    body = {"status": "resolved", "message": message}
    ok(client.patch(f"/api/v1/incidents/{ref}", json=body, headers=user.headers))


def history(client: TestClient, admin: User) -> dict[str, str]:
    """Three resolved incidents: the gateway one, a disk one on the same service, and one on
    the wiki; their refs by name."""
    for name, tier in (("orders", 1), ("wiki", 3)):
        ok(client.post("/api/v1/services", json={"name": name, "tier": tier},
                       headers=admin.headers), 201)  # fmt: skip
    made = {
        "gateway": declare(client, admin, title="Checkout times out at the payment step",
                           description="Card payments hang; the payment gateway handshake "
                           "fails with certificate expired.", services=["orders"]),
        "disk": declare(client, admin, title="Orders database disk full",
                        description="Writes to the order database fail: no space left.",
                        services=["orders"]),
        "wiki": declare(client, admin, title="Wiki search returns stale pages",
                        description="The search index stopped refreshing.", services=["wiki"]),
    }  # fmt: skip
    refs = {name: found["ref"] for name, found in made.items()}
    resolve(client, admin, refs["gateway"], GATEWAY_FIX)
    resolve(client, admin, refs["disk"], "Purged old WAL archives and grew the volume.")
    resolve(client, admin, refs["wiki"], "Restarted the indexer.")
    return refs


def catch_up(app: FastAPI) -> int:
    with transaction(app.state.sessions) as session:
        return indexer.sync(session, app.state.clock())
