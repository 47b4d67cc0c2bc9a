from fastapi.testclient import TestClient

from tests.conftest import User


def test_declare_and_read_back(client: TestClient, admin: User) -> None:
    made = client.post(
        "/api/v1/services", json={"name": "orders", "tier": 1}, headers=admin.headers
    )
    assert made.status_code == 201
    r = client.post(
        "/api/v1/incidents",
        json={"title": "Orders down", "severity": "SEV1", "services": ["orders"]},
        headers=admin.headers,
    )
    assert r.status_code == 201, r.text
    ref = r.json()["ref"]
    got = client.get(f"/api/v1/incidents/{ref}", headers=admin.headers).json()
    assert got["commander"]["email"] == admin.email
