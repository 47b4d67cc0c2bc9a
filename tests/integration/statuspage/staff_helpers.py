"""Helpers for the staff side of the status page: a catalog with components, an incident with
a commander and a communications lead, and reading the status page's rows back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import User, make_user
from tests.integration.incidents.helpers import declare
from warroom.access.rules import Role
from warroom.db import Base, transaction
from warroom.statuspage.models import ComponentStatusChange, StatusComponent

PROBLEM = "application/problem+json"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def problem(response: Any, status: int) -> dict[str, Any]:
    """The problem document of a refusal, checked to be one."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    return body


def fields(body: dict[str, Any]) -> list[str]:
    return [e["field"] for e in body.get("errors", [])]


def seed_components(client: TestClient, admin: User) -> None:
    """Services orders and wiki; on the page, the group Shop holds Checkout (orders) and
    Search; Docs (wiki) stands alone."""
    for name, tier in (("orders", 1), ("wiki", 3)):
        ok(
            client.post(
                "/api/v1/services", json={"name": name, "tier": tier}, headers=admin.headers
            ),
            201,
        )
    for body in (
        {"name": "Shop", "is_group": True, "position": 1},
        {"name": "Checkout", "group": "Shop", "service": "orders", "position": 2},
        {"name": "Search", "group": "Shop", "position": 3},
        {"name": "Docs", "service": "wiki", "position": 4},
    ):
        ok(client.post("/api/v1/status-components", json=body, headers=admin.headers), 201)


@dataclass
class War:
    """A SEV2 on orders with its commander and communications lead named."""

    ref: str
    commander: User
    comms: User


def war(app: FastAPI, client: TestClient, admin: User) -> War:
    commander = make_user(app, Role.responder, "Ida Commander")
    comms = make_user(app, Role.responder, "Cora Comms")
    ref = declare(
        client, admin, title="Checkout failing", services=["orders"], commander=commander.email
    )["ref"]
    body = {"role": "comms_lead", "person": comms.email}
    ok(client.post(f"/api/v1/incidents/{ref}/roles", json=body, headers=admin.headers), 201)
    return War(ref, commander, comms)


def component(client: TestClient, user: User, name: str) -> dict[str, Any]:
    found: dict[str, Any] = ok(
        client.get(f"/api/v1/status-components/{name}", headers=user.headers)
    )
    return found


def history(app: FastAPI, name: str) -> list[str]:
    """The statuses a component took, oldest first."""
    with transaction(app.state.sessions) as session:
        query = (
            select(ComponentStatusChange.status)
            .join(StatusComponent, StatusComponent.id == ComponentStatusChange.component_id)
            .where(StatusComponent.name == name)
            .order_by(ComponentStatusChange.id)
        )
        return list(session.scalars(query))


def count(app: FastAPI, model: type[Base]) -> int:
    with transaction(app.state.sessions) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0
