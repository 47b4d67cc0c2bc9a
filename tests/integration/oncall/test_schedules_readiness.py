"""Who is on call for a service, and the readiness report's ``no_oncall`` finding, which
appears for a tier-1 service until its escalation policy reaches someone at every hour."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import User, make_user
from warroom.access.models import Person, Team
from warroom.access.rules import Role
from warroom.catalog.service import do_create_service
from warroom.db import transaction
from warroom.oncall.models import (
    EscalationPolicy,
    EscalationStep,
    EscalationTarget,
    ServicePolicy,
)


@pytest.fixture
def ann(app: FastAPI) -> User:
    return make_user(app, Role.responder, "Ann Archer")


@pytest.fixture
def bob(app: FastAPI) -> User:
    return make_user(app, Role.responder, "Bob Baker")


@pytest.fixture
def manager(app: FastAPI) -> User:
    return make_user(app, Role.manager, "Mia Manager")


def schedule(client: TestClient, manager: User, name: str, *people: User, **layer: Any) -> int:
    """A daily rotation from 09:00 UTC, or whatever ``layer`` says instead."""
    body = {"name": name, "layers": [{"rotation": "daily", "starts": "2026-11-01T09:00",
            "participants": [p.email for p in people]} | layer]}  # fmt: skip
    response = client.post("/api/v1/schedules", json=body, headers=manager.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def policy(app: FastAPI, service: str, *steps: list[dict[str, int]]) -> None:
    """An escalation policy for a new tier-1 ``service``; each step's targets name a
    ``person_id``, ``schedule_id`` or ``team_id``."""
    now = app.state.clock()
    with transaction(app.state.sessions) as session:
        made = do_create_service(session=session, name=service, tier=1)
        rows = [
            EscalationStep(position=i, targets=[EscalationTarget(**t) for t in targets])
            for i, targets in enumerate(steps)
        ]
        chosen = EscalationPolicy(name=f"{service} policy", steps=rows, created_at=now,
                                  updated_at=now)  # fmt: skip
        session.add(ServicePolicy(service=made, policy=chosen))


def team(app: FastAPI, name: str, lead: User, *members: User) -> int:
    with transaction(app.state.sessions) as session:
        people = [session.get(Person, u.person_id) for u in (lead, *members)]
        row = Team(name=name, lead=people[0], members=people)
        session.add(row)
        session.flush()
        return row.id


def no_oncall(client: TestClient, user: User) -> set[str]:
    report = client.get("/api/v1/readiness", headers=user.headers).json()
    return {f["subject"] for f in report["findings"] if f["check"] == "no_oncall"}


def test_who_is_on_call_for_a_service_follows_its_first_step(
    app: FastAPI, client: TestClient, manager: User, viewer: User, ann: User, bob: User
) -> None:
    sid = schedule(client, manager, "Checkout primary", ann, bob)
    ops = team(app, "Ops", bob, ann)
    policy(
        app, "checkout", [{"schedule_id": sid}, {"team_id": ops}], [{"person_id": viewer.person_id}]
    )
    policy(app, "search", [{"person_id": ann.person_id}])
    one = client.get("/api/v1/on-call", params={"service": "checkout"}, headers=viewer.headers)
    board = client.get("/api/v1/on-call", headers=viewer.headers).json()

    (checkout,) = one.json()["services"]
    # 23 Nov 22:00 UTC is in the shift that began at 09:00, the 23rd of Ann and Bob's turns
    # (Ann's); the team adds its lead Bob, and Ann only once.
    assert checkout["policy"] == "checkout policy"
    assert [(p["person"]["name"], p["via"]) for p in checkout["people"]] == [
        ("Ann Archer", "schedule Checkout primary"),
        ("Bob Baker", "team Ops"),
    ]
    assert [s["service"] for s in board["services"]] == ["checkout", "search"]
    assert board["services"][1]["people"][0]["via"] == "person"


def test_no_oncall_appears_for_uncovered_services_and_clears_once_covered(
    app: FastAPI, client: TestClient, manager: User, viewer: User, ann: User, bob: User
) -> None:
    weekdays = {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}
    evenings = {"days": list(range(7)), "start": "17:00", "end": "09:00"}
    weekends = {"days": [5, 6], "start": "09:00", "end": "17:00"}
    before = no_oncall(client, viewer)
    office = schedule(client, manager, "Office hours", ann, restrictions=[weekdays])
    nights = schedule(client, manager, "Nights", bob, restrictions=[evenings])
    policy(app, "checkout", [{"schedule_id": office}])  # nights and weekends are gaps
    policy(app, "search", [{"schedule_id": office}], [{"schedule_id": nights}])
    policy(app, "payments", [{"person_id": ann.person_id}])
    policy(app, "shipping", [{"team_id": team(app, "Ops", bob, ann)}])
    with transaction(app.state.sessions) as session:
        do_create_service(session=session, name="billing", tier=1)  # no policy at all
    found = no_oncall(client, viewer)
    # Weekend days are the one gap office hours and nights share; a second layer fills it.
    layers = [{"rotation": "daily", "starts": "2026-11-01T09:00", "participants": [bob.email],
               "restrictions": [r]} for r in (evenings, weekends)]  # fmt: skip
    patched = client.patch(
        f"/api/v1/schedules/{nights}", json={"layers": layers}, headers=manager.headers
    )
    after = no_oncall(client, viewer)

    assert before == set()  # no escalation policy yet: paging is not in use, nothing to say
    assert found == {"checkout", "search", "billing"}
    assert patched.status_code == 200, patched.text
    assert after == {"checkout", "billing"}
