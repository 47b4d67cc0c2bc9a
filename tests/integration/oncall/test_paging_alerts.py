"""An incident warroom opens itself from an alert storm pages like one declared by hand, in
the transaction that opens it."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock, User, make_user
from tests.integration.alerts.storm import Sent, incidents, seed_integration, seed_service, send
from tests.integration.oncall.paging_helpers import make_policy, make_schedule, ok, pages, texts
from warroom.access.rules import Role
from warroom.db import transaction
from warroom.oncall.models import Delivery

HOSTS = [f"pos{n:02d}" for n in range(40)]


def test_a_storm_that_opens_a_major_incident_pages_the_service_on_call(
    client: TestClient, app: FastAPI, clock: Clock, admin: User
) -> None:
    ann = make_user(app, Role.responder, "Ann")
    make_schedule(app, "Store primary", ann.person_id)
    with transaction(app.state.sessions) as session:
        seed_service(session, "point-of-sale", 1, HOSTS)
        integration = seed_integration(session).id
    make_policy(client, admin, "Store", [({"schedule": "Store primary"}, 5)])
    body = {"policy": "Store"}
    path = "/api/v1/services/point-of-sale/escalation-policy"
    ok(client.put(path, json=body, headers=admin.headers))
    for host in HOSTS[:5]:
        send(app.state.sessions, integration, [Sent(host, dedup=host)], clock.advance(seconds=5))
    (incident,) = incidents(app.state.sessions)
    assert incident.severity in ("SEV1", "SEV2")
    ref = f"INC-{incident.id}"
    assert set(pages(client, admin, ref)) == {"Ann"}
    assert any(
        t.startswith("Paged Ann (on call for Store primary)") for t in texts(client, admin, ref)
    )
    with transaction(app.state.sessions) as session:
        [address] = session.scalars(select(Delivery.address)).all()
    assert address == ann.email
