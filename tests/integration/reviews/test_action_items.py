"""Action items and reminders on SQLite and PostgreSQL: items added to an incident and listed
across incidents by status, owner and lateness; bad input named; the worker reminds a
postmortem's owner a day before it is due and once it is late, and an item's owner once it is
late — each once; a restricted incident's postmortem and items reach none of the others."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import Clock, User, make_user
from tests.integration.incidents.helpers import declare, timeline
from tests.integration.reviews.helpers import ok, resolved_incident
from warroom.access.rules import Role
from warroom.db import transaction
from warroom.jobs import worker_jobs
from warroom.oncall.models import Delivery
from warroom.oncall.worker import Worker
from warroom.reviews.models import ActionItem


def worker(app: FastAPI, clock: Clock) -> Worker:
    settings = app.state.settings.model_copy(update={"worker_interval_seconds": 1e-6})
    return Worker.build(
        app.state.sessions, clock, settings, app.state.secret_key, worker_jobs(settings)
    )


def told(app: FastAPI, start: str) -> list[tuple[str, str]]:
    with transaction(app.state.sessions) as session:
        query = select(Delivery).where(Delivery.subject.startswith(start))
        return [(d.address, d.subject) for d in session.scalars(query.order_by(Delivery.id))]


def add(client: TestClient, user: User, ref: str, **fields: object) -> dict[str, object]:
    body = {"title": "Alert on pool exhaustion", "type": "detect"} | fields
    url = f"/api/v1/incidents/{ref}/action-items"
    made: dict[str, object] = ok(client.post(url, json=body, headers=user.headers), 201)
    return made


def titles(client: TestClient, user: User, query: str = "") -> list[str]:
    rows = ok(client.get(f"/api/v1/action-items{query}", headers=user.headers))
    return [r["title"] for r in rows]


def test_action_items_are_tracked_and_listed_across_incidents(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    first = declare(client, admin, severity="SEV2")["ref"]
    second = declare(client, admin, severity="SEV3", title="Wiki slow")["ref"]
    today = clock.now.date()
    alert = add(client, admin, first, owner=responder.email, due_on=str(today),
                tracker_url="https://tracker.example/OPS-12")  # fmt: skip
    assert (alert["status"], alert["owner"]["email"], alert["overdue"]) == (  # type: ignore[index]
        "open",
        responder.email,
        False,
    )
    add(client, admin, first, title="Runbook for failover", type="process")
    add(client, responder, second, title="Cache the search index", type="prevent",
        due_on=str(today + timedelta(days=7)))  # fmt: skip
    clock.advance(days=1)
    assert titles(client, admin, "?overdue=true") == ["Alert on pool exhaustion"]
    assert titles(client, admin, f"?owner={responder.email}") == ["Alert on pool exhaustion"]
    assert titles(client, admin, "?overdue=false") == [
        "Cache the search index",
        "Runbook for failover",
    ]
    item_url = f"/api/v1/action-items/{alert['id']}"
    start = {"status": "in_progress", "owner": None}
    moved = ok(client.patch(item_url, json=start, headers=admin.headers))
    assert (moved["status"], moved["owner"], moved["overdue"]) == ("in_progress", None, True)
    done = ok(client.patch(item_url,
                           json={"status": "done", "version": moved["version"]},
                           headers=responder.headers))  # fmt: skip
    assert done["completed_at"] is not None
    assert titles(client, admin, "?status=done") == ["Alert on pool exhaustion"]
    assert titles(client, admin, "?status=open&status=in_progress&overdue=true") == []
    assert titles(client, admin, f"?incident={second}") == ["Cache the search index"]
    per_incident = ok(client.get(f"/api/v1/incidents/{first}/action-items", headers=admin.headers))
    assert [r["title"] for r in per_incident] == [
        "Alert on pool exhaustion",
        "Runbook for failover",
    ]
    texts = [e["text"] for e in timeline(client, admin, first)]
    assert f"Action item {alert['id']} changed: status (now done)" in texts


def test_bad_action_items_name_the_field_and_write_nothing(
    client: TestClient, admin: User, viewer: User
) -> None:
    ref = declare(client, admin, severity="SEV2")["ref"]
    url = f"/api/v1/incidents/{ref}/action-items"
    cases = [
        ({"title": "x", "type": "fix"}, "type"),
        ({"title": "", "type": "detect"}, "title"),
        ({"title": "x", "type": "detect", "owner": "nobody@example.com"}, "owner"),
        ({"title": "x", "type": "detect", "tracker_url": "javascript:alert(1)"}, "tracker_url"),
        ({"title": "x", "type": "detect", "due_on": "next week"}, "due_on"),
        ({"title": "x", "type": "detect", "status": "closed"}, "status"),
    ]
    for body, field in cases:
        answer = client.post(url, json=body, headers=admin.headers)
        assert answer.status_code == 422, body
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in answer.json()["errors"]] == [field], body
    assert (
        client.post(url, json={"title": "x", "type": "detect"}, headers=viewer.headers).status_code
        == 403
    )
    made = add(client, admin, ref)
    stale = client.patch(f"/api/v1/action-items/{made['id']}",
                         json={"title": "y", "version": 99}, headers=admin.headers)  # fmt: skip
    assert stale.status_code == 409
    assert (
        client.patch("/api/v1/action-items/999", json={}, headers=admin.headers).status_code == 404
    )
    assert client.get("/api/v1/action-items?status=late", headers=admin.headers).status_code == 422
    with transaction(client.app.state.sessions) as session:  # type: ignore[attr-defined]
        assert session.scalar(select(func.count()).select_from(ActionItem)) == 1
        assert session.get(ActionItem, made["id"]).title == "Alert on pool exhaustion"  # type: ignore[union-attr]


def test_the_worker_reminds_of_a_postmortem_coming_due_and_late_once_each(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    ref = resolved_incident(client, admin, clock, severity="SEV1")  # due in 3 days
    loop = worker(app, clock)
    clock.advance(days=1, hours=23)
    loop.tick()
    assert told(app, "Postmortem") == []
    clock.advance(hours=1, minutes=1)
    loop.tick()
    loop.tick()
    assert told(app, "Postmortem") == [(admin.email, f"Postmortem due soon: {ref} Orders failing")]
    clock.advance(days=1)
    loop.tick()
    loop.tick()
    assert told(app, "Postmortem overdue") == [
        (admin.email, f"Postmortem overdue: {ref} Orders failing")
    ]
    base = f"/api/v1/incidents/{ref}/postmortem"
    ok(client.post(base + "/submit", headers=admin.headers))
    ok(client.post(base + "/publish", headers=admin.headers))
    clock.advance(days=3)
    loop.tick()
    assert len(told(app, "Postmortem")) == 2


def test_the_worker_reminds_an_owner_of_a_late_action_item_once(
    app: FastAPI, client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    ref = declare(client, admin, severity="SEV3")["ref"]
    today: date = clock.now.date()
    add(client, admin, ref, owner=responder.email, due_on=str(today))
    finished = add(client, admin, ref, title="Done already", owner=responder.email,
                   due_on=str(today), status="done")  # fmt: skip
    assert finished["completed_at"] is not None
    loop = worker(app, clock)
    loop.tick()
    assert told(app, "Action item overdue") == []
    clock.advance(days=1)
    loop.tick()
    loop.tick()
    subject = f"Action item overdue: Alert on pool exhaustion ({ref})"
    assert told(app, "Action item overdue") == [(responder.email, subject)]


def test_a_restricted_incidents_postmortem_and_items_reach_only_its_members(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    member = make_user(app, Role.responder, "Mia Member")
    outsider = make_user(app, Role.manager, "Otto Outsider")
    ref = declare(client, member, severity="SEV1", kind="security", title="Web shell")["ref"]
    # The outsider owns an item (assigned before anyone thought about it): still told nothing.
    hidden = add(client, member, ref, title="Rotate the keys", owner=outsider.email,
                 due_on=str(clock.now.date()))  # fmt: skip
    clock.advance(hours=1)
    ok(client.patch(f"/api/v1/incidents/{ref}", json={"status": "resolved"},
                    headers=member.headers))  # fmt: skip
    open_ref = declare(client, admin, severity="SEV2", title="Orders slow")["ref"]
    add(client, admin, open_ref, title="Add an index")

    assert ok(client.get("/api/v1/postmortems", headers=outsider.headers)) == []
    assert titles(client, outsider) == ["Add an index"]
    assert titles(client, outsider, "?overdue=false") == ["Add an index"]
    for path in (f"/api/v1/incidents/{ref}/postmortem", f"/api/v1/incidents/{ref}/action-items",
                 f"/api/v1/action-items?incident={ref}"):  # fmt: skip
        assert client.get(path, headers=outsider.headers).status_code == 404, path
    edit = client.patch(f"/api/v1/action-items/{hidden['id']}", json={"status": "done"},
                        headers=outsider.headers)  # fmt: skip
    assert edit.status_code == 404
    assert [
        p["incident"] for p in ok(client.get("/api/v1/postmortems", headers=member.headers))
    ] == [ref]
    assert "Rotate the keys" in titles(client, member)

    loop = worker(app, clock)
    clock.advance(days=4)
    loop.tick()
    assert told(app, "Action item overdue") == []  # the outsider may not hear of it
    assert told(app, "Postmortem overdue") == [
        (member.email, f"Postmortem overdue: {ref} Web shell")
    ]


def test_a_late_item_with_no_owner_is_reminded_once_it_gets_one(
    app: FastAPI, client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    ref = declare(client, admin, severity="SEV3")["ref"]
    item = add(client, admin, ref, due_on=str(clock.now.date()))
    loop = worker(app, clock)
    clock.advance(days=1)
    loop.tick()
    assert told(app, "Action item overdue") == []  # nobody to tell, and nothing used up
    owner = {"owner": responder.email}
    ok(client.patch(f"/api/v1/action-items/{item['id']}", json=owner, headers=admin.headers))
    loop.tick()
    loop.tick()
    subject = f"Action item overdue: Alert on pool exhaustion ({ref})"
    assert told(app, "Action item overdue") == [(responder.email, subject)]
