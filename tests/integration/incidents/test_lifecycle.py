"""Status, severity and milestones over an incident's life, and edit conflicts."""

import threading

from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.incidents.helpers import declare, timeline


def test_walk_the_statuses_and_timestamp_each(
    client: TestClient, admin: User, clock: Clock
) -> None:
    # A SEV3: it closes without a postmortem (tests/integration/reviews cover the majors).
    ref = declare(client, admin, severity="SEV3")["ref"]
    seen = {}
    for status in ("investigating", "identified", "monitoring", "resolved", "closed"):
        at = clock.advance(minutes=10)
        response = client.patch(
            f"/api/v1/incidents/{ref}", json={"status": status}, headers=admin.headers
        )
        assert response.status_code == 200, response.text
        seen[status] = at.isoformat().replace("+00:00", "Z")
    body = response.json()
    assert body["acknowledged_at"] == seen["investigating"]
    assert body["mitigated_at"] == seen["monitoring"]
    assert body["resolved_at"] == seen["resolved"]
    assert body["closed_at"] == seen["closed"]
    changes = [e for e in timeline(client, admin, ref) if e["kind"] == "status_changed"]
    assert [(e["before"], e["after"]) for e in changes] == [
        ("triage", "investigating"),
        ("investigating", "identified"),
        ("identified", "monitoring"),
        ("monitoring", "resolved"),
        ("resolved", "closed"),
    ]
    assert [e["occurred_at"] for e in changes] == list(seen.values())


def test_severity_change_is_recorded_and_brings_a_commander(
    client: TestClient, responder: User
) -> None:
    ref = declare(client, responder, severity="SEV3")["ref"]
    response = client.patch(
        f"/api/v1/incidents/{ref}",
        json={"severity": "SEV1", "message": "checkout fully down"},
        headers=responder.headers,
    )
    body = response.json()
    assert body["severity"] == "SEV1"
    assert body["commander"]["email"] == responder.email
    event = next(e for e in timeline(client, responder, ref) if e["kind"] == "severity_changed")
    assert (event["before"], event["after"]) == ("SEV3", "SEV1")
    assert "checkout fully down" in event["text"]
    assert event["actor"]["email"] == responder.email


def test_resolve_then_reopen(client: TestClient, admin: User, clock: Clock) -> None:
    ref = declare(client, admin)["ref"]
    clock.advance(minutes=30)
    assert (
        client.patch(
            f"/api/v1/incidents/{ref}", json={"status": "resolved"}, headers=admin.headers
        ).json()["resolved_at"]
        is not None
    )
    clock.advance(minutes=5)
    body = client.patch(
        f"/api/v1/incidents/{ref}",
        json={"status": "investigating", "message": "errors are back"},
        headers=admin.headers,
    ).json()
    assert body["status"] == "investigating"
    assert body["resolved_at"] is None


def test_milestones_can_be_corrected(client: TestClient, admin: User) -> None:
    ref = declare(client, admin)["ref"]
    response = client.patch(
        f"/api/v1/incidents/{ref}",
        json={"started_at": "2026-11-23T21:15:00Z"},
        headers=admin.headers,
    )
    assert response.json()["started_at"] == "2026-11-23T21:15:00Z"
    event = timeline(client, admin, ref)[-1]
    assert event["kind"] == "milestone_changed"
    assert event["after"].startswith("2026-11-23T21:15:00")


def test_stale_version_is_409_with_current_state(
    client: TestClient, admin: User, responder: User
) -> None:
    incident = declare(client, admin)
    ref, version = incident["ref"], incident["version"]
    first = client.patch(
        f"/api/v1/incidents/{ref}",
        json={"version": version, "title": "Checkout failing"},
        headers=admin.headers,
    )
    assert first.status_code == 200
    assert first.json()["version"] == version + 1
    second = client.patch(
        f"/api/v1/incidents/{ref}",
        json={"version": version, "title": "Orders broken"},
        headers=responder.headers,
    )
    assert second.status_code == 409
    assert second.headers["content-type"] == "application/problem+json"
    assert second.json()["current"]["title"] == "Checkout failing"
    assert second.json()["current"]["version"] == version + 1
    stored = client.get(f"/api/v1/incidents/{ref}", headers=admin.headers).json()
    assert stored["title"] == "Checkout failing"


def test_if_match_header_is_a_version(client: TestClient, admin: User) -> None:
    ref = declare(client, admin)["ref"]
    stale = client.patch(
        f"/api/v1/incidents/{ref}",
        json={"title": "x"},
        headers=admin.headers | {"If-Match": '"99"'},
    )
    assert stale.status_code == 409


def test_simultaneous_edits_do_not_both_win(client: TestClient, admin: User) -> None:
    incident = declare(client, admin)
    ref, version = incident["ref"], incident["version"]
    results: list[int] = []
    barrier = threading.Barrier(2)

    def edit(title: str) -> None:
        barrier.wait()
        response = client.patch(
            f"/api/v1/incidents/{ref}",
            json={"version": version, "title": title},
            headers=admin.headers,
        )
        results.append(response.status_code)

    threads = [threading.Thread(target=edit, args=(t,)) for t in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409]
    stored = client.get(f"/api/v1/incidents/{ref}", headers=admin.headers).json()
    assert stored["version"] == version + 1


def test_list_filters_and_cursor(client: TestClient, admin: User, clock: Clock) -> None:
    client.post("/api/v1/services", json={"name": "orders", "tier": 1}, headers=admin.headers)
    refs = []
    for index in range(5):
        clock.advance(minutes=1)
        refs.append(
            declare(
                client,
                admin,
                title=f"i{index}",
                severity="SEV1" if index % 2 else "SEV3",
                kind="security" if index == 4 else "service",
                services=["orders"] if index == 1 else [],
            )["ref"]
        )
    client.patch(f"/api/v1/incidents/{refs[0]}", json={"status": "resolved"}, headers=admin.headers)

    def refs_for(query: str) -> list[str]:
        response = client.get(f"/api/v1/incidents?{query}", headers=admin.headers)
        assert response.status_code == 200, response.text
        return [i["ref"] for i in response.json()["items"]]

    assert refs_for("severity=SEV1") == [refs[3], refs[1]]
    assert refs_for("kind=security") == [refs[4]]
    assert refs_for("service=orders") == [refs[1]]
    assert refs_for("status=resolved") == [refs[0]]
    assert refs[0] not in refs_for("status=active")
    assert refs_for("since=2026-11-23T22:03:30Z") == [refs[4], refs[3]]
    page = client.get("/api/v1/incidents?limit=2", headers=admin.headers).json()
    collected = [i["ref"] for i in page["items"]]
    while page["next_cursor"]:
        page = client.get(
            f"/api/v1/incidents?limit=2&cursor={page['next_cursor']}", headers=admin.headers
        ).json()
        collected += [i["ref"] for i in page["items"]]
    assert collected == list(reversed(refs))
