"""Paging is all or nothing, and never blocks the change that triggered it."""

from __future__ import annotations

from datetime import datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.oncall.paging_helpers import (
    declare,
    deliveries,
    escalation_states,
    make_org,
    make_policy,
    ok,
    pages,
    run_due,
    texts,
)
from warroom.db import transaction
from warroom.oncall.models import LayerMember, Schedule, ScheduleLayer


def _broken_schedule(app: FastAPI, person_id: int) -> None:
    """A rotation whose stored time zone no longer exists (written around the API)."""
    with transaction(app.state.sessions) as session:
        layer = ScheduleLayer(
            rotation="daily", shift_seconds=86400, starts_local=datetime(2026, 1, 1, 9, 0),
            timezone="Mars/Olympus_Mons", restrictions=[],
        )  # fmt: skip
        layer.members = [LayerMember(position=0, person_id=person_id)]
        schedule = Schedule(name="Broken", timezone="UTC", created_at=app.state.clock())
        schedule.layers = [layer]
        session.add(schedule)


def test_a_failure_in_paging_rolls_paging_back_and_the_incident_is_still_declared(
    client: TestClient, app: FastAPI, admin: User
) -> None:
    org = make_org(client, app, admin)
    _broken_schedule(app, org.bob.person_id)
    make_policy(client, admin, "Wiki", [({"schedule": "Broken"}, 5)])
    body = {"policy": "Wiki"}
    ok(client.put("/api/v1/services/wiki/escalation-policy", json=body, headers=admin.headers))
    # payments' policy pages Ann first; wiki's then fails: Ann's page must not survive alone.
    ref = declare(client, admin, services=["payments", "wiki"])
    assert pages(client, admin, ref) == {}
    assert deliveries(client, admin, ref) == []
    assert escalation_states(app) == []
    timeline = texts(client, admin, ref)
    assert any(t.startswith("Paging failed") for t in timeline)
    assert not any(t.startswith("Paged ") for t in timeline)
    # Paging by hand still works, and the incident itself was declared whole.
    ok(
        client.post(
            f"/api/v1/incidents/{ref}/page", json={"person": org.ann.email}, headers=admin.headers
        )
    )
    assert set(pages(client, admin, ref)) == {"Ann"}


def test_a_gap_in_a_rotation_is_noted_and_the_next_step_still_runs(
    client: TestClient, app: FastAPI, clock: Clock, admin: User
) -> None:
    org = make_org(client, app, admin)
    weekdays = {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}
    with transaction(app.state.sessions) as session:
        layer = ScheduleLayer(
            rotation="daily", shift_seconds=86400, starts_local=datetime(2026, 1, 1, 9, 0),
            timezone="UTC", restrictions=[weekdays],
        )  # fmt: skip
        layer.members = [LayerMember(position=0, person_id=org.ann.person_id)]
        session.add(
            Schedule(name="Office hours", timezone="UTC", created_at=clock.now, layers=[layer])
        )
    steps = [({"schedule": "Office hours"}, 5), ({"person": org.bob.email}, 5)]
    make_policy(client, admin, "Daytime", steps)
    body = {"policy": "Daytime"}
    ok(client.put("/api/v1/services/wiki/escalation-policy", json=body, headers=admin.headers))
    ref = declare(client, admin, services=["wiki"])  # at 22:00 on a Monday: nobody on call
    assert pages(client, admin, ref) == {}
    assert any(
        t.startswith("Nobody to page at Daytime, step 1 of 2") for t in texts(client, admin, ref)
    )
    assert run_due(app, clock, minutes=5) == 1
    assert set(pages(client, admin, ref)) == {"Bob"}


def test_a_failing_step_stops_its_escalation_and_not_the_others(
    client: TestClient, app: FastAPI, clock: Clock, admin: User
) -> None:
    org = make_org(client, app, admin)
    _broken_schedule(app, org.bob.person_id)
    make_policy(
        client, admin, "Wiki", [({"person": org.sam.email}, 5), ({"schedule": "Broken"}, 5)]
    )
    body = {"policy": "Wiki"}
    ok(client.put("/api/v1/services/wiki/escalation-policy", json=body, headers=admin.headers))
    ref = declare(client, admin, services=["payments", "wiki"])
    assert set(pages(client, admin, ref)) == {"Ann", "Sam"}
    assert run_due(app, clock, minutes=5) == 2  # Payments pages Bob; Wiki's step 2 fails
    assert escalation_states(app) == [("active", 2, 0), ("failed", 1, 0)]
    assert set(pages(client, admin, ref)) == {"Ann", "Bob", "Sam"}
    assert any("Escalation 'Wiki' failed" in t for t in texts(client, admin, ref))
    assert run_due(app, clock, minutes=10) == 1  # only Payments is left, and it is over
