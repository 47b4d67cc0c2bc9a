"""A week of incidents with known times, made through the API with the test clock, and the
numbers worked out by hand from them.

T0 = 2026-11-23 22:00 UTC (the test clock's start). The window is 23 to 30 November (UTC).

- A, SEV1 on orders: started T0, detected and declared +10 min, investigating +15 (acknowledged),
  identified +30, monitoring +60 (mitigated), resolved +90. Kai joins at +15, released at +45.
- B, SEV2 on orders and web-shop: started T0+1 d, detected and declared +20 min, investigating
  +60 (acknowledged: 40 min after detection), resolved +180 (mitigated then too).
- C, SEV4 on web-shop: started T0+2 d, detected and declared +5 min, still in triage.
- R, a restricted security incident (SEV2 on orders) reported by the responder: started T0+3 d,
  detected and declared +2 min, investigating +4, resolved +64.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User, make_user
from warroom.access.rules import Role
from warroom.db import transaction
from warroom.incidents.rules import parse_ref
from warroom.reviews.models import ActionItem

T0 = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)
WINDOW = "since=2026-11-23&until=2026-11-30"
SHORTFALL = "Service credit of 5% of the monthly fee per 0.1% below target, capped at 25%"
HOURS = "10% credit per hour of checkout outage beyond 2 hours"
# After the last incident: C is still running, but SEV4 costs no SLA budget.
REPORTED_AT = T0 + timedelta(days=5)


@dataclass
class Fixture:
    refs: dict[str, str]
    kai: User
    analyst: User


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _declare(client: TestClient, user: User, clock: Clock, start: datetime, detected: float,
             **fields: Any) -> str:  # fmt: skip
    clock.now = start + timedelta(minutes=detected)
    body = {"title": "Incident", "kind": "service", "started_at": start.isoformat(),
            "detected_at": clock.now.isoformat()} | fields  # fmt: skip
    return str(ok(client.post("/api/v1/incidents", json=body, headers=user.headers), 201)["ref"])


def _move(
    client: TestClient, user: User, clock: Clock, ref: str, at: datetime, status: str
) -> None:
    clock.now = at
    ok(client.patch(f"/api/v1/incidents/{ref}", json={"status": status}, headers=user.headers))


def _catalog(client: TestClient, admin: User) -> None:
    for name in ("orders", "web-shop"):
        ok(client.post("/api/v1/services", json={"name": name, "tier": 1},
                       headers=admin.headers), 201)  # fmt: skip
    customers = [
        {"name": "Acme", "tier": 1, "slas": [
            {"service": "orders", "availability_target": 99.9, "response_minutes": 30,
             "penalty_terms": SHORTFALL},
            {"service": "web-shop", "availability_target": 99.5, "response_minutes": 30,
             "penalty_terms": HOURS}]},
        {"name": "Birch", "tier": 2, "slas": [
            {"service": "orders", "availability_target": 99.0,
             "penalty_terms": "Renegotiated at the quarterly review"}]},
    ]  # fmt: skip
    for body in customers:
        ok(client.post("/api/v1/customers", json=body, headers=admin.headers), 201)


def _incident_a(client: TestClient, admin: User, clock: Clock, kai: User) -> str:
    ref = _declare(client, admin, clock, T0, 10, severity="SEV1", services=["orders"])
    at = T0 + timedelta(minutes=15)
    _move(client, admin, clock, ref, at, "investigating")
    body = {"person": kai.email, "reason": "knows the order database"}
    joined = ok(client.post(f"/api/v1/incidents/{ref}/participants", json=body,
                            headers=admin.headers), 201)  # fmt: skip
    for minutes, status in ((30, "identified"), (60, "monitoring")):
        _move(client, admin, clock, ref, T0 + timedelta(minutes=minutes), status)
        if minutes == 30:
            clock.now = T0 + timedelta(minutes=45)
            release = f"/api/v1/incidents/{ref}/participants/{joined['id']}/release"
            ok(client.post(release, json={}, headers=admin.headers))
    _move(client, admin, clock, ref, T0 + timedelta(minutes=90), "resolved")
    return ref


def seed(app: FastAPI, client: TestClient, admin: User, responder: User, clock: Clock) -> Fixture:
    _catalog(client, admin)
    kai = make_user(app, Role.responder, "Kai Lee")
    analyst = make_user(app, Role.viewer, "Sam Security")
    body = {"name": "Security", "members": [analyst.email], "sees_restricted": True}
    ok(client.post("/api/v1/teams", json=body, headers=admin.headers), 201)
    refs = {"A": _incident_a(client, admin, clock, kai)}
    day = timedelta(days=1)
    refs["B"] = _declare(client, admin, clock, T0 + day, 20, severity="SEV2",
                         services=["orders", "web-shop"])  # fmt: skip
    _move(client, admin, clock, refs["B"], T0 + day + timedelta(minutes=60), "investigating")
    _move(client, admin, clock, refs["B"], T0 + day + timedelta(minutes=180), "resolved")
    refs["C"] = _declare(client, admin, clock, T0 + 2 * day, 5, severity="SEV4",
                         services=["web-shop"])  # fmt: skip
    refs["R"] = _declare(client, responder, clock, T0 + 3 * day, 2, severity="SEV2",
                         kind="security", services=["orders"])  # fmt: skip
    _move(client, responder, clock, refs["R"], T0 + 3 * day + timedelta(minutes=4), "investigating")
    _move(client, responder, clock, refs["R"], T0 + 3 * day + timedelta(minutes=64), "resolved")
    clock.now = REPORTED_AT
    return Fixture(refs, kai, analyst)


def add_action_items(app: FastAPI, refs: dict[str, str]) -> None:
    """Straight into the table: on A a prevent item done in two days and a detect item open
    past its due date (27 November); on the restricted R a prevent item done in a day."""
    made = T0 + timedelta(days=1)
    rows = [
        ("A", "prevent", "done", None, made + timedelta(days=2)),
        ("A", "detect", "open", date(2026, 11, 27), None),
        ("R", "prevent", "done", None, made + timedelta(days=1)),
    ]
    with transaction(app.state.sessions) as session:
        for ref, kind, status, due, completed in rows:
            session.add(ActionItem(incident_id=parse_ref(refs[ref]), title=f"{kind} it", type=kind,
                                   status=status, due_on=due, created_at=made, updated_at=made,
                                   completed_at=completed))  # fmt: skip
