"""Escalation policies, a service's policy, paging routes, contact methods and notification
rules through the API: what is stored, what is refused and who may change it."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import User, make_user
from tests.integration.oncall.paging_helpers import make_schedule, ok
from warroom.access.rules import Role

URL = "/api/v1/escalation-policies"


def _setup(client: TestClient, app: FastAPI, admin: User) -> User:
    ann = make_user(app, Role.responder, "Ann")
    ok(
        client.post(
            "/api/v1/teams", json={"name": "Operations", "lead": ann.email}, headers=admin.headers
        ),
        201,
    )
    ok(
        client.post(
            "/api/v1/services", json={"name": "payments", "tier": 1}, headers=admin.headers
        ),
        201,
    )
    make_schedule(app, "Payments primary", ann.person_id)
    return ann


def _policy(ann: User, **extra: Any) -> dict[str, Any]:
    return {
        "name": "Payments",
        "description": "Card payments",
        "repeat": 1,
        "steps": [
            {"delay_minutes": 5, "targets": [{"schedule": "Payments primary"}]},
            {"delay_minutes": 15, "targets": [{"person": ann.email}, {"team": "Operations"}]},
        ],
    } | extra


def test_create_show_replace_and_delete_a_policy(
    client: TestClient, app: FastAPI, admin: User, viewer: User
) -> None:
    ann = _setup(client, app, admin)
    made = client.post(URL, json=_policy(ann), headers=admin.headers)
    assert made.status_code == 201, made.text
    assert made.headers["location"] == f"{URL}/{made.json()['id']}"
    shown = ok(client.get(f"{URL}/Payments", headers=viewer.headers))
    assert shown["repeat"] == 1
    assert [[(t["kind"], t["name"]) for t in s["targets"]] for s in shown["steps"]] == [
        [("schedule", "Payments primary")],
        [("person", "Ann"), ("team", "Operations")],
    ]
    assert shown["steps"][1]["targets"][0]["email"] == ann.email
    assert ok(client.get(f"{URL}/{shown['id']}", headers=viewer.headers))["name"] == "Payments"
    one_step = _policy(
        ann, name="Payments 2", repeat=0, steps=[{"targets": [{"person": ann.email}]}]
    )
    replaced = ok(client.put(f"{URL}/Payments", json=one_step, headers=admin.headers))
    assert (replaced["name"], replaced["repeat"], len(replaced["steps"])) == ("Payments 2", 0, 1)
    assert replaced["steps"][0]["delay_minutes"] == 15
    assert [p["name"] for p in ok(client.get(URL, headers=viewer.headers))] == ["Payments 2"]
    assert client.delete(f"{URL}/Payments 2", headers=admin.headers).status_code == 204
    assert client.get(f"{URL}/Payments 2", headers=viewer.headers).status_code == 404


def _field_of(response: Any) -> str:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    field: str = response.json()["errors"][0]["field"]
    return field


def test_bad_policies_are_refused_naming_the_field(
    client: TestClient, app: FastAPI, admin: User
) -> None:
    ann = _setup(client, app, admin)
    h = admin.headers
    unknown_person = {
        "targets": [{"schedule": "Payments primary"}, {"person": "ghost@example.com"}]
    }
    cases: dict[str, dict[str, Any]] = {
        "steps.0.targets.1.person": {"steps": [unknown_person]},
        "steps.1.targets.0.schedule": {
            "steps": [{"targets": [{"person": ann.email}]}, {"targets": [{"schedule": "Nope"}]}]
        },
        "steps.0.targets.0.team": {"steps": [{"targets": [{"team": "Nope"}]}]},
        "steps": {"steps": []},
        "steps.0.targets": {"steps": [{"targets": []}]},
        "repeat": {"repeat": 10},
        "steps.0.delay_minutes": {
            "steps": [{"delay_minutes": -1, "targets": [{"person": ann.email}]}]
        },
    }
    for field, change in cases.items():
        assert _field_of(client.post(URL, json=_policy(ann, **change), headers=h)) == field, field
    two = {"steps": [{"targets": [{"person": ann.email, "team": "Operations"}]}]}
    assert _field_of(client.post(URL, json=_policy(ann, **two), headers=h)).startswith(
        "steps.0.targets.0"
    )
    assert ok(client.get(URL, headers=h)) == []  # nothing half-written
    ok(client.post(URL, json=_policy(ann), headers=h), 201)
    assert client.post(URL, json=_policy(ann), headers=h).status_code == 409


def test_viewers_read_and_managers_write(
    client: TestClient, app: FastAPI, admin: User, viewer: User, responder: User
) -> None:
    ann = _setup(client, app, admin)
    manager = make_user(app, Role.manager, "Mona Manager")
    assert client.post(URL, json=_policy(ann), headers=responder.headers).status_code == 403
    assert client.get(URL).status_code == 401
    ok(client.post(URL, json=_policy(ann), headers=manager.headers), 201)
    assert client.delete(f"{URL}/Payments", headers=viewer.headers).status_code == 403
    body = {"policy": "Payments"}
    assert (
        client.put(
            "/api/v1/services/payments/escalation-policy", json=body, headers=viewer.headers
        ).status_code
        == 403
    )
    assert (
        client.put("/api/v1/paging-routes", json={}, headers=responder.headers).status_code == 403
    )


def test_a_service_policy_is_assigned_shown_and_protects_the_policy(
    client: TestClient, app: FastAPI, admin: User, viewer: User
) -> None:
    ann = _setup(client, app, admin)
    ok(client.post(URL, json=_policy(ann), headers=admin.headers), 201)
    path = "/api/v1/services/payments/escalation-policy"
    assert client.get(path, headers=viewer.headers).status_code == 404
    assigned = ok(client.put(path, json={"policy": "Payments"}, headers=admin.headers))
    assert assigned == {"service": "payments", "policy": "Payments"}
    assert ok(client.get(path, headers=viewer.headers)) == assigned
    assert ok(client.get(f"{URL}/Payments", headers=viewer.headers))["services"] == ["payments"]
    in_use = client.delete(f"{URL}/Payments", headers=admin.headers)
    assert in_use.status_code == 409
    assert "service payments" in in_use.json()["detail"]
    assert _field_of(client.put(path, json={"policy": "Nope"}, headers=admin.headers)) == "policy"
    assert (
        client.put(
            "/api/v1/services/nope/escalation-policy",
            json={"policy": "Payments"},
            headers=admin.headers,
        ).status_code
        == 404
    )
    assert client.delete(path, headers=admin.headers).status_code == 204
    assert client.delete(f"{URL}/Payments", headers=admin.headers).status_code == 204


def test_paging_routes_are_replaced_whole(
    client: TestClient, app: FastAPI, admin: User, viewer: User
) -> None:
    ann = _setup(client, app, admin)
    ok(client.post(URL, json=_policy(ann), headers=admin.headers), 201)
    empty = {"security": None, "default": None, "commander": None}
    assert ok(client.get("/api/v1/paging-routes", headers=viewer.headers)) == empty
    routes = {"default": "Payments", "security": "Payments", "commander": "Payments primary"}
    assert ok(client.put("/api/v1/paging-routes", json=routes, headers=admin.headers)) == routes
    assert ok(client.get(f"{URL}/Payments", headers=viewer.headers))["routes"] == [
        "default",
        "security",
    ]
    assert ok(
        client.put("/api/v1/paging-routes", json={"default": "Payments"}, headers=admin.headers)
    ) == empty | {"default": "Payments"}
    bad = client.put("/api/v1/paging-routes", json={"commander": "Nope"}, headers=admin.headers)
    assert _field_of(bad) == "commander"
    assert (
        _field_of(
            client.put("/api/v1/paging-routes", json={"security": "Nope"}, headers=admin.headers)
        )
        == "security"
    )
    assert ok(client.get("/api/v1/paging-routes", headers=viewer.headers)) == empty | {
        "default": "Payments"
    }


def test_contact_methods_and_rules_are_validated_and_private(
    client: TestClient, app: FastAPI, admin: User, viewer: User, responder: User
) -> None:
    me = "/api/v1/me/contact-methods"
    h = viewer.headers
    bad = {
        "not-an-email": ("email", "address"),
        "ftp://hooks.example.com/x": ("webhook", "address"),
        "https://": ("webhook", "address"),
        "just words": ("apprise", "address"),
    }
    for address, (kind, field) in bad.items():
        assert (
            _field_of(client.post(me, json={"kind": kind, "address": address}, headers=h)) == field
        )
    assert (
        _field_of(client.post(me, json={"kind": "sms", "address": "+4412345"}, headers=h)) == "kind"
    )
    slack = ok(
        client.post(me, json={"kind": "apprise", "address": "slack://T1/B2/C3"}, headers=h), 201
    )
    hook = ok(
        client.post(
            me, json={"kind": "webhook", "address": "http://10.0.0.5:8080/page"}, headers=h
        ),
        201,
    )
    assert [m["id"] for m in ok(client.get(me, headers=h))] == [slack["id"], hook["id"]]
    theirs = ok(
        client.post(
            me, json={"kind": "email", "address": "rita@example.com"}, headers=responder.headers
        ),
        201,
    )
    rules = "/api/v1/me/notification-rules"
    assert (
        _field_of(client.post(rules, json={"contact_method": theirs["id"]}, headers=h))
        == "contact_method"
    )
    assert client.delete(f"{me}/{theirs['id']}", headers=h).status_code == 404
    rule = ok(
        client.post(rules, json={"contact_method": hook["id"], "delay_minutes": 5}, headers=h), 201
    )
    assert rule["contact_method"]["id"] == hook["id"]
    changed = ok(
        client.put(
            f"{me}/{hook['id']}",
            json={"kind": "webhook", "address": "https://x.example.com/p"},
            headers=h,
        )
    )
    assert changed["address"] == "https://x.example.com/p"
    assert client.delete(f"{me}/{hook['id']}", headers=h).status_code == 204
    assert ok(client.get(rules, headers=h)) == []  # the rule went with its method
    someone = f"/api/v1/people/{viewer.person_id}/contact-methods"
    assert client.get(someone, headers=responder.headers).status_code == 403
    assert [m["id"] for m in ok(client.get(someone, headers=admin.headers))] == [slack["id"]]
    assert (
        client.get("/api/v1/people/9999/contact-methods", headers=admin.headers).status_code == 404
    )
