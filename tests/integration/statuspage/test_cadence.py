"""Update cadence on SQLite and PostgreSQL: a SEV1 owes an update every 30 minutes; the worker,
with the clock moved by hand, tells the communications lead once when one is overdue, notes it
on the timeline, and a published update restarts the clock."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock, User, make_user
from tests.integration.incidents.helpers import declare, timeline
from warroom.access.models import Person
from warroom.access.rules import Role
from warroom.access.service import actor_for
from warroom.db import transaction
from warroom.jobs import worker_jobs
from warroom.oncall.models import Delivery
from warroom.oncall.worker import Worker
from warroom.statuspage.publishing import do_approve, do_open
from warroom.statuspage.schemas import PublicIncidentIn


def worker(app: FastAPI, clock: Clock) -> Worker:
    settings = app.state.settings.model_copy(update={"worker_interval_seconds": 1e-6})
    return Worker.build(
        app.state.sessions, clock, settings, app.state.secret_key, worker_jobs(settings)
    )


def reminders(app: FastAPI) -> list[tuple[str, str]]:
    with transaction(app.state.sessions) as session:
        query = select(Delivery).where(Delivery.subject.startswith("Update overdue"))
        return [(d.address, d.subject) for d in session.scalars(query.order_by(Delivery.id))]


def publish(app: FastAPI, clock: Clock, ref: str, email: str) -> None:
    """A status page update written and approved by the commander."""
    with transaction(app.state.sessions) as session:
        person = session.scalars(select(Person).where(Person.email == email)).one()
        actor = actor_for(person)
        data = PublicIncidentIn(name="Orders are failing", body="We are on it.", incident=ref)
        public = do_open(session=session, actor=actor, data=data, now=clock.now)
        do_approve(session=session, actor=actor, update=public.updates[0], now=clock.now)


def test_an_overdue_update_reminds_the_communications_lead_once_and_an_update_resets_it(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    comms = make_user(app, Role.responder, "Cora Comms")
    incident = declare(client, admin, severity="SEV1")
    ref = incident["ref"]
    body = {"role": "comms_lead", "person": comms.email}
    assert client.post(f"/api/v1/incidents/{ref}/roles", json=body, headers=admin.headers)
    loop = worker(app, clock)
    clock.advance(minutes=29)
    loop.tick()
    assert reminders(app) == []
    clock.advance(minutes=2)
    loop.tick()
    subject = f"Update overdue: {ref} Orders failing"
    assert reminders(app) == [(comms.email, subject)]
    clock.advance(minutes=5)
    loop.tick()
    assert len(reminders(app)) == 1  # once per due time
    overdue = [e for e in timeline(client, admin, ref) if e["kind"] == "update_overdue"]
    assert [e["text"].split(" (")[0] for e in overdue] == ["Update overdue by 1 min"]

    publish(app, clock, ref, admin.email)  # 36 minutes in: next due at 66
    clock.advance(minutes=29)
    loop.tick()
    assert len(reminders(app)) == 1
    clock.advance(minutes=2)
    loop.tick()
    assert len(reminders(app)) == 2


def test_without_a_communications_lead_the_commander_hears_and_a_sev3_owes_nothing(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    commander = make_user(app, Role.responder, "Cid Commander")
    sev2 = declare(client, admin, severity="SEV2", commander=commander.email)
    declare(client, admin, severity="SEV3", title="Reports are slow")
    loop = worker(app, clock)
    clock.advance(minutes=61)
    loop.tick()
    assert reminders(app) == [(commander.email, f"Update overdue: {sev2['ref']} Orders failing")]
