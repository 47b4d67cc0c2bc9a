"""Status page subscribers on SQLite and PostgreSQL: double opt-in through the public pages, a
published update emailed (through a real SMTP server) only to confirmed subscribers of the
components it names, a webhook in Statuspage's shape to a real HTTP receiver, and leaving by
the link in every message."""

from __future__ import annotations

import json
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock, User
from tests.integration.oncall.outbox_helpers import http_receiver, smtp_server
from warroom.access.models import Person
from warroom.access.service import actor_for
from warroom.db import transaction
from warroom.oncall.models import Delivery
from warroom.oncall.worker import Worker
from warroom.statuspage.components import do_create_component
from warroom.statuspage.models import Subscriber
from warroom.statuspage.publishing import do_approve, do_open
from warroom.statuspage.schemas import AffectedIn, ComponentIn, PublicIncidentIn

LINK = re.compile(r"(/status/subscriptions/[^/\s]+/(?:confirm|unsubscribe))")


def components(app: FastAPI) -> dict[str, str]:
    with transaction(app.state.sessions) as session:
        made = [
            do_create_component(session=session, data=ComponentIn(name=name), now=app.state.clock())
            for name in ("Web shop", "API")
        ]
        return {c.name: c.code for c in made}


def publish(app: FastAPI, admin: User, component: str) -> None:
    with transaction(app.state.sessions) as session:
        person = session.get(Person, admin.person_id)
        assert person is not None
        data = PublicIncidentIn(
            name="Checkout errors",
            body="Some orders fail at checkout.",
            components=[AffectedIn(component=component, status="partial_outage")],
        )
        public = do_open(session=session, actor=actor_for(person), data=data, now=app.state.clock())
        do_approve(session=session, actor=actor_for(person), update=public.updates[0],
                   now=app.state.clock())  # fmt: skip


def outbox(app: FastAPI, purpose: str) -> list[Delivery]:
    with transaction(app.state.sessions) as session:
        rows = list(session.scalars(select(Delivery).where(Delivery.purpose == purpose)))
        session.expunge_all()
        return rows


def subscribe(client: TestClient, email: str, *codes: str) -> None:
    """Subscribe through the public form, as a visitor would."""
    answer = client.post("/status/subscribe", data={"email": email, "components": list(codes)})
    assert answer.status_code == 200, answer.text
    assert "we sent a link to confirm" in answer.text
    assert "set-cookie" not in answer.headers


def link_in(body: str, action: str) -> str:
    found: list[str] = [m for m in LINK.findall(body) if m.endswith(action)]
    assert found, body
    return found[0]


def test_double_opt_in_then_only_the_right_subscribers_hear_by_real_email(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    codes = components(app)
    subscribe(client, "shopper@example.com", codes["Web shop"])
    subscribe(client, "api-user@example.com", codes["API"])
    subscribe(client, "never-confirms@example.com")
    confirmations = {d.address: d for d in outbox(app, "subscription")}
    assert set(confirmations) == {
        "shopper@example.com", "api-user@example.com", "never-confirms@example.com"
    }  # fmt: skip
    for address in ("shopper@example.com", "api-user@example.com"):
        path = link_in(confirmations[address].body, "confirm")
        assert "Confirm the subscription" in client.get(path).text  # a button, not the link
        done = client.post(path)
        assert "will hear from us" in done.text

    publish(app, admin, "Web shop")
    sent = outbox(app, "subscriber")
    assert [d.address for d in sent] == ["shopper@example.com"]
    settings = app.state.settings
    with smtp_server() as (inbox, port):
        settings = settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_from": "status@w.test"}
        )
        Worker.build(app.state.sessions, clock, settings, app.state.secret_key, []).tick()
        mails = [m for m in inbox.snapshot() if m["To"] == "shopper@example.com"]
    subjects = [m["Subject"] for m in mails]
    assert "[Status] Checkout errors: investigating" in subjects
    text = next(m for m in mails if "Checkout" in m["Subject"]).get_content()
    assert "Some orders fail at checkout." in text

    leave = link_in(text, "unsubscribe")
    assert "Unsubscribed" in client.post(leave).text
    with transaction(app.state.sessions) as session:
        left = session.scalars(select(Subscriber.address).order_by(Subscriber.address)).all()
    assert left == ["api-user@example.com", "never-confirms@example.com"]
    assert client.post(leave).status_code == 404  # used up: the subscriber is gone


def test_a_webhook_subscriber_receives_statuspages_incident_document(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    components(app)
    with http_receiver(200) as receiver:
        body = {"kind": "webhook", "address": f"{receiver.url}/hook", "components": ["API"]}
        made = client.post("/api/v1/subscribers", json=body, headers=admin.headers)
        assert made.status_code == 201, made.text
        assert made.json()["confirmed"] is True
        publish(app, admin, "API")
        Worker.build(app.state.sessions, clock, app.state.settings, app.state.secret_key,
                     []).tick()  # fmt: skip
        (got,) = [r for r in receiver.requests if r.path == "/hook"]
    document = json.loads(got.body)
    assert document["incident"]["name"] == "Checkout errors"
    assert document["incident"]["status"] == "investigating"
    update = document["incident"]["incident_updates"][0]
    assert update["body"] == "Some orders fail at checkout."
    assert "/status/subscriptions/" in document["meta"]["unsubscribe"]
    assert "x-warroom-signature" in got.headers


def test_bad_addresses_and_links_are_refused_and_nothing_is_written(
    app: FastAPI, client: TestClient, admin: User
) -> None:
    answer = client.post("/status/subscribe", data={"email": "not an address"})
    assert answer.status_code == 422
    assert "not an email address" in answer.text
    assert client.get("/status/subscriptions/forged/confirm").status_code == 404
    hook = {"kind": "webhook", "address": "ftp://example.com/hook"}
    refused = client.post("/api/v1/subscribers", json=hook, headers=admin.headers)
    assert refused.status_code == 422
    assert "endpoint" in refused.text
    with transaction(app.state.sessions) as session:
        assert session.scalars(select(Subscriber)).all() == []
