"""The metrics API on SQLite and PostgreSQL: the numbers of a known week equal the ones worked
out by hand (helpers.py), in JSON and CSV; a restricted incident counts only for those who may
see it; bad input is refused naming the field."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.metrics.helpers import WINDOW, Fixture, add_action_items, ok, seed


@pytest.fixture
def week(app: FastAPI, client: TestClient, admin: User, responder: User, clock: Clock) -> Fixture:
    return seed(app, client, admin, responder, clock)


def test_action_item_completion(
    app: FastAPI, client: TestClient, viewer: User, week: Fixture
) -> None:
    add_action_items(app, week.refs)
    total, detect, prevent = metrics(client, viewer)["action_items"]
    assert (total["key"], total["total"], total["overdue"]) == ("all", 2, 1)
    assert (total["completion"], total["mean_days_to_done"]) == (0.5, 2.0)
    assert (detect["key"], detect["statuses"], detect["completion"]) == ("detect", {"open": 1}, 0)
    assert (prevent["key"], prevent["completion"]) == ("prevent", 1)
    # The security team also counts the restricted incident's item, done in a day.
    team = metrics(client, week.analyst)["action_items"][0]
    assert (team["total"], team["completion"], team["mean_days_to_done"]) == (3, 2 / 3, 1.5)
    rows = client.get(f"/api/v1/metrics/actions.csv?{WINDOW}", headers=viewer.headers).text
    assert rows.splitlines()[:2] == [
        "type,total,open,in_progress,done,wont_do,overdue,completion,mean_days_to_done",
        "all,2,1,0,1,0,1,0.5000,2.00",
    ]


def metrics(client: TestClient, user: User, query: str = "") -> Any:
    return ok(client.get(f"/api/v1/metrics?{WINDOW}{query}", headers=user.headers))


def means(group: dict[str, Any]) -> dict[str, Any]:
    return {m: group[m]["mean_minutes"] for m in ("mttd", "mtta", "mttr", "mtti")}


def test_the_week_in_numbers(client: TestClient, viewer: User, week: Fixture) -> None:
    found = metrics(client, viewer)
    total = found["total"]
    assert total["incidents"] == 3
    # MTTD (10 + 20 + 5) / 3; MTTA (5 + 40) / 2 with C unacknowledged; MTTR (90 + 180) / 2.
    assert means(total) == {"mttd": pytest.approx(35 / 3), "mtta": 22.5, "mttr": 135.0,
                            "mtti": 30.0}  # fmt: skip
    assert (total["mtta"]["missing"], total["mttr"]["missing"]) == (1, 1)
    assert (total["mttd"]["median_minutes"], total["mttd"]["p90_minutes"]) == (10.0, 20.0)
    # Kai released after 30 min; the commander (in both rooms) was never released.
    assert (total["mtti"]["count"], total["mtti"]["missing"]) == (1, 2)
    in_status = total["time_in_status"]
    assert in_status["triage"]["mean_minutes"] == 22.5  # A 5, B 40; C still in triage
    assert in_status["investigating"]["mean_minutes"] == 67.5  # A 15, B 120
    assert in_status["identified"]["mean_minutes"] == 30.0
    groups = {g["key"]: g for g in found["groups"]}
    assert list(groups) == ["orders", "web-shop"]
    assert groups["orders"]["mttr"]["mean_minutes"] == 135.0
    assert groups["web-shop"]["mttr"]["mean_minutes"] == 180.0  # B; C unresolved
    people = [(p["name"], p["tti"]["count"], p["tti"]["mean_minutes"]) for p in found["people"]]
    assert people == [("Kai Lee", 1, 30.0), ("Ada Admin", 0, None)]


def test_breakdowns_by_severity_kind_and_period(
    client: TestClient, viewer: User, week: Fixture
) -> None:
    def keys(query: str) -> list[tuple[str, int]]:
        return [(g["key"], g["incidents"]) for g in metrics(client, viewer, query)["groups"]]

    assert keys("&by=severity") == [("SEV1", 1), ("SEV2", 1), ("SEV4", 1)]
    assert keys("&by=kind") == [("service", 3)]
    # Monday 23 to Sunday 29 November 2026 is ISO week 48.
    assert keys("&by=period&period=week") == [("2026-W48", 3)]
    assert keys("&by=period") == [("2026-11", 3)]


def test_the_csv_export_carries_the_same_numbers(
    client: TestClient, viewer: User, week: Fixture
) -> None:
    answer = client.get(f"/api/v1/metrics.csv?{WINDOW}", headers=viewer.headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    found = {(r["group"], r["measure"]): r for r in rows}
    assert found[("orders", "mttr")]["mean_minutes"] == "135.00"
    assert found[("web-shop", "mttr")]["missing"] == "1"
    assert found[("all", "mttd")]["mean_minutes"] == "11.67"
    assert found[("all", "time_in_investigating")]["mean_minutes"] == "67.50"
    kai = found[("person:Kai Lee", "tti")]
    assert (kai["count"], kai["mean_minutes"]) == ("1", "30.00")
    assert found[("person:Ada Admin", "tti")]["mean_minutes"] == ""


def test_sla_attainment_breach_and_credit(client: TestClient, viewer: User, week: Fixture) -> None:
    report = ok(client.get(f"/api/v1/metrics/sla?{WINDOW}", headers=viewer.headers))
    lines = report["lines"]
    acme = next(r for r in report["by_customer"] if r["key"] == "Acme")
    assert (acme["slas"], acme["breached"], acme["worst_credit_percent"]) == (2, 2, 25.0)
    orders = next(r for r in report["by_service"] if r["key"] == "orders")
    assert orders["worst_attainment"] == pytest.approx(100 * (1 - 240 / 10_080))
    found = {(x["customer"], x["service"]): x for x in lines}
    orders = found[("Acme", "orders")]
    # 7 days = 10,080 min. Orders: A 60 min to mitigation + B 180 min = 240 min.
    assert (orders["outage_minutes"], orders["incidents"]) == (240.0, 2)
    assert orders["allowed_minutes"] == pytest.approx(10.08)
    assert orders["attainment"] == pytest.approx(100 * (1 - 240 / 10_080))
    assert orders["breached"] is True
    assert orders["responses_missed"] == 1  # B was acknowledged 40 min after detection
    assert orders["credit_percent"] == 25.0  # 23 started steps of 0.1 below 99.9: capped
    shop = found[("Acme", "web-shop")]
    # Only B (3 h): C is a SEV4, which has no customer impact. One hour beyond the free two.
    assert (shop["outage_minutes"], shop["credit_percent"]) == (180.0, 10.0)
    birch = found[("Birch", "orders")]
    assert (birch["breached"], birch["credit"], birch["credit_percent"]) == (True, None, None)
    assert [(x["customer"], x["service"]) for x in lines][:2] == [("Acme", "orders"),
                                                                  ("Acme", "web-shop")]  # fmt: skip
    sla_csv = client.get(f"/api/v1/metrics/sla.csv?{WINDOW}", headers=viewer.headers).text
    assert "Acme,1,orders,99.900,2,240.00,10.08,97.6190,23.810,true,1,25.00," in sla_csv


def test_a_restricted_incident_counts_only_for_those_who_may_see_it(
    client: TestClient, viewer: User, week: Fixture
) -> None:
    outsider = metrics(client, viewer)
    assert outsider["total"]["incidents"] == 3
    assert metrics(client, viewer, "&by=kind")["groups"][0]["key"] == "service"
    team = metrics(client, week.analyst)
    assert team["total"]["incidents"] == 4
    orders = next(g for g in team["groups"] if g["key"] == "orders")
    assert orders["mttr"]["mean_minutes"] == pytest.approx((90 + 180 + 64) / 3)
    kinds = [g["key"] for g in metrics(client, week.analyst, "&by=kind")["groups"]]
    assert kinds == ["security", "service"]
    sla = ok(client.get(f"/api/v1/metrics/sla?{WINDOW}", headers=week.analyst.headers))
    acme = next(x for x in sla["lines"] if (x["customer"], x["service"]) == ("Acme", "orders"))
    assert acme["outage_minutes"] == 240.0 + 64.0
    hidden = ok(client.get(f"/api/v1/metrics/sla?{WINDOW}", headers=viewer.headers))
    assert hidden["lines"][0]["outage_minutes"] == 240.0
    assert "security" not in client.get(f"/api/v1/metrics.csv?{WINDOW}&by=kind",
                                        headers=viewer.headers).text  # fmt: skip


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since=yesterday", "since"),
        ("until=2026-11-30T00:00", "until"),  # no offset
        ("since=2026-11-30&until=2026-11-23", "until"),
        ("since=2020-01-01&until=2026-11-23", "since"),  # over three years
        ("by=team", "by"),
        ("by=period&period=year", "period"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    client: TestClient, viewer: User, query: str, field: str
) -> None:
    for path in ("/api/v1/metrics", "/api/v1/metrics.csv", "/api/v1/metrics/sla"):
        answer = client.get(f"{path}?{query}", headers=viewer.headers)
        assert answer.status_code == 422, (path, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in answer.json()["errors"]] == [field]


def test_metrics_need_a_signed_in_reader(client: TestClient) -> None:
    assert client.get("/api/v1/metrics").status_code == 401
