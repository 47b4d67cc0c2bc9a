"""The plan as code over the API, on SQLite and PostgreSQL: export as YAML or JSON, a dry run
that writes nothing, apply twice, bad documents named by path, CSV import by line, roles."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from httpx import Response

from tests.conftest import User

PLAN = """
version: 1
vendors:
  - {name: Acme Support, portal_url: "https://support.acme.example"}
services:
  - name: web-shop
    tier: 1
    owner_team: Web
    runbook: |
      # Web shop
      Restart the app pool first.
    depends_on: [orders]
  - {name: orders, tier: 2, owner_team: Web}
assets:
  - {hostname: web-01, ips: [10.0.0.1], services: [web-shop], software: [openssl@1.0.1e]}
"""
YAML = {"Content-Type": "application/yaml"}
CSV = {"Content-Type": "text/csv"}
HEADER = "hostname,ip,kind,environment,exposure,services,owner_team,software\n"


@pytest.fixture
def teams(client: TestClient, admin: User) -> None:
    answer = client.post("/api/v1/teams", json={"name": "Web"}, headers=admin.headers)
    assert answer.status_code == 201, answer.text


def send(
    client: TestClient, user: User, body: str, dry_run: bool = False, kind: str = "application/yaml"
) -> Response:
    url = f"/api/v1/plan?dry_run={'true' if dry_run else 'false'}"
    headers = user.headers | {"Content-Type": kind}
    answer: Response = client.post(url, content=body.encode(), headers=headers)
    return answer


def services(client: TestClient, user: User) -> dict[str, dict[str, Any]]:
    rows = client.get("/api/v1/services", headers=user.headers).json()
    return {row["name"]: row for row in rows}


def test_apply_twice_the_second_time_changes_nothing(
    client: TestClient, admin: User, teams: None
) -> None:
    first = send(client, admin, PLAN)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["changed"] is True
    assert body["applied"] is True
    made = {(c["action"], c["kind"], c["key"]) for c in body["changes"]}
    assert made == {
        ("create", "vendor", "Acme Support"),
        ("create", "service", "orders"),
        ("create", "service", "web-shop"),
        ("create", "asset", "web-01"),
    }
    assert services(client, admin)["web-shop"]["depends_on"] == ["orders"]

    again = send(client, admin, PLAN)
    assert again.json() == {"changed": False, "changes": [], "applied": True}


def test_dry_run_reports_old_and_new_and_writes_nothing(
    client: TestClient, admin: User, teams: None
) -> None:
    send(client, admin, PLAN)
    changed = PLAN.replace("tier: 2", "tier: 1").replace("ips: [10.0.0.1]", "ips: [10.0.0.9]")

    answer = send(client, admin, changed, dry_run=True)

    assert answer.status_code == 200
    body = answer.json()
    assert body["changed"] is True
    assert body["applied"] is False
    assert {"action": "update", "kind": "service", "key": "orders",
            "fields": {"tier": {"old": 2, "new": 1}}} in body["changes"]  # fmt: skip
    ips = {"ips": {"old": ["10.0.0.1"], "new": ["10.0.0.9"]}}
    assert {"action": "update", "kind": "asset", "key": "web-01", "fields": ips} in body["changes"]
    assert services(client, admin)["orders"]["tier"] == 2


def test_a_dry_run_of_a_new_plan_creates_nothing(
    client: TestClient, admin: User, teams: None
) -> None:
    answer = send(client, admin, PLAN, dry_run=True)
    assert answer.json()["changed"] is True
    assert services(client, admin) == {}


def test_export_is_yaml_by_default_and_reads_back_unchanged(
    client: TestClient, admin: User, viewer: User, teams: None
) -> None:
    send(client, admin, PLAN)

    exported = client.get("/api/v1/plan", headers=viewer.headers)

    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/yaml")
    assert "- openssl@1.0.1e" in exported.text
    assert "runbook: |" in exported.text
    back = send(client, admin, exported.text, dry_run=True)
    assert back.json()["changed"] is False


@pytest.mark.parametrize(("query", "accept"), [("", "application/json"), ("?format=json", "*/*")])
def test_export_as_json_reads_back_unchanged(
    client: TestClient, admin: User, teams: None, query: str, accept: str
) -> None:
    send(client, admin, PLAN)

    exported = client.get(f"/api/v1/plan{query}", headers=admin.headers | {"Accept": accept})

    assert exported.headers["content-type"] == "application/json"
    data = exported.json()
    assert [s["name"] for s in data["services"]] == ["orders", "web-shop"]
    assert data["assets"][0]["software"] == ["openssl@1.0.1e"]
    assert data == yaml.safe_load(client.get("/api/v1/plan", headers=admin.headers).text)
    back = send(client, admin, json.dumps(data), dry_run=True, kind="application/json")
    assert back.json() == {"changed": False, "changes": [], "applied": False}


def test_a_bad_document_names_every_path_and_writes_nothing(
    client: TestClient, admin: User, teams: None
) -> None:
    bad = PLAN.replace("tier: 2", "tier: 9").replace("ips: [10.0.0.1]", "ips: [10.0.0.300]")
    bad += "  - {hostname: db-01, services: [ghost]}\n"

    answer = send(client, admin, bad)

    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in answer.json()["errors"]}
    assert {"services[1].tier", "assets[0].ips[0]"} <= fields
    assert services(client, admin) == {}
    assert client.get("/api/v1/assets", headers=admin.headers).json() == []


def test_a_bad_reference_is_named_by_path(client: TestClient, admin: User, teams: None) -> None:
    bad = PLAN + "  - {hostname: db-01, services: [ghost]}\n"

    answer = send(client, admin, bad, dry_run=True)

    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"field": "assets[1].services[0]", "detail": "unknown service 'ghost'"}
    ]


@pytest.mark.parametrize(
    ("body", "kind", "field"),
    [
        ("services: [", "application/yaml", "line 1, column 12"),
        ('{"services": [', "application/json", "line 1, column 15"),
        ("- just a list", "text/yaml", "document"),
    ],
)
def test_unreadable_documents_are_422_with_the_place(
    client: TestClient, admin: User, body: str, kind: str, field: str
) -> None:
    answer = send(client, admin, body, kind=kind)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == field


@pytest.mark.parametrize("kind", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_other_media_types_are_415(client: TestClient, admin: User, kind: str) -> None:
    answer = send(client, admin, "version: 1\n", kind=kind)
    assert answer.status_code == 415
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "Content-Type"


def test_csv_import_good_rows(client: TestClient, admin: User, teams: None) -> None:
    send(client, admin, PLAN)
    rows = (
        "web-01,10.0.0.1,vm,production,internet-facing,web-shop,Web,openssl@3.0.13\n"
        "web-02,10.0.0.2;10.0.0.3,vm,production,internal,web-shop;orders,Web,nginx@1.24.0\n"
    )

    answer = client.post(
        "/api/v1/assets/import", content=HEADER + rows, headers=admin.headers | CSV
    )

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"imported": 2, "created": 1, "updated": 1}
    web02 = client.get("/api/v1/assets/web-02", headers=admin.headers).json()
    assert web02["ips"] == ["10.0.0.2", "10.0.0.3"]
    assert sorted(web02["services"]) == ["orders", "web-shop"]


def test_csv_import_bad_rows_by_line_imports_nothing(
    client: TestClient, admin: User, teams: None
) -> None:
    rows = [f"ok-{i:02d},10.0.0.{i},server,production,internal,,," for i in range(15)]
    rows.append("bad-01,10.0.0.300,server,production,internal,,,")
    rows.append("bad-02,10.0.0.5,server,production,internal,,Nobody,")
    text = HEADER + "\n".join(rows) + "\n"

    answer = client.post(
        "/api/v1/assets/import",
        content=text,
        headers=admin.headers | {"Content-Type": "text/csv; charset=utf-8"},
    )

    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"] == [
        {"field": "line 17: ip", "detail": "'10.0.0.300' is not an IP address"},
        {"field": "line 18: owner_team", "detail": "unknown team 'Nobody'"},
    ]
    assert "nothing was imported" in answer.json()["detail"]
    assert client.get("/api/v1/assets", headers=admin.headers).json() == []


def test_csv_import_wants_csv(client: TestClient, admin: User) -> None:
    answer = client.post("/api/v1/assets/import", json={"rows": []}, headers=admin.headers)
    assert answer.status_code == 415


def test_viewers_export_but_cannot_apply_or_import(
    client: TestClient, admin: User, viewer: User, responder: User, teams: None
) -> None:
    assert client.get("/api/v1/plan", headers=viewer.headers).status_code == 200
    for user in (viewer, responder):
        assert send(client, user, PLAN).status_code == 403
        assert send(client, user, PLAN, dry_run=True).status_code == 403
        imported = client.post("/api/v1/assets/import", content=HEADER, headers=user.headers | CSV)
        assert imported.status_code == 403
    assert services(client, admin) == {}
    assert client.get("/api/v1/plan").status_code == 401


def test_a_body_over_the_limit_is_413(client: TestClient, admin: User) -> None:
    big = HEADER + "x" * (1024 * 1024 + 1)
    answer = client.post("/api/v1/assets/import", content=big, headers=admin.headers | CSV)
    assert answer.status_code == 413


def test_the_routes_are_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths["/api/v1/plan"]) == {"get", "post"}
    content = paths["/api/v1/plan"]["post"]["requestBody"]["content"]
    assert {"application/yaml", "application/json"} <= set(content)
    assert "text/csv" in paths["/api/v1/assets/import"]["post"]["requestBody"]["content"]
