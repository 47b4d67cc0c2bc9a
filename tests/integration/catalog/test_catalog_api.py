"""Services, dependencies, assets, software support, lifecycles and blast radius over the API."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import User
from warroom.catalog.lifecycles import shipped_data


def post(client: TestClient, user: User, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/v1/{path}", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def seed(client: TestClient, admin: User) -> None:
    post(client, admin, "teams", {"name": "Ops"})
    for name, needs in (
        ("identity", []),
        ("order-db", []),
        ("orders", ["order-db", "identity"]),
        ("checkout", ["orders"]),
        ("reporting", ["order-db"]),
    ):
        post(
            client,
            admin,
            "services",
            {
                "name": name,
                "tier": 1,
                "depends_on": needs,
                "owner_team": "Ops",
                "runbook": "https://wiki/rb",
            },
        )


def test_dependencies_and_used_by(client: TestClient, admin: User) -> None:
    seed(client, admin)
    orders = client.get("/api/v1/services/orders", headers=admin.headers).json()
    assert orders["depends_on"] == ["identity", "order-db"]
    assert orders["used_by"] == ["checkout"]
    assert orders["owner_team"] == "Ops"


def test_a_cycle_is_refused_with_its_path(client: TestClient, admin: User) -> None:
    seed(client, admin)
    response = client.patch(
        "/api/v1/services/order-db", json={"depends_on": ["checkout"]}, headers=admin.headers
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "depends_on"
    assert "order-db → checkout → orders → order-db" in error["detail"]
    again = client.get("/api/v1/services/order-db", headers=admin.headers).json()
    assert again["depends_on"] == []


def test_service_input_errors(client: TestClient, admin: User) -> None:
    seed(client, admin)
    cases = [
        ({"name": "x", "tier": 5}, "tier"),
        ({"name": "x", "owner_team": "Nope"}, "owner_team"),
        ({"name": "x", "depends_on": ["ghost"]}, "depends_on"),
        ({"name": ""}, "name"),
    ]
    for body, field in cases:
        response = client.post("/api/v1/services", json=body, headers=admin.headers)
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"] == field
    assert client.get("/api/v1/services/x", headers=admin.headers).status_code == 404
    assert (
        client.post("/api/v1/services", json={"name": "orders"}, headers=admin.headers).status_code
        == 409
    )


def test_a_used_service_cannot_be_deleted(client: TestClient, admin: User) -> None:
    seed(client, admin)
    assert client.delete("/api/v1/services/identity", headers=admin.headers).status_code == 409
    assert client.delete("/api/v1/services/checkout", headers=admin.headers).status_code == 204


def test_viewer_reads_but_cannot_change_the_catalog(client: TestClient, viewer: User) -> None:
    assert client.get("/api/v1/services", headers=viewer.headers).status_code == 200
    assert (
        client.post("/api/v1/services", json={"name": "x"}, headers=viewer.headers).status_code
        == 403
    )
    assert (
        client.post("/api/v1/assets", json={"hostname": "x"}, headers=viewer.headers).status_code
        == 403
    )


def import_openssl(client: TestClient, admin: User) -> None:
    post(client, admin, "lifecycles", {"product": "openssl", "data": shipped_data("openssl")})


def test_asset_software_support_and_blast_radius(client: TestClient, admin: User) -> None:
    seed(client, admin)
    import_openssl(client, admin)
    asset = post(
        client,
        admin,
        "assets",
        {
            "hostname": "WEB-01",
            "ips": ["10.0.0.5", "2001:db8::5"],
            "kind": "vm",
            "exposure": "internet-facing",
            "services": ["checkout"],
            "owner_team": "Ops",
            "tags": ["dmz"],
            "software": [
                {"product": "OpenSSL", "version": "1.0.1e", "purl": "pkg:generic/openssl@1.0.1e"},
                {"product": "openssl", "version": "3.5.2"},
                {"product": "custom-agent", "version": "2.0"},
            ],
        },
    )
    assert asset["hostname"] == "web-01"
    support = {(s["product"], s["version"]): s for s in asset["software"]}
    old = support[("openssl", "1.0.1e")]
    assert (old["support"], old["cycle"], old["eol"]) == ("eol", "1.0.1", "2016-12-31")
    assert support[("openssl", "3.5.2")]["support"] == "supported"
    assert support[("custom-agent", "2.0")]["support"] == "unknown"
    assert asset["coverage"]["status"] == "none"
    post(client, admin, "assets", {"hostname": "db-01", "services": ["order-db"]})
    radius = client.get("/api/v1/assets/db-01/blast-radius", headers=admin.headers).json()
    assert radius["services"] == ["checkout", "order-db", "orders", "reporting"]
    assert radius["assets"] == ["db-01", "web-01"]
    by_service = client.get("/api/v1/services/identity/blast-radius", headers=admin.headers).json()
    assert by_service["services"] == ["checkout", "identity", "orders"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hostname": "bad host!"}, "hostname"),
        ({"ips": ["10.0.0.300"]}, "ips.0"),
        ({"kind": "mainframe"}, "kind"),
        ({"exposure": "public"}, "exposure"),
        ({"services": ["ghost"]}, "services"),
        ({"owner_team": "Ghosts"}, "owner_team"),
        ({"software": [{"product": "x", "version": "1", "purl": "nonsense"}]}, "software.0.purl"),
        (
            {"software": [{"product": "x", "version": "1"}, {"product": "X", "version": "1"}]},
            "software.1",
        ),
    ],
)
def test_asset_input_errors_write_nothing(
    client: TestClient, admin: User, change: dict[str, Any], field: str
) -> None:
    seed(client, admin)
    response = client.post(
        "/api/v1/assets", json={"hostname": "app-01"} | change, headers=admin.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert client.get("/api/v1/assets", headers=admin.headers).json() == []


def test_asset_patch_and_filters(client: TestClient, admin: User) -> None:
    seed(client, admin)
    post(client, admin, "assets", {"hostname": "app-01", "services": ["orders"]})
    post(client, admin, "assets", {"hostname": "edge-01", "exposure": "internet-facing"})
    patched = client.patch(
        "/api/v1/assets/app-01",
        json={"software": [{"product": "nginx", "version": "1.24.0"}], "location": "Memphis DC"},
        headers=admin.headers,
    ).json()
    assert patched["services"] == ["orders"]
    assert patched["location"] == "Memphis DC"
    assert [s["product"] for s in patched["software"]] == ["nginx"]

    def hosts(query: str) -> list[str]:
        return [
            a["hostname"]
            for a in client.get(f"/api/v1/assets?{query}", headers=admin.headers).json()
        ]

    assert hosts("exposure=internet-facing") == ["edge-01"]
    assert hosts("service=orders") == ["app-01"]
    assert hosts("q=memphis") == ["app-01"]
    assert client.delete("/api/v1/assets/app-01", headers=admin.headers).status_code == 204
    assert hosts("") == ["edge-01"]


def test_lifecycle_import_is_an_upsert(client: TestClient, admin: User) -> None:
    import_openssl(client, admin)
    import_openssl(client, admin)
    cycles = client.get("/api/v1/lifecycles?product=openssl", headers=admin.headers).json()
    assert len(cycles) == len(shipped_data("openssl"))
    bad = client.post(
        "/api/v1/lifecycles",
        json={"product": "x", "data": [{"cycle": "1", "eol": "soon"}]},
        headers=admin.headers,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "data.0.eol"
