"""Helpers for the change tests: a small catalog, changes and windows made over the API, and
the notices written to the outbox."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import User
from warroom.db import transaction
from warroom.oncall.models import Delivery


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def seed_catalog(client: TestClient, admin: User) -> None:
    """checkout → orders → order-db; wiki alone. orders is tier 1 on ord-01 and ord-02;
    order-db runs on db-01; wiki on wiki-01."""
    for name, tier, needs in (
        ("order-db", 2, []),
        ("orders", 1, ["order-db"]),
        ("checkout", 1, ["orders"]),
        ("wiki", 3, []),
    ):
        body = {"name": name, "tier": tier, "depends_on": needs}
        ok(client.post("/api/v1/services", json=body, headers=admin.headers), 201)
    for host, service in (
        ("ord-01", "orders"),
        ("ord-02", "orders"),
        ("db-01", "order-db"),
        ("wiki-01", "wiki"),
    ):
        body = {"hostname": host, "services": [service]}
        ok(client.post("/api/v1/assets", json=body, headers=admin.headers), 201)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def change_body(now: datetime, **fields: Any) -> dict[str, Any]:
    """A normal change two to four hours from ``now`` on orders."""
    return {
        "title": "Patch orders servers",
        "type": "normal",
        "planned_start": iso(now + timedelta(hours=2)),
        "planned_end": iso(now + timedelta(hours=4)),
        "services": ["orders"],
        "assets": [],
    } | fields


def create_change(client: TestClient, user: User, now: datetime, **fields: Any) -> dict[str, Any]:
    response = client.post("/api/v1/changes", json=change_body(now, **fields), headers=user.headers)
    result: dict[str, Any] = ok(response, 201)
    return result


def patch(client: TestClient, user: User, ref: str, **fields: Any) -> Any:
    return client.patch(f"/api/v1/changes/{ref}", json=fields, headers=user.headers)


def show(client: TestClient, user: User, ref: str) -> dict[str, Any]:
    result: dict[str, Any] = ok(client.get(f"/api/v1/changes/{ref}", headers=user.headers))
    return result


def approved_change(
    client: TestClient, owner: User, approver: User, now: datetime, **fields: Any
) -> dict[str, Any]:
    """Created by ``owner``, submitted, and approved by ``approver`` (a manager)."""
    change = create_change(client, owner, now, submit=True, **fields)
    decided = client.post(
        f"/api/v1/changes/{change['ref']}/approvals",
        json={"decision": "approved", "comment": "looks fine"},
        headers=approver.headers,
    )
    result: dict[str, Any] = ok(decided)
    assert result["state"] == "approved"
    return result


def reasons(client: TestClient, user: User, ref: str) -> list[tuple[str, str]]:
    """The change's conflicts evaluated now: (reason, severity), worst first."""
    found = ok(client.get(f"/api/v1/changes/{ref}/conflicts", headers=user.headers))
    return [(c["reason"], c["severity"]) for c in found]


def notices(app: FastAPI, subject_part: str = "") -> list[Delivery]:
    """Notices in the outbox, oldest first, whose subject contains ``subject_part``."""
    with transaction(app.state.sessions) as session:
        query = select(Delivery).where(Delivery.purpose == "notice").order_by(Delivery.id)
        rows = [d for d in session.scalars(query) if subject_part in d.subject]
        session.expunge_all()
        return rows
