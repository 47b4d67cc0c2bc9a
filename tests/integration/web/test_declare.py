"""Declaring through the form lands in the war room; bad input is shown beside its field."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import User
from tests.integration.web.helpers import declare, incident_count, post, sign_in, stored


def test_declare_form_shows_the_severity_definitions(client: TestClient, responder: User) -> None:
    sign_in(client, responder)
    page = client.get("/incidents/new").text
    assert "Critical service down or data breach; many customers affected; crisis." in page
    assert "Every 30 minutes." in page
    assert "Required, due in 5 business days." in page


def test_declare_then_the_war_room_shows_it(
    client: TestClient, app: FastAPI, admin: User, responder: User
) -> None:
    client.post("/api/v1/services", json={"name": "payments", "tier": 1}, headers=admin.headers)
    csrf = sign_in(client, responder)
    ref = declare(
        client,
        csrf,
        title="Card payments fail",
        severity="SEV1",
        services="payments",
        description="Seen in **EU** only",
    )
    room = client.get(f"/incidents/{ref}")
    assert room.status_code == 200
    assert "Card payments fail" in room.text
    assert "<strong>EU</strong>" in room.text
    assert f"{ref} declared as SEV1" in room.text  # the flash after the redirect
    # A SEV1 always has a commander: the declarer, since nobody was named.
    assert "Rita Responder is incident commander" in room.text
    incident = stored(app, ref)
    assert (incident.severity, incident.status, incident.kind) == ("SEV1", "triage", "service")
    assert [s.name for s in incident.services] == ["payments"]


def test_named_commander_is_assigned(
    client: TestClient, app: FastAPI, admin: User, responder: User
) -> None:
    csrf = sign_in(client, responder)
    ref = declare(client, csrf, severity="SEV3", commander=admin.email)
    assert "Ada Admin is incident commander" in client.get(f"/incidents/{ref}").text


def test_bad_input_is_shown_and_nothing_is_declared(
    client: TestClient, app: FastAPI, responder: User
) -> None:
    csrf = sign_in(client, responder)
    answer = post(
        client,
        "/incidents",
        csrf,
        title="   ",
        severity="SEV9",
        kind="service",
        description="kept",
        services="no-such-service",
    )
    assert answer.status_code == 422
    assert "String should have at least 1 character" in answer.text
    assert "kept</textarea>" in answer.text  # what they typed survives
    assert incident_count(app) == 0

    unknown = post(client, "/incidents", csrf, title="X", severity="SEV3", services="nope")
    assert unknown.status_code == 422
    assert "unknown service &#39;nope&#39;" in unknown.text
    assert incident_count(app) == 0


def test_viewers_cannot_declare(client: TestClient, app: FastAPI, viewer: User) -> None:
    csrf = sign_in(client, viewer)
    assert client.get("/incidents/new").status_code == 403
    answer = post(client, "/incidents", csrf, title="No", severity="SEV1")
    assert answer.status_code == 403
    assert "needs the responder role" in answer.text
    assert incident_count(app) == 0
