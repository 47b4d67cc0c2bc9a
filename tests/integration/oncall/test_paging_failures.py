"""Paging is all or nothing, and never blocks the change that triggered it."""

from __future__ import annotations

from datetime import datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import User
from tests.integration.oncall.paging_helpers import (
    declare,
    deliveries,
    escalation_states,
    make_org,
    make_policy,
    ok,
    pages,
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
