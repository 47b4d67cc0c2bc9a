"""Roles, participants, tasks, templates, notes and the Markdown export."""

from fastapi.testclient import TestClient

from tests.conftest import Clock, User, make_user
from tests.integration.incidents.helpers import declare, timeline
from warroom.access.rules import Role


def test_roles_pass_between_people(client: TestClient, admin: User, responder: User) -> None:
    ref = declare(client, admin, severity="SEV1")["ref"]
    response = client.post(
        f"/api/v1/incidents/{ref}/roles",
        json={"role": "commander", "person": responder.email},
        headers=admin.headers,
    )
    assert response.status_code == 201
    body = client.get(f"/api/v1/incidents/{ref}", headers=admin.headers).json()
    assert body["commander"]["email"] == responder.email
    assert [r["person"]["email"] for r in body["roles"] if r["role"] == "commander"] == [
        responder.email
    ]
    event = timeline(client, admin, ref)[-1]
    assert event["kind"] == "role_assigned"
    assert (event["before"], event["after"]) == (admin.name, responder.name)


def test_smes_are_many_and_the_major_ic_cannot_be_removed(
    client: TestClient, admin: User, responder: User
) -> None:
    ref = declare(client, admin, severity="SEV2")["ref"]
    for who in (admin, responder):
        client.post(
            f"/api/v1/incidents/{ref}/roles",
            json={"role": "sme", "person": who.email},
            headers=admin.headers,
        )
    roles = client.get(f"/api/v1/incidents/{ref}", headers=admin.headers).json()["roles"]
    assert len([r for r in roles if r["role"] == "sme"]) == 2
    ic = next(r for r in roles if r["role"] == "commander")
    response = client.delete(f"/api/v1/incidents/{ref}/roles/{ic['id']}", headers=admin.headers)
    assert response.status_code == 409
    sme = next(r for r in roles if r["role"] == "sme")
    assert (
        client.delete(
            f"/api/v1/incidents/{ref}/roles/{sme['id']}", headers=admin.headers
        ).status_code
        == 204
    )


def test_ic_releases_and_time_to_innocence_is_kept(
    client: TestClient, app: object, admin: User, responder: User, clock: Clock
) -> None:
    ref = declare(client, admin, severity="SEV1")["ref"]
    joined = client.post(
        f"/api/v1/incidents/{ref}/participants",
        json={"person": responder.email, "reason": "DBA on call"},
        headers=admin.headers,
    )
    assert joined.status_code == 201
    pid = joined.json()["id"]
    clock.advance(minutes=42)
    denied = client.post(
        f"/api/v1/incidents/{ref}/participants/{pid}/release", headers=responder.headers
    )
    assert denied.status_code == 403
    released = client.post(
        f"/api/v1/incidents/{ref}/participants/{pid}/release", headers=admin.headers
    )
    assert released.status_code == 200
    assert released.json()["time_to_innocence_seconds"] == 42 * 60
    assert "you're clear" in timeline(client, admin, ref)[-1]["text"]
    again = client.post(
        f"/api/v1/incidents/{ref}/participants/{pid}/release", headers=admin.headers
    )
    assert again.status_code == 409


def test_commander_cannot_be_released(client: TestClient, admin: User) -> None:
    body = declare(client, admin, severity="SEV1")
    ic = next(p for p in body["participants"] if p["person"]["email"] == admin.email)
    response = client.post(
        f"/api/v1/incidents/{body['ref']}/participants/{ic['id']}/release", headers=admin.headers
    )
    assert response.status_code == 409


