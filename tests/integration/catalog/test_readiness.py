"""The readiness report over the JSON API, on SQLite and PostgreSQL: a plan with planted gaps
is reported with stable ids and hints, each run is kept, and the history shows the trend."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from warroom.catalog.lifecycles import shipped_data

API = "/api/v1"
AV_ENGINE = [
    {"cycle": "9.2", "releaseDate": "2025-02-01", "eol": "2029-01-31", "latest": "9.2.4"},
    {"cycle": "8.5", "releaseDate": "2021-03-01", "eol": "2025-06-30", "latest": "8.5.9"},
]


def post(client: TestClient, user: User, path: str, body: dict[str, Any]) -> Any:
    response = client.post(f"{API}/{path}", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    return response.json()


def seed_plan(client: TestClient, admin: User) -> None:
    """Sales servers on an end-of-life antivirus engine, an internet-facing web server on
    openssl 1.0.1e, a tier-1 service with no runbook, an expired contract."""
    post(client, admin, "lifecycles", {"product": "av-engine", "data": AV_ENGINE})
    post(client, admin, "lifecycles", {"product": "openssl", "data": shipped_data("openssl")})
    post(client, admin, "teams", {"name": "Sales IT"})
    sales = {"name": "sales-ordering", "tier": 1, "owner_team": "Sales IT"}
    post(client, admin, "services", sales)
    for host in ("sales-01", "sales-02"):
        software = [{"product": "av-engine", "version": "8.5.0"}]
        post(client, admin, "assets", {"hostname": host, "software": software})
    web = {"hostname": "web-01", "exposure": "internet-facing", "services": ["sales-ordering"]}
    post(client, admin, "assets", web | {"software": [{"product": "openssl", "version": "1.0.1e"}]})
    post(client, admin, "vendors", {"name": "Shieldsoft"})
    contract = {"number": "SH-2024", "vendor": "Shieldsoft", "assets": ["sales-01", "sales-02"]}
    dates = {"starts_on": "2024-01-01", "ends_on": "2026-06-30"}
    post(client, admin, "contracts", contract | dates)


def run(client: TestClient, user: User) -> dict[str, Any]:
    response = client.get(f"{API}/readiness", headers=user.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for f in report["findings"]}


def test_the_report_finds_the_planted_gaps(client: TestClient, admin: User, viewer: User) -> None:
    seed_plan(client, admin)
    report = run(client, viewer)

    assert set(report) == {"score", "findings", "ran_at", "counts"}
    assert report["ran_at"] == "2026-11-23T22:00:00Z"
    found = by_id(report)
    for host in ("sales-01", "sales-02"):
        eol = found[f"eol_software:{host}:av-engine@8.5.0"]
        assert (eol["check"], eol["severity"], eol["subject"]) == ("eol_software", "high", host)
        assert eol["hint"].startswith("upgrade av-engine 8.5.0 to 9.2")
        assert "2025-06-30" in eol["hint"]
        assert found[f"no_support_contract:{host}"]["message"].endswith("ended on 2026-06-30")
    edge = found["internet_facing_eol:web-01:openssl@1.0.1e"]
    assert edge["severity"] == "critical"
    assert "eol_software:web-01:openssl@1.0.1e" not in found
    assert found["no_runbook:sales-ordering"]["severity"] == "high"
    assert report["findings"][0]["severity"] == "critical"
    assert report["counts"]["critical"] == 1
    assert sum(report["counts"].values()) == len(report["findings"])
    assert 0 <= report["score"] <= 60


def test_fixing_a_gap_shows_in_the_next_run_and_the_history(
    client: TestClient, admin: User, viewer: User
) -> None:
    seed_plan(client, admin)
    first = run(client, viewer)
    patch = {"runbook": "https://wiki.example/sales-ordering"}
    fixed = client.patch(f"{API}/services/sales-ordering", json=patch, headers=admin.headers)
    assert fixed.status_code == 200, fixed.text
    second = run(client, viewer)

    assert set(by_id(first)) - set(by_id(second)) == {"no_runbook:sales-ordering"}
    assert second["score"] > first["score"]
    history = client.get(f"{API}/readiness/history", headers=viewer.headers).json()
    assert [h["score"] for h in history] == [first["score"], second["score"]]
    assert history[0]["counts"] == first["counts"]
    last = client.get(f"{API}/readiness/history?limit=1", headers=viewer.headers).json()
    assert [h["score"] for h in last] == [second["score"]]


def test_repeated_runs_do_not_flood_the_trend(
    client: TestClient, admin: User, viewer: User, clock: Clock
) -> None:
    seed_plan(client, admin)
    first = run(client, viewer)
    run(client, viewer)
    clock.advance(minutes=61)
    later = run(client, viewer)
    history = client.get(f"{API}/readiness/history", headers=viewer.headers).json()
    assert [h["ran_at"] for h in history] == [first["ran_at"], later["ran_at"]]


def test_an_empty_catalog_reports_without_failing(client: TestClient, viewer: User) -> None:
    report = run(client, viewer)
    ids = set(by_id(report))
    assert {"no_comms_lead", "no_exec_contact"} <= ids
    assert 0 <= report["score"] <= 100


def test_readiness_needs_a_sign_in_and_a_valid_limit(client: TestClient, viewer: User) -> None:
    assert client.get(f"{API}/readiness").status_code == 401
    assert client.get(f"{API}/readiness/history").status_code == 401
    bad = client.get(f"{API}/readiness/history?limit=0", headers=viewer.headers)
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert "limit" in bad.text
    history = client.get(f"{API}/readiness/history", headers=viewer.headers)
    assert history.json() == []
