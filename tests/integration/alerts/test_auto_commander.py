"""A major incident warroom declares itself still gets an incident commander: the lead of the
team that owns the impacted service, or, failing one, a timeline entry asking for one."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import select

from tests.conftest import Clock
from tests.integration.alerts.storm import Sent, incidents, seed_integration, seed_service, send
from warroom.access.models import Person, Team
from warroom.db import transaction
from warroom.incidents.models import RoleAssignment, TimelineEvent

HOSTS = [f"pos{n:02d}" for n in range(40)]


def _storm(app: FastAPI, clock: Clock) -> None:
    sessions = app.state.sessions
    with transaction(sessions) as session:
        integration = seed_integration(session).id
    for host in HOSTS[:5]:
        send(sessions, integration, [Sent(host, dedup=host)], clock.advance(seconds=5))


def test_the_owning_team_lead_commands(app: FastAPI, clock: Clock) -> None:
    with transaction(app.state.sessions) as session:
        lead = Person(name="Lena Lead", email="lena@example.com", created_at=clock.now)
        team = Team(name="Store Systems", lead=lead, members=[lead])
        service = seed_service(session, "point-of-sale", 1, HOSTS)
        service.owner_team = team
    _storm(app, clock)
    (incident,) = incidents(app.state.sessions)
    assert incident.severity in ("SEV1", "SEV2")
    with transaction(app.state.sessions) as session:
        roles = session.scalars(
            select(RoleAssignment).where(RoleAssignment.incident_id == incident.id)
        ).all()
        assert [(r.role, r.person.name) for r in roles] == [("commander", "Lena Lead")]
        texts = session.scalars(
            select(TimelineEvent.text).where(TimelineEvent.incident_id == incident.id)
        ).all()
        assert any("lead of Store Systems" in t for t in texts)


def test_without_an_owner_the_timeline_asks_for_a_commander(app: FastAPI, clock: Clock) -> None:
    with transaction(app.state.sessions) as session:
        seed_service(session, "point-of-sale", 1, HOSTS)
    _storm(app, clock)
    (incident,) = incidents(app.state.sessions)
    with transaction(app.state.sessions) as session:
        texts = session.scalars(
            select(TimelineEvent.text).where(TimelineEvent.incident_id == incident.id)
        ).all()
        assert any(t.startswith("No commander yet") for t in texts)