def test_unknown_person_is_named(client: TestClient, admin: User) -> None:
    ref = declare(client, admin)["ref"]
    response = client.post(
        f"/api/v1/incidents/{ref}/participants",
        json={"person": "ghost@example.com", "reason": "x"},
        headers=admin.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "person"
    empty = client.post(
        f"/api/v1/incidents/{ref}/participants",
        json={"person": admin.email, "reason": " "},
        headers=admin.headers,
    )
    assert empty.json()["errors"][0]["field"] == "reason"


def test_tasks_by_hand(client: TestClient, admin: User, responder: User, clock: Clock) -> None:
    ref = declare(client, admin, severity="SEV3")["ref"]
    made = client.post(
        f"/api/v1/incidents/{ref}/tasks",
        json={
            "title": "Fail over the database",
            "assignee": responder.email,
            "due_at": "2026-11-23T23:00:00Z",
        },
        headers=admin.headers,
    )
    assert made.status_code == 201
    task = made.json()
    assert task["assignee"]["email"] == responder.email
    clock.advance(minutes=3)
    done = client.patch(
        f"/api/v1/incidents/{ref}/tasks/{task['id']}",
        json={"status": "done"},
        headers=responder.headers,
    ).json()
    assert done["status"] == "done"
    assert done["completed_at"] == "2026-11-23T22:03:00Z"
    kinds = [e["kind"] for e in timeline(client, admin, ref)]
    assert kinds[-2:] == ["task_added", "task_updated"]
    bad = client.post(
        f"/api/v1/incidents/{ref}/tasks",
        json={"title": "x", "assignee": "nobody@example.com"},
        headers=admin.headers,
    )
    assert bad.json()["errors"][0]["field"] == "assignee"


def test_templates_are_editable_and_applied(client: TestClient, app: object, admin: User) -> None:
    manager = make_user(app, Role.manager, "Mona Manager")  # type: ignore[arg-type]
    viewer = make_user(app, Role.viewer, "Vic Viewer")  # type: ignore[arg-type]
    template = {
        "name": "Database outage",
        "kind": "service",
        "severities": ["SEV3"],
        "items": [
            {"title": "Page the DBA", "due_minutes": 10},
            {"title": "Check replication", "role": "commander"},
        ],
    }
    assert (
        client.post("/api/v1/task-templates", json=template, headers=viewer.headers).status_code
        == 403
    )
    made = client.post("/api/v1/task-templates", json=template, headers=manager.headers)
    assert made.status_code == 201
    incident = declare(client, admin, severity="SEV3")
    assert [t["title"] for t in incident["tasks"]] == ["Page the DBA", "Check replication"]
    edited = template | {"auto_apply": False, "items": [{"title": "Only this"}]}
    tid = made.json()["id"]
    assert (
        client.put(
            f"/api/v1/task-templates/{tid}", json=edited, headers=manager.headers
        ).status_code
        == 200
    )
    assert declare(client, admin, severity="SEV3")["tasks"] == []
    applied = client.post(
        f"/api/v1/incidents/{incident['ref']}/tasks/from-template",
        json={"template_id": tid},
        headers=admin.headers,
    )
    assert [t["title"] for t in applied.json()] == ["Only this"]
    bad = client.post(
        "/api/v1/task-templates",
        json=template | {"name": "x", "items": []},
        headers=manager.headers,
    )
    assert bad.json()["errors"][0]["field"] == "items"


def test_back_dated_note_keeps_both_times(client: TestClient, admin: User) -> None:
    ref = declare(client, admin)["ref"]
    response = client.post(
        f"/api/v1/incidents/{ref}/timeline",
        json={"text": "Disk alarm on db-01 **fired**", "occurred_at": "2026-11-23T21:40:00Z"},
        headers=admin.headers,
    )
    assert response.status_code == 201
    note = response.json()
    assert note["occurred_at"] == "2026-11-23T21:40:00Z"
    assert note["recorded_at"] == "2026-11-23T22:00:00Z"
    # The timeline is in the order things happened, not the order they were written down.
    assert timeline(client, admin, ref)[0]["text"] == "Disk alarm on db-01 **fired**"


def test_markdown_export_in_the_readers_zone(client: TestClient, admin: User) -> None:
    ref = declare(client, admin, title="Checkout | down")["ref"]
    client.post(
        f"/api/v1/incidents/{ref}/timeline", json={"text": "Rolled back"}, headers=admin.headers
    )
    response = client.get(
        f"/api/v1/incidents/{ref}/timeline.md?tz=Europe/Amsterdam", headers=admin.headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    text = response.text
    assert text.startswith(f"# {ref}: Checkout | down")
    assert "2026-11-23 23:00:00 CET" in text
    assert "| Rolled back |" in text
    bad = client.get(f"/api/v1/incidents/{ref}/timeline.md?tz=Mars/Olympus", headers=admin.headers)
    assert bad.status_code == 422
