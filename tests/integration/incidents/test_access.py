"""Who may do what: tokens, roles and the problem documents for refusals."""

from datetime import timedelta

from fastapi.testclient import TestClient

from tests.conftest import Clock, User


def test_no_or_bad_credentials_are_401(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wr_nope_nope"}, {"Authorization": "Bearer x"}):
        response = client.get("/api/v1/incidents", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"


def test_viewer_reads_but_cannot_declare(client: TestClient, viewer: User) -> None:
    assert client.get("/api/v1/incidents", headers=viewer.headers).status_code == 200
    response = client.post(
        "/api/v1/incidents", json={"title": "x", "severity": "SEV3"}, headers=viewer.headers
    )
    assert response.status_code == 403
    assert "responder" in response.json()["detail"]


def test_token_shown_once_then_revoked(client: TestClient, responder: User) -> None:
    made = client.post(
        "/api/v1/tokens", json={"name": "laptop", "role": "viewer"}, headers=responder.headers
    )
    assert made.status_code == 201
    token = made.json()["token"]
    listed = client.get("/api/v1/tokens", headers=responder.headers).json()
    assert all("token" not in row for row in listed)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).json()["role"] == "viewer"
    # A viewer token cannot declare even though its owner could.
    assert (
        client.post(
            "/api/v1/incidents", json={"title": "x", "severity": "SEV3"}, headers=headers
        ).status_code
        == 403
    )
    client.delete(f"/api/v1/tokens/{made.json()['id']}", headers=responder.headers)
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_cannot_mint_a_stronger_token(client: TestClient, responder: User) -> None:
    response = client.post("/api/v1/tokens", json={"role": "admin"}, headers=responder.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "role"


def test_expired_token_is_refused(client: TestClient, responder: User, clock: Clock) -> None:
    expiry = (clock.now + timedelta(hours=1)).isoformat()
    token = client.post(
        "/api/v1/tokens", json={"expires_at": expiry}, headers=responder.headers
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    clock.advance(hours=2)
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_only_admins_manage_people(client: TestClient, admin: User, responder: User) -> None:
    person = {"name": "Nina Night", "email": "nina@example.com", "timezone": "Asia/Tokyo"}
    assert client.post("/api/v1/people", json=person, headers=responder.headers).status_code == 403
    assert client.post("/api/v1/people", json=person, headers=admin.headers).status_code == 201
    bad = client.post(
        "/api/v1/people",
        json=person | {"email": "x@y", "timezone": "Nowhere"},
        headers=admin.headers,
    )
    assert bad.json()["errors"][0]["field"] == "timezone"


def test_health(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"


def test_openapi_documents_the_incident_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/incidents",
        "/api/v1/incidents/{ref}",
        "/api/v1/incidents/{ref}/timeline",
        "/api/v1/incidents/{ref}/roles",
        "/api/v1/incidents/{ref}/participants",
        "/api/v1/incidents/{ref}/tasks",
    ):
        assert path in paths


def test_api_docs_work_offline(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/docs-assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    asset = client.get("/docs-assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert len(asset.content) > 100_000
