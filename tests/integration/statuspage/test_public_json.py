"""The public status page's JSON on SQLite and PostgreSQL: every document under /api/v2 in
Statuspage's field names (so its widgets and clients read us), groups and their members, the
indicator a published critical incident raises; drafts, unpublished incidents, internal ids and
internal references never shown; ETag and 304, a short public cache, any origin; and no cookie,
even for a browser that carries a staff session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.incidents.helpers import declare
from tests.integration.statuspage.public_helpers import (
    DRAFT_BODY,
    DRAFT_NAME,
    SECRET_SERVICE,
    SECRET_TITLE,
    Seeded,
    make_components,
    seed,
)
from tests.integration.web.helpers import sign_in
from warroom.db import transaction
from warroom.statuspage import components
from warroom.statuspage.public import JSON_DOCUMENTS
from warroom.statuspage.rules import ComponentStatus

V2 = "/api/v2"
PAGE = {"id", "name", "url", "time_zone", "updated_at"}
COMPONENT = {
    "id", "name", "status", "created_at", "updated_at", "position", "description", "showcase",
    "start_date", "group_id", "page_id", "group", "only_show_if_degraded",
}  # fmt: skip
INCIDENT = {
    "id", "name", "status", "created_at", "updated_at", "monitoring_at", "resolved_at", "impact",
    "shortlink", "started_at", "page_id", "incident_updates", "components",
}  # fmt: skip
MAINTENANCE = INCIDENT | {"scheduled_for", "scheduled_until"}
UPDATE = {
    "id", "status", "body", "incident_id", "created_at", "updated_at", "display_at",
    "affected_components", "deliver_notifications", "custom_tweet", "tweet_id",
}  # fmt: skip
AFFECTED = {"code", "name", "old_status", "new_status"}
OTHER_PUBLIC = ["/history.atom", "/history.rss", "/status"]


@pytest.fixture
def seeded(app: FastAPI, client: TestClient, admin: User, clock: Clock) -> Seeded:
    body = {"name": SECRET_SERVICE, "tier": 1}
    assert client.post("/api/v1/services", json=body, headers=admin.headers).status_code == 201
    internal = declare(client, admin, title=SECRET_TITLE, services=[SECRET_SERVICE])
    return seed(app, clock, internal["ref"], service=SECRET_SERVICE)


def get(client: TestClient, path: str) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    found: dict[str, Any] = response.json()
    return found


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [i["id"] for i in items]


def check_incident(doc: dict[str, Any], fields: set[str]) -> None:
    assert set(doc) == fields
    for update in doc["incident_updates"]:
        assert set(update) == UPDATE
        assert update["incident_id"] == doc["id"]
        for item in update["affected_components"] or []:
            assert set(item) == AFFECTED
    for component in doc["components"]:
        assert set(component) == COMPONENT


def test_summary_reads_like_statuspage(client: TestClient, seeded: Seeded) -> None:
    summary = get(client, f"{V2}/summary.json")
    assert list(summary) == ["page", "components", "incidents", "scheduled_maintenances", "status"]
    assert set(summary["page"]) == PAGE
    assert summary["page"]["time_zone"] == "Etc/UTC"
    assert summary["page"]["url"].endswith("/status")
    assert summary["status"] == {"indicator": "critical", "description": "Major System Outage"}

    by_name = {c["name"]: c for c in summary["components"]}
    assert list(by_name) == ["Shop", "Checkout", "Search", "Docs"]
    shop, checkout, docs = by_name["Shop"], by_name["Checkout"], by_name["Docs"]
    assert set(shop) == COMPONENT | {"components"}
    assert (shop["group"], shop["group_id"], shop["status"]) == (True, None, "major_outage")
    assert shop["components"] == [seeded.codes["Checkout"], seeded.codes["Search"]]
    assert set(checkout) == COMPONENT
    assert (checkout["group"], checkout["group_id"]) == (False, seeded.codes["Shop"])
    assert (checkout["status"], docs["status"], docs["group_id"]) == (
        "major_outage", "operational", None
    )  # fmt: skip
    assert by_name["Search"]["description"] == "Finding products"
    assert {c["page_id"] for c in summary["components"]} == {summary["page"]["id"]}

    [critical] = summary["incidents"]
    check_incident(critical, INCIDENT)
    assert (critical["id"], critical["impact"], critical["status"]) == (
        seeded.critical, "critical", "investigating"
    )  # fmt: skip
    assert critical["shortlink"] == f"{summary['page']['url']}/incidents/{seeded.critical}"
    [update] = critical["incident_updates"]
    assert update["affected_components"] == [
        {"code": seeded.codes["Checkout"], "name": "Checkout", "old_status": "operational",
         "new_status": "major_outage"}
    ]  # fmt: skip
    assert sorted(ids(summary["scheduled_maintenances"])) == sorted(
        [seeded.active, seeded.upcoming]
    )
    for maintenance in summary["scheduled_maintenances"]:
        check_incident(maintenance, MAINTENANCE)


def test_every_document_lists_what_statuspage_would(client: TestClient, seeded: Seeded) -> None:
    assert set(get(client, f"{V2}/status.json")) == {"page", "status"}
    listed = get(client, f"{V2}/components.json")
    assert list(listed) == ["page", "components"]
    assert [c["id"] for c in listed["components"]] == list(seeded.codes.values())

    recent = get(client, f"{V2}/incidents.json")["incidents"]
    assert ids(recent) == [seeded.critical, seeded.resolved]  # newest first
    resolved = recent[1]
    check_incident(resolved, INCIDENT)
    assert resolved["status"] == "resolved"
    assert resolved["resolved_at"] is not None
    assert [u["status"] for u in resolved["incident_updates"]] == ["resolved", "investigating"]
    assert ids(get(client, f"{V2}/incidents/unresolved.json")["incidents"]) == [seeded.critical]

    every = get(client, f"{V2}/scheduled-maintenances.json")["scheduled_maintenances"]
    assert ids(every) == [seeded.upcoming, seeded.active]  # the latest window first
    [upcoming] = get(client, f"{V2}/scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
    [active] = get(client, f"{V2}/scheduled-maintenances/active.json")["scheduled_maintenances"]
    assert (upcoming["id"], upcoming["status"]) == (seeded.upcoming, "scheduled")
    assert (active["id"], active["status"], active["impact"]) == (
        seeded.active, "in_progress", "maintenance"
    )  # fmt: skip
    assert upcoming["scheduled_until"] > upcoming["scheduled_for"]


def _id_values(value: Any) -> Iterator[tuple[str, Any]]:
    """Every ``id`` and ``*_id`` field, however deep."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "id" or key.endswith("_id"):
                yield key, inner
            yield from _id_values(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _id_values(inner)


def test_drafts_and_internal_things_stay_inside(client: TestClient, seeded: Seeded) -> None:
    secrets = [DRAFT_NAME, DRAFT_BODY, SECRET_TITLE, SECRET_SERVICE, seeded.draft]
    secrets += [seeded.internal_ref, "Mona Manager"]
    for path in [*JSON_DOCUMENTS, *OTHER_PUBLIC, f"/status/incidents/{seeded.critical}"]:
        body = client.get(path).text
        assert [s for s in secrets if s in body] == [], path
        if path in JSON_DOCUMENTS:
            for key, value in _id_values(client.get(path).json()):
                assert value is None or (isinstance(value, str) and len(value) == 12), (key, value)
    assert client.get(f"/status/incidents/{seeded.draft}").status_code == 404

    [critical] = get(client, f"{V2}/incidents/unresolved.json")["incidents"]
    # The later draft named Docs; until it is approved the incident affects Checkout alone.
    assert [c["name"] for c in critical["components"]] == ["Checkout"]
    assert [u["status"] for u in critical["incident_updates"]] == ["investigating"]
    assert critical["status"] == "investigating"


def test_an_empty_page_is_all_operational(client: TestClient) -> None:
    summary = get(client, f"{V2}/summary.json")
    assert summary["status"] == {"indicator": "none", "description": "All Systems Operational"}
    assert (summary["components"], summary["incidents"], summary["page"]["updated_at"]) == (
        [], [], None
    )  # fmt: skip


def test_times_are_in_the_page_time_zone(app: FastAPI, client: TestClient) -> None:
    app.state.settings.statuspage_time_zone = "America/Chicago"
    make_components(app)
    summary = get(client, f"{V2}/summary.json")
    assert summary["page"]["time_zone"] == "America/Chicago"
    # 22:00 UTC on 23 November is 16:00 in Chicago (CST, six hours behind).
    assert summary["components"][0]["created_at"] == "2026-11-23T16:00:00.000-06:00"
    assert summary["components"][0]["start_date"] == "2026-11-23"


def test_etag_answers_304_until_the_page_changes(
    app: FastAPI, client: TestClient, seeded: Seeded, clock: Clock
) -> None:
    for path in [*JSON_DOCUMENTS, *OTHER_PUBLIC]:
        first = client.get(path)
        tag = first.headers["etag"]
        age = 60 if path.startswith("/history") else 30
        assert first.headers["cache-control"] == f"public, max-age={age}", path
        if path.startswith(V2):
            assert first.headers["access-control-allow-origin"] == "*"
        again = client.get(path, headers={"If-None-Match": tag})
        assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", tag), path
        weak = client.get(path, headers={"If-None-Match": f'"other", W/{tag}'})
        assert weak.status_code == 304
        assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200

    tag = client.get(f"{V2}/components.json").headers["etag"]
    clock.advance(minutes=1)
    with transaction(app.state.sessions) as session:
        docs = components.access_component(session=session, ref="Docs")
        status = ComponentStatus.degraded_performance
        components.do_set_status(session=session, component=docs, status=status, now=clock.now)
    changed = client.get(f"{V2}/components.json", headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != tag


def test_no_cookie_even_for_a_signed_in_member_of_staff(
    client: TestClient, admin: User, seeded: Seeded
) -> None:
    sign_in(client, admin)
    assert client.cookies.get("warroom_session")
    paths = [*JSON_DOCUMENTS, *OTHER_PUBLIC, f"/status/incidents/{seeded.critical}"]
    # Twice: the second answer of a kept document comes from memory.
    for path in [*paths, f"/status/incidents/{seeded.draft}"] * 2:
        response = client.get(path)
        assert "set-cookie" not in response.headers, path
        assert "cookie" not in response.headers.get("vary", "").lower(), path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
    # Reading the public page left the staff session as it was.
    assert client.get("/", follow_redirects=False).status_code == 200
