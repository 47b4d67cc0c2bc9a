"""Write an update once, send it to the audiences chosen (SQLite and PostgreSQL): stakeholders
and affected customers from the catalog get it by real email through the worker; the status
page gets a draft that waits for approval; the promised time of the next update drives the
cadence; bad input names the field and sends nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import Clock, User
from tests.integration.incidents.helpers import declare, timeline
from tests.integration.oncall.outbox_helpers import smtp_server
from warroom.db import transaction
from warroom.jobs import worker_jobs
from warroom.oncall.models import Delivery
from warroom.oncall.worker import Worker
from warroom.statuspage.components import do_create_component
from warroom.statuspage.models import PublicIncident
from warroom.statuspage.schemas import ComponentIn


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def seed(app: FastAPI, client: TestClient, admin: User) -> None:
    """orders (tier 1, owned by a team Ada leads), an executive, a customer with an SLA on
    orders and one on wiki, and a status page component showing orders."""
    ok(client.post("/api/v1/teams", json={"name": "Orders team", "lead": admin.email},
                   headers=admin.headers), 201)  # fmt: skip
    for name, team in (("orders", "Orders team"), ("wiki", None)):
        body = {"name": name, "tier": 1, "owner_team": team}
        ok(client.post("/api/v1/services", json=body, headers=admin.headers), 201)
    for name, slas in (("Acme Tools", ["orders"]), ("Wiki Readers", ["wiki"])):
        body = {"name": name, "tier": 1, "slas": [{"service": s} for s in slas]}
        ok(client.post("/api/v1/customers", json=body, headers=admin.headers), 201)
    contacts = (
        ("Erin Exec", "executive", "erin@example.com", None),
        ("Carl Buyer", "customer_contact", "carl@acme.example", "Acme Tools"),
        ("Wendy Reader", "customer_contact", "wendy@wiki.example", "Wiki Readers"),
    )
    for name, role, email, customer in contacts:
        body = {"name": name, "plan_role": role, "email": email, "customer": customer}
        ok(client.post("/api/v1/contacts", json=body, headers=admin.headers), 201)
    with transaction(app.state.sessions) as session:
        data = ComponentIn(name="Ordering", service="orders")
        do_create_component(session=session, data=data, now=app.state.clock())


def updates_written(app: FastAPI) -> int:
    """Update emails in the outbox (a SEV1's pages are there too)."""
    with transaction(app.state.sessions) as session:
        query = select(func.count()).select_from(Delivery).where(Delivery.purpose == "update")
        return int(session.scalar(query) or 0)


def body(clock: Clock, **fields: Any) -> dict[str, Any]:
    return {
        "audiences": ["public", "stakeholders", "customers"],
        "what_happened": "Orders fail for about half of our customers since 21:40.",
        "doing": "We are failing over the order database.",
        "next_update_at": (clock.now + timedelta(minutes=20)).isoformat(),
    } | fields


def test_one_update_reaches_stakeholders_customers_and_the_status_page_draft(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    seed(app, client, admin)
    ref = declare(client, admin, severity="SEV1", services=["orders"])["ref"]
    url = f"/api/v1/incidents/{ref}/comms-updates"
    preview = ok(client.post(f"{url}/preview", json=body(clock), headers=admin.headers))
    assert [r["email"] for r in preview["recipients"]["customers"]] == ["carl@acme.example"]
    assert {r["email"] for r in preview["recipients"]["stakeholders"]} == {
        "erin@example.com",
        admin.email,
    }
    assert "Hello Carl Buyer" not in preview["texts"]["customers"]  # named per recipient
    assert "We will post the next update by 2026-11-23 22:20 UTC" in preview["texts"]["public"]
    assert updates_written(app) == 0

    sent = ok(client.post(url, json=body(clock), headers=admin.headers), 201)
    assert sent["sent"] == {"stakeholders": 2, "customers": 1}
    assert sent["public_state"] == "draft"
    with transaction(app.state.sessions) as session:
        public = session.scalars(select(PublicIncident)).one()
        assert public.published_at is None  # nothing public before approval
        assert [c.name for c in public.components] == ["Ordering"]
    kinds = [e["kind"] for e in timeline(client, admin, ref)]
    assert "comms_update" in kinds

    settings = app.state.settings.model_copy(update={"smtp_host": "127.0.0.1"})
    with smtp_server() as (inbox, port):
        settings = settings.model_copy(update={"smtp_port": port, "smtp_from": "ops@w.test"})
        Worker.build(app.state.sessions, clock, settings, app.state.secret_key, []).tick()
        mails = {m["To"]: m for m in inbox.snapshot() if "update" in m["Subject"]}
    assert set(mails) == {"erin@example.com", admin.email, "carl@acme.example"}
    assert mails["carl@acme.example"]["Subject"] == "Service update: orders"
    text = mails["carl@acme.example"].get_content()
    assert "Hello Carl Buyer" in text
    assert "to you at Acme Tools about a problem affecting orders" in text
    assert "failing over the order database" in text
    assert mails["erin@example.com"]["Subject"] == f"[SEV1] {ref} update: Orders failing"


def test_the_promised_time_drives_the_cadence_and_is_reminded_when_missed(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    seed(app, client, admin)
    ref = declare(client, admin, severity="SEV1", services=["orders"])["ref"]
    clock.advance(minutes=10)
    promise = body(clock, audiences=["stakeholders"])  # next update in 20 minutes
    ok(client.post(f"/api/v1/incidents/{ref}/comms-updates", json=promise, headers=admin.headers),
       201)  # fmt: skip
    due = ok(client.get(f"/api/v1/incidents/{ref}/cadence", headers=admin.headers))
    assert due["due_at"].startswith("2026-11-23T22:30")
    assert due["overdue"] is False
    assert due["minutes_left"] == 20
    settings = app.state.settings.model_copy(update={"worker_interval_seconds": 1e-6})
    worker = Worker.build(
        app.state.sessions, clock, settings, app.state.secret_key, worker_jobs(settings)
    )
    clock.advance(minutes=21)
    worker.tick()
    with transaction(app.state.sessions) as session:
        query = select(Delivery.subject).where(Delivery.subject.startswith("Update overdue"))
        assert list(session.scalars(query)) == [f"Update overdue: {ref} Orders failing"]


def test_bad_input_names_the_field_and_sends_nothing(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    seed(app, client, admin)
    ref = declare(client, admin, severity="SEV2", services=["orders"])["ref"]
    url = f"/api/v1/incidents/{ref}/comms-updates"
    cases = (
        (body(clock, audiences=[]), "audiences"),
        (body(clock, next_update_at=(clock.now - timedelta(minutes=1)).isoformat()),
         "next_update_at"),
        (body(clock, components=[{"component": "nope", "status": "major_outage"}]), "components"),
        (body(clock, status="on fire"), "status"),
    )  # fmt: skip
    for sent, field in cases:
        response = client.post(url, json=sent, headers=admin.headers)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in response.text
    assert updates_written(app) == 0
    with transaction(app.state.sessions) as session:
        assert session.scalar(select(func.count()).select_from(PublicIncident)) == 0
