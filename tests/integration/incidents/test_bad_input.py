"""Bad input gets a 4xx problem document naming the field, and nothing is written."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import User
from tests.integration.incidents.helpers import count_incidents, declare, seed_catalog, timeline

GOOD = {"title": "Orders failing", "severity": "SEV2", "kind": "service"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"severity": "SEV9"}, "severity"),
        ({"kind": "weather"}, "kind"),
        ({"services": ["orders", "no-such-service"]}, "services"),
        ({"commander": "nobody@example.com"}, "commander"),
        ({"started_at": "2026-11-23T21:00:00"}, "started_at"),
        (
            {"detected_at": "2026-11-23T20:00:00Z", "started_at": "2026-11-23T21:00:00Z"},
            "detected_at",
        ),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_declare_rejects_and_names_the_field(
    client: TestClient, admin: User, change: dict[str, Any], field: str
) -> None:
    seed_catalog(client, admin)
    response = client.post("/api/v1/incidents", json=GOOD | change, headers=admin.headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert field in [e["field"] for e in problem["errors"]]
    assert count_incidents(client, admin) == 0


def test_malformed_json(client: TestClient, admin: User) -> None:
    response = client.post(
        "/api/v1/incidents",
        content=b'{"title": "x",',
        headers=admin.headers | {"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "body"
    assert count_incidents(client, admin) == 0


def test_oversize_body_is_413(client: TestClient, admin: User) -> None:
    huge = GOOD | {"description": "x" * 2_000_000}
    response = client.post("/api/v1/incidents", json=huge, headers=admin.headers)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert count_incidents(client, admin) == 0


def test_oversize_chunked_body_is_413(client: TestClient, admin: User) -> None:
    def chunks() -> Any:
        yield b'{"title": "x", "severity": "SEV3", "description": "'
        for _ in range(40):
            yield b"y" * 65_536
        yield b'"}'

    response = client.post(
        "/api/v1/incidents",
        content=chunks(),
        headers=admin.headers | {"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert count_incidents(client, admin) == 0


def test_illegal_transition_writes_nothing(client: TestClient, admin: User) -> None:
    ref = declare(client, admin)["ref"]
    before = timeline(client, admin, ref)
    response = client.patch(
        f"/api/v1/incidents/{ref}",
        json={"status": "closed", "title": "Renamed"},
        headers=admin.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "status"
    after = client.get(f"/api/v1/incidents/{ref}", headers=admin.headers).json()
    assert after["title"] == "Orders failing"
    assert after["status"] == "triage"
    assert timeline(client, admin, ref) == before


def test_unknown_service_on_update_writes_nothing(client: TestClient, admin: User) -> None:
    seed_catalog(client, admin)
    ref = declare(client, admin, services=["orders"])["ref"]
    response = client.patch(
        f"/api/v1/incidents/{ref}",
        json={"services": ["orders", "ghost"], "severity": "SEV1"},
        headers=admin.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "services"
    after = client.get(f"/api/v1/incidents/{ref}", headers=admin.headers).json()
    assert after["severity"] == "SEV2"


def test_unknown_incident_is_404(client: TestClient, admin: User) -> None:
    for path in ("/api/v1/incidents/INC-999", "/api/v1/incidents/garbage"):
        response = client.get(path, headers=admin.headers)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


def test_bad_list_filters(client: TestClient, admin: User) -> None:
    for query, field in (
        ("status=sleeping", "status"),
        ("cursor=%%%", "cursor"),
        ("severity=SEV0", "severity"),
        ("limit=0", "limit"),
    ):
        response = client.get(f"/api/v1/incidents?{query}", headers=admin.headers)
        assert response.status_code == 422, query
        assert response.json()["errors"][0]["field"].split(".")[0] == field


def test_future_note_is_rejected(client: TestClient, admin: User) -> None:
    ref = declare(client, admin)["ref"]
    response = client.post(
        f"/api/v1/incidents/{ref}/timeline",
        json={"text": "later", "occurred_at": "2030-01-01T00:00:00Z"},
        headers=admin.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "occurred_at"


def test_errors_carry_no_stack_trace(client: TestClient, admin: User) -> None:
    response = client.post("/api/v1/incidents", json={"title": 5}, headers=admin.headers)
    assert "Traceback" not in response.text
