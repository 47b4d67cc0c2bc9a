"""What pages whom: SEV1 extras, the security route, severity rises, notification rules with
delays, the signed acknowledge link and an incident's delivery log."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.oncall.paging_helpers import (
    Org,
    declare,
    deliveries,
    escalation_states,
    make_org,
    ok,
    pages,
    run_due,
    texts,
)


@pytest.fixture
def org(client: TestClient, app: FastAPI, admin: User) -> Org:
    return make_org(client, app, admin)


def test_sev1_also_pages_the_commander_rotation_and_the_service_owner(
    client: TestClient, org: Org
) -> None:
    ref = declare(client, org.admin, severity="SEV1")
    paged = pages(client, org.admin, ref)
    assert set(paged) == {"Ann", "Ivan", "Olga"}
    assert "IC rotation" in paged["Ivan"]["reason"]
    assert "incident commander rotation" in paged["Ivan"]["reason"]
    assert paged["Olga"]["reason"] == "owner of payments (Payments)"
    timeline = texts(client, org.admin, ref)
    assert any(t.startswith("Paged Ivan (on call for IC rotation") for t in timeline)
    assert any(t == "Paged Olga (owner of payments (Payments))" for t in timeline)


def test_a_security_incident_follows_the_security_route(client: TestClient, org: Org) -> None:
    ref = declare(client, org.admin, kind="security", title="Leaked key")
    paged = pages(client, org.admin, ref)
    assert set(paged) == {"Sam"}  # not the Payments rotation, though payments is impacted
    assert "security incident" in paged["Sam"]["reason"]


def test_a_sev3_at_night_pages_when_business_hours_begin(
    client: TestClient, app: FastAPI, clock: Clock, org: Org
) -> None:
    ref = declare(client, org.admin, severity="SEV3")  # Monday 22:00 UTC
    assert pages(client, org.admin, ref) == {}
    assert escalation_states(app) == [("active", 0, 0)]
    note = "Payments pages when business hours begin, at 2026-11-24 09:00 UTC"
    assert any(t.startswith(note) for t in texts(client, org.admin, ref))
    assert run_due(app, clock, hours=10, minutes=59) == 0
    assert run_due(app, clock, minutes=1) == 1
    assert set(pages(client, org.admin, ref)) == {"Ann"}
    assert escalation_states(app) == [("active", 1, 0)]


def test_a_sev4_pages_nobody_and_a_rise_to_sev3_waits_for_business_hours(
    client: TestClient, app: FastAPI, clock: Clock, org: Org
) -> None:
    ref = declare(client, org.admin, severity="SEV4")
    assert escalation_states(app) == []
    ok(
        client.patch(
            f"/api/v1/incidents/{ref}", json={"severity": "SEV3"}, headers=org.admin.headers
        )
    )
    assert escalation_states(app) == [("active", 0, 0)]
    assert pages(client, org.admin, ref) == {}


def test_a_waiting_sev3_pages_at_once_when_its_severity_rises(
    client: TestClient, app: FastAPI, clock: Clock, org: Org
) -> None:
    ref = declare(client, org.admin, severity="SEV3")
    clock.advance(minutes=10)
    ok(
        client.patch(
            f"/api/v1/incidents/{ref}", json={"severity": "SEV1"}, headers=org.admin.headers
        )
    )
    paged = pages(client, org.admin, ref)
    assert set(paged) == {"Ann", "Ivan", "Olga"}
    assert "SEV3 declared" in paged["Ann"]["reason"]  # the waiting escalation, started now
    assert escalation_states(app) == [("active", 1, 0)]
    assert run_due(app, clock, minutes=5) == 1
    assert "Bob" in pages(client, org.admin, ref)


def test_a_rise_from_sev2_to_sev1_adds_the_extras_without_restarting_the_policy(
    client: TestClient, app: FastAPI, clock: Clock, org: Org
) -> None:
    ref = declare(client, org.admin, severity="SEV2")
    clock.advance(minutes=1)
    ok(
        client.patch(
            f"/api/v1/incidents/{ref}", json={"severity": "SEV1"}, headers=org.admin.headers
        )
    )
    assert set(pages(client, org.admin, ref)) == {"Ann", "Ivan", "Olga"}
    assert escalation_states(app) == [("active", 1, 0)]
    assert len([d for d in deliveries(client, org.admin, ref) if d["person"]["name"] == "Ann"]) == 1
    clock.advance(minutes=1)
    ok(
        client.patch(
            f"/api/v1/incidents/{ref}", json={"severity": "SEV3"}, headers=org.admin.headers
        )
    )
    assert escalation_states(app) == [("active", 1, 0)]  # lowering stops nothing by itself


def test_a_rise_after_an_acknowledgement_pages_only_the_sev1_extras(
    client: TestClient, app: FastAPI, clock: Clock, org: Org
) -> None:
    ref = declare(client, org.admin, severity="SEV2")
    ann = pages(client, org.admin, ref)["Ann"]
    ok(client.post(f"/api/v1/pages/{ann['id']}/acknowledge", headers=org.ann.headers))
    clock.advance(minutes=10)
    body = {"severity": "SEV1"}
    ok(client.patch(f"/api/v1/incidents/{ref}", json=body, headers=org.admin.headers))
    paged = pages(client, org.admin, ref)
    assert {n: p["status"] for n, p in paged.items()} == {
        "Ann": "acknowledged",
        "Ivan": "open",
        "Olga": "open",
    }
    assert escalation_states(app) == [("acknowledged", 1, 0)]


def test_notification_rules_send_each_method_after_its_delay(
    client: TestClient, app: FastAPI, clock: Clock, org: Org
) -> None:
    h = org.ann.headers
    mail = ok(
        client.post(
            "/api/v1/me/contact-methods",
            json={"kind": "email", "address": "ann@pager.example.com"},
            headers=h,
        ),
        201,
    )
    hook = {"kind": "webhook", "address": "https://hooks.example.com/T0KEN/ann", "label": "phone"}
    webhook = ok(client.post("/api/v1/me/contact-methods", json=hook, headers=h), 201)
    ok(
        client.post(
            "/api/v1/me/notification-rules", json={"contact_method": mail["id"]}, headers=h
        ),
        201,
    )
    late = {"contact_method": webhook["id"], "delay_minutes": 10}
    ok(client.post("/api/v1/me/notification-rules", json=late, headers=h), 201)
    start = clock.now
    ref = declare(client, org.admin)
    sent = deliveries(client, org.admin, ref)
    assert [(d["channel"], d["address"]) for d in sent] == [
        ("email", "ann@pager.example.com"),
        ("webhook", "https://hooks.example.com/…"),  # the token in the path is not shown
    ]
    assert [d["due_at"] for d in sent] == [
        start.isoformat().replace("+00:00", "Z"),
        start.replace(minute=10).isoformat().replace("+00:00", "Z"),
    ]
    clock.advance(minutes=3)
    page_id = pages(client, org.admin, ref)["Ann"]["id"]
    ok(client.post(f"/api/v1/pages/{page_id}/acknowledge", headers=h))
    statuses = [d["status"] for d in deliveries(client, org.admin, ref)]
    assert statuses == ["pending", "cancelled"]  # the one already due still goes out


def test_a_page_message_says_what_why_where_and_how_to_acknowledge(
    client: TestClient, app: FastAPI, org: Org
) -> None:
    ref = declare(client, org.admin, severity="SEV1", title="Card payments failing")
    body = _body_of(app, "Ann")
    assert f"{ref}, a SEV1 service incident: Card payments failing" in body
    assert "Services: payments" in body
    assert "Why you: on call for Payments primary" in body
    assert f"{app.state.settings.base_url}/incidents/{ref}" in body
    assert re.search(r"/ack/\S+", body)


def _body_of(app: FastAPI, name: str) -> str:
    from sqlalchemy import select

    from warroom.access.models import Person
    from warroom.db import transaction
    from warroom.oncall.models import Delivery, Page

    with transaction(app.state.sessions) as session:
        query = (
            select(Delivery.body)
            .join(Page, Page.id == Delivery.page_id)
            .join(Person, Person.id == Page.person_id)
            .where(Person.name == name)
        )
        return str(session.scalars(query).first())


def _ack_path(app: FastAPI, name: str) -> str:
    match = re.search(r"https?://[^/]+(/ack/\S+)", _body_of(app, name))
    assert match is not None
    return match.group(1)


def test_the_signed_link_shows_a_form_and_only_a_post_acknowledges(
    client: TestClient, app: FastAPI, clock: Clock, org: Org
) -> None:
    ref = declare(client, org.admin)
    path = _ack_path(app, "Ann")
    shown = client.get(path)
    assert shown.status_code == 200
    assert "text/html" in shown.headers["content-type"]
    assert '<form method="post"' in shown.text
    assert "set-cookie" not in shown.headers
    assert "Card payments failing" not in shown.text  # the public page names no details
    assert pages(client, org.admin, ref)["Ann"]["status"] == "open"
    clock.advance(minutes=1)
    done = client.post(path)
    assert done.status_code == 200
    assert "Acknowledged" in done.text
    ann = pages(client, org.admin, ref)["Ann"]
    assert (ann["status"], ann["acknowledged_via"]) == ("acknowledged", "link")
    assert escalation_states(app) == [("acknowledged", 1, 0)]
    assert run_due(app, clock, minutes=10) == 0
    assert client.post(path).status_code == 200  # a second click changes nothing


def test_a_tampered_or_foreign_link_is_not_found(
    client: TestClient, app: FastAPI, org: Org
) -> None:
    declare(client, org.admin)
    path = _ack_path(app, "Ann")
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert client.get(tampered).status_code == 404
    assert client.post(tampered).status_code == 404
    assert client.post("/ack/not-a-token").status_code == 404


def test_the_delivery_log_shows_who_how_and_what_happened(
    client: TestClient, app: FastAPI, clock: Clock, org: Org, viewer: User
) -> None:
    ref = declare(client, org.admin, severity="SEV1")
    log = deliveries(client, viewer, ref)
    assert {(d["person"]["name"], d["channel"], d["status"], d["attempts"]) for d in log} == {
        ("Ann", "email", "pending", 0),
        ("Ivan", "email", "pending", 0),
        ("Olga", "email", "pending", 0),
    }
    assert all(d["subject"] == f"[SEV1] {ref}: Card payments failing" for d in log)
    assert all(d["last_error"] is None and d["sent_at"] is None for d in log)
    assert client.get(f"/api/v1/incidents/{ref}/deliveries").status_code == 401
