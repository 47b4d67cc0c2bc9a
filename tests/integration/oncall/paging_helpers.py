"""An organisation to page in: people, teams, services, rotations and policies, and helpers to
drive escalations with the test clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock, User, make_user
from warroom.access.rules import Role
from warroom.db import transaction
from warroom.oncall.delivery import begin_writing
from warroom.oncall.models import Delivery, Escalation, LayerMember, Schedule, ScheduleLayer
from warroom.oncall.paging import do_run_due_escalations


@dataclass
class Org:
    admin: User
    ann: User  # on call for "Payments primary"
    bob: User  # step 2 of the Payments policy
    olga: User  # lead of the Payments team, which owns the payments service
    ivan: User  # on call for "IC rotation"
    sam: User  # on call for "Security primary"


def make_schedule(app: FastAPI, name: str, person_id: int) -> None:
    """A daily rotation of one person: always on call."""
    now = app.state.clock()
    with transaction(app.state.sessions) as session:
        schedule = Schedule(name=name, timezone="UTC", created_at=now)
        layer = ScheduleLayer(
            position=0,
            name="main",
            rotation="daily",
            shift_seconds=86400,
            starts_local=datetime(2026, 1, 1, 9, 0),
            timezone="UTC",
            restrictions=[],
        )
        layer.members = [LayerMember(position=0, person_id=person_id)]
        schedule.layers = [layer]
        session.add(schedule)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def make_org(client: TestClient, app: FastAPI, admin: User) -> Org:
    people = {n: make_user(app, Role.responder, n) for n in ("Ann", "Bob", "Olga", "Ivan", "Sam")}
    org = Org(admin, *(people[n] for n in ("Ann", "Bob", "Olga", "Ivan", "Sam")))
    h = admin.headers
    ok(
        client.post("/api/v1/teams", json={"name": "Payments", "lead": org.olga.email}, headers=h),
        201,
    )
    for name in ("payments", "wiki"):
        body = {"name": name, "tier": 1, "owner_team": "Payments" if name == "payments" else None}
        ok(client.post("/api/v1/services", json=body, headers=h), 201)
    make_schedule(app, "Payments primary", org.ann.person_id)
    make_schedule(app, "IC rotation", org.ivan.person_id)
    make_schedule(app, "Security primary", org.sam.person_id)
    make_policy(
        client,
        admin,
        "Payments",
        [({"schedule": "Payments primary"}, 5), ({"person": org.bob.email}, 10)],
    )
    ok(
        client.put(
            "/api/v1/services/payments/escalation-policy", json={"policy": "Payments"}, headers=h
        )
    )
    make_policy(client, admin, "Security", [({"schedule": "Security primary"}, 5)])
    routes = {"security": "Security", "commander": "IC rotation"}
    ok(client.put("/api/v1/paging-routes", json=routes, headers=h))
    return org


def make_policy(
    client: TestClient,
    admin: User,
    name: str,
    steps: list[tuple[dict[str, str], int]],
    repeat: int = 0,
) -> dict[str, Any]:
    body = {
        "name": name,
        "repeat": repeat,
        "steps": [{"delay_minutes": d, "targets": [t]} for t, d in steps],
    }
    result: dict[str, Any] = ok(
        client.post("/api/v1/escalation-policies", json=body, headers=admin.headers), 201
    )
    return result


def declare(client: TestClient, user: User, **fields: Any) -> str:
    body = {"title": "Card payments failing", "severity": "SEV2", "services": ["payments"]} | fields
    ref: str = ok(client.post("/api/v1/incidents", json=body, headers=user.headers), 201)["ref"]
    return ref


def run_due(app: FastAPI, clock: Clock, **advance: float) -> int:
    """Move the clock on, then advance the due escalations as the worker would."""
    if advance:
        clock.advance(**advance)
    with transaction(app.state.sessions) as session:
        begin_writing(session)  # as the worker does
        return do_run_due_escalations(
            session=session,
            now=clock.now,
            secret=app.state.secret_key,
            base_url=app.state.settings.base_url,
        )


def pages(client: TestClient, user: User, ref: str) -> dict[str, dict[str, Any]]:
    """Pages of the incident by the paged person's name."""
    rows = ok(client.get(f"/api/v1/pages?all=true&incident={ref}", headers=user.headers))
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        assert row["person"]["name"] not in found or row["status"] != "open"
        found.setdefault(row["person"]["name"], row)
    return found


def deliveries(client: TestClient, user: User, ref: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = ok(
        client.get(f"/api/v1/incidents/{ref}/deliveries", headers=user.headers)
    )
    return result


def texts(client: TestClient, user: User, ref: str) -> list[str]:
    rows = ok(client.get(f"/api/v1/incidents/{ref}/timeline", headers=user.headers))
    return [row["text"] for row in rows]


def escalation_states(app: FastAPI) -> list[tuple[str, int, int]]:
    with transaction(app.state.sessions) as session:
        rows = session.scalars(select(Escalation).order_by(Escalation.id))
        return [(r.status, r.step, r.round) for r in rows]


def mark_sent(app: FastAPI, at: datetime) -> None:
    """What the worker does once it has sent every pending delivery."""
    with transaction(app.state.sessions) as session:
        for row in session.scalars(select(Delivery).where(Delivery.status == "pending")):
            row.status, row.sent_at, row.attempts = "sent", at, 1
