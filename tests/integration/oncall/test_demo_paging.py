"""The demo as a new user finds it: declaring a SEV1 on a demo service pages the person on
call for it, the incident-commander rotation and the service's owner, by email."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock
from warroom.access.models import Person
from warroom.access.service import do_create_token
from warroom.db import transaction
from warroom.demo.loader import load_demo
from warroom.oncall.models import Delivery, Page, Schedule
from warroom.oncall.oncall import on_call


def _on_call(app: FastAPI, schedule: str, clock: Clock) -> str:
    with transaction(app.state.sessions) as session:
        row = session.scalars(select(Schedule).where(Schedule.name == schedule)).one()
        person = on_call(session=session, schedule=row, at=clock())
        assert person is not None, f"nobody on call for {schedule}"
        return person.email


def test_a_sev1_on_a_demo_service_pages_on_call_commander_and_owner(
    app: FastAPI, client: TestClient, clock: Clock
) -> None:
    with transaction(app.state.sessions) as session:
        load_demo(session=session, now=clock())
    headers = _admin_headers(app, clock)
    body = {"title": "Web shop checkout failing", "severity": "SEV1", "services": ["web-shop"]}
    declared = client.post("/api/v1/incidents", json=body, headers=headers)
    assert declared.status_code == 201, declared.text
    expected = {
        _on_call(app, "sales-apps-primary", clock),
        _on_call(app, "incident-commanders", clock),
        "daniel.okafor@kestrel-supply.example",  # lead of the team that owns web-shop
    }
    with transaction(app.state.sessions) as session:
        paged = session.scalars(select(Person.email).join(Page, Page.person_id == Person.id))
        emails = session.scalars(select(Delivery.address).where(Delivery.channel == "email"))
        assert expected <= set(paged)
        assert expected <= set(emails)


def _admin_headers(app: FastAPI, clock: Clock) -> dict[str, str]:
    with transaction(app.state.sessions) as session:
        person = session.scalars(
            select(Person).where(Person.email == "olivia.grant@kestrel-supply.example")
        ).one()
        token, _ = do_create_token(session=session, person=person, now=clock())
    return {"Authorization": f"Bearer {token}"}
