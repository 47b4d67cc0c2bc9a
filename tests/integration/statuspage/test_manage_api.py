"""The status page's management API on SQLite and PostgreSQL: components in groups, a public
incident opened from an internal one as a draft, approval by the communications lead or the
commander only, and bad input refused whole, naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User, make_user
from tests.integration.incidents.helpers import timeline
from tests.integration.statuspage.staff_helpers import (
    component,
    count,
    fields,
    history,
    ok,
    problem,
    seed_components,
    war,
)
from warroom.access.rules import Role
from warroom.incidents.models import TimelineEvent
from warroom.statuspage.models import PublicIncident, PublicUpdate, StatusComponent

COMPONENTS = "/api/v1/status-components"
PUBLIC = "/api/v1/public-incidents"


def approve(client: TestClient, user: User, code: str) -> Any:
    return client.post(f"/api/v1/public-updates/{code}/approve", headers=user.headers)


def test_components_sit_in_groups_and_a_responder_only_sets_their_status(
    app: FastAPI, client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_components(client, admin)
    listed = ok(client.get(COMPONENTS, headers=responder.headers))
    assert [(c["name"], c["group"], c["service"], c["status"]) for c in listed] == [
        ("Shop", None, None, "operational"),
        ("Checkout", "Shop", "orders", "operational"),
        ("Search", "Shop", None, "operational"),
        ("Docs", None, "wiki", "operational"),
    ]
    assert [c["position"] for c in listed] == [1, 2, 3, 4]
    assert len({c["code"] for c in listed}) == 4

    clock.advance(minutes=5)
    degraded = client.patch(
        f"{COMPONENTS}/Checkout", json={"status": "major_outage"}, headers=responder.headers
    )
    assert ok(degraded)["status"] == "major_outage"
    assert component(client, responder, "Shop")["status"] == "major_outage"  # its worst member
    assert history(app, "Checkout") == ["operational", "major_outage"]

    renamed = client.patch(
        f"{COMPONENTS}/Checkout", json={"name": "Payments"}, headers=responder.headers
    )
    assert problem(renamed, 403)["detail"].startswith("a responder sets a component's status")
    created = client.post(COMPONENTS, json={"name": "Blog"}, headers=responder.headers)
    assert problem(created, 403)["status"] == 403
    moved = client.patch(
        f"{COMPONENTS}/Checkout",
        json={"name": "Payments", "group": None, "position": 9},
        headers=admin.headers,
    )
    assert (ok(moved)["name"], moved.json()["group"], moved.json()["position"]) == (
        "Payments", None, 9
    )  # fmt: skip
    assert component(client, responder, "Shop")["status"] == "operational"

    gone = client.delete(f"{COMPONENTS}/Search", headers=responder.headers)
    assert problem(gone, 403)["status"] == 403
    assert client.delete(f"{COMPONENTS}/Search", headers=admin.headers).status_code == 204
    assert problem(client.get(f"{COMPONENTS}/Search", headers=admin.headers), 404)
    assert [c["name"] for c in ok(client.get(COMPONENTS, headers=admin.headers))] == [
        "Shop", "Docs", "Payments"
    ]  # fmt: skip


def test_the_draft_waits_until_the_communications_lead_approves_it(
    app: FastAPI, client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_components(client, admin)
    room = war(app, client, admin)
    body = {
        "name": "Checkout errors",
        "body": "Some payments fail; we are looking into it.",
        "incident": room.ref.lower(),
        "components": [{"component": "Checkout", "status": "partial_outage"}],
    }
    opened = ok(client.post(PUBLIC, json=body, headers=responder.headers), 201)
    draft = opened["updates"][0]
    assert (opened["incident"], opened["impact"], opened["status"]) == (
        room.ref, "major", "investigating"
    )  # fmt: skip
    assert opened["published_at"] is None
    assert [c["name"] for c in opened["components"]] == ["Checkout"]
    assert (draft["state"], draft["written_by"]["email"], draft["approved_by"]) == (
        "draft", responder.email, None
    )  # fmt: skip
    assert component(client, admin, "Checkout")["status"] == "operational"

    refused = approve(client, responder, draft["code"])
    assert "communications lead or commander" in problem(refused, 403)["detail"]
    assert (
        ok(client.get(f"{PUBLIC}/{opened['code']}", headers=admin.headers))["published_at"] is None
    )

    clock.advance(minutes=3)
    published = ok(approve(client, room.comms, draft["code"]))
    update = published["updates"][0]
    assert published["published_at"] == clock.now.isoformat().replace("+00:00", "Z")
    assert (update["state"], update["approved_by"]["email"]) == ("published", room.comms.email)
    assert update["affected_components"] == [
        {
            "code": component(client, admin, "Checkout")["code"],
            "name": "Checkout",
            "old_status": "operational",
            "new_status": "partial_outage",
        }
    ]
    reread = ok(client.get(f"{PUBLIC}/{opened['code']}", headers=admin.headers))
    assert reread["updates"][0]["affected_components"] == update["affected_components"]
    assert component(client, admin, "Checkout")["status"] == "partial_outage"
    assert component(client, admin, "Shop")["status"] == "partial_outage"
    assert history(app, "Checkout") == ["operational", "partial_outage"]
    kinds = [e["kind"] for e in timeline(client, admin, room.ref)]
    assert kinds[-2:] == ["public_update_drafted", "public_update_published"]
    again = approve(client, room.comms, draft["code"])
    assert fields(problem(again, 422)) == ["state"]
    listed = ok(
        client.get(PUBLIC, params={"incident": room.ref, "open": "true"}, headers=admin.headers)
    )
    assert [p["code"] for p in listed] == [opened["code"]]
    assert ok(client.get(PUBLIC, params={"open": "false"}, headers=admin.headers)) == []


def test_the_commander_approves_their_own_words_and_the_comms_lead_does_not(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    seed_components(client, admin)
    room = war(app, client, admin)
    body = {"name": "Checkout errors", "body": "Investigating.", "incident": room.ref}
    code = ok(client.post(PUBLIC, json=body, headers=room.commander.headers), 201)["code"]
    first = ok(client.get(f"{PUBLIC}/{code}", headers=admin.headers))["updates"][0]["code"]
    assert ok(approve(client, room.commander, first))["status"] == "investigating"

    clock.advance(minutes=20)
    fixed = {
        "status": "monitoring",
        "body": "A fix is out; we are watching.",
        "components": [{"component": "Checkout", "status": "degraded_performance"}],
    }
    drafted = ok(
        client.post(f"{PUBLIC}/{code}/updates", json=fixed, headers=room.comms.headers), 201
    )
    own = drafted["updates"][0]
    assert (own["state"], own["status"]) == ("draft", "monitoring")
    assert drafted["status"] == "investigating"  # the page says so only once approved
    assert problem(approve(client, room.comms, own["code"]), 403)
    monitored = ok(approve(client, room.commander, own["code"]))
    assert (monitored["status"], monitored["monitoring_at"] is not None) == ("monitoring", True)
    assert [u["state"] for u in monitored["updates"]] == ["published", "published"]

    alone = {"name": "Slow search", "body": "Searches are slow.", "impact": "minor"}
    unlinked = ok(client.post(PUBLIC, json=alone, headers=room.comms.headers), 201)
    draft = unlinked["updates"][0]["code"]
    assert problem(approve(client, room.commander, draft), 403)  # no incident: managers only
    assert ok(approve(client, admin, draft))["published_at"] is not None


def test_a_viewer_reads_but_writes_nothing(
    app: FastAPI, client: TestClient, admin: User, viewer: User
) -> None:
    seed_components(client, admin)
    assert len(ok(client.get(COMPONENTS, headers=viewer.headers))) == 4
    body = {"name": "Checkout errors", "body": "Investigating."}
    assert problem(client.post(PUBLIC, json=body, headers=viewer.headers), 403)
    status = {"status": "major_outage"}
    assert problem(client.patch(f"{COMPONENTS}/Docs", json=status, headers=viewer.headers), 403)
    assert problem(client.get(COMPONENTS), 401)
    assert count(app, PublicIncident) == 0


BAD_OPENINGS = [
    ({"components": [{"component": "Nope", "status": "major_outage"}]}, "components"),
    ({"components": [{"component": "Checkout", "status": "down"}]}, "components.0.status"),
    ({"status": "scheduled"}, "status"),
    ({"incident": "INC-999"}, "incident"),
    ({"impact": "catastrophic"}, "impact"),
    ({"body": "   "}, "body"),
    ({"kind": "maintenance", "status": "scheduled"}, "scheduled_for"),
    (
        {
            "kind": "maintenance",
            "status": "scheduled",
            "scheduled_for": "2026-11-24T02:00:00Z",
            "scheduled_until": "2026-11-24T01:00:00Z",
        },
        "scheduled_until",
    ),
    ({"kind": "maintenance", "status": "investigating", "scheduled_for": "x"}, "scheduled_for"),
    ({"scheduled_for": "2026-11-24T02:00:00"}, "scheduled_for"),
    ({"colour": "red"}, "colour"),
]


@pytest.mark.parametrize(("change", "field"), BAD_OPENINGS)
def test_a_bad_opening_names_the_field_and_writes_nothing(
    app: FastAPI, client: TestClient, admin: User, change: dict[str, Any], field: str
) -> None:
    seed_components(client, admin)
    room = war(app, client, admin)
    events = count(app, TimelineEvent)
    body = {"name": "Checkout errors", "body": "Investigating.", "incident": room.ref} | change
    refused = problem(client.post(PUBLIC, json=body, headers=admin.headers), 422)
    assert field in fields(refused), refused
    assert (count(app, PublicIncident), count(app, PublicUpdate)) == (0, 0)
    assert count(app, TimelineEvent) == events


def test_a_bad_update_or_component_is_refused_whole(
    app: FastAPI, client: TestClient, admin: User
) -> None:
    seed_components(client, admin)
    room = war(app, client, admin)
    body = {"name": "Checkout errors", "body": "Investigating.", "incident": room.ref}
    code = ok(client.post(PUBLIC, json=body, headers=admin.headers), 201)["code"]
    events = count(app, TimelineEvent)
    for update, field in (
        ({"status": "completed", "body": "Done."}, "status"),
        (
            {
                "status": "identified",
                "body": "Found it.",
                "components": [
                    {"component": "Checkout", "status": "major_outage"},
                    {"component": "Nope", "status": "major_outage"},
                ],
            },
            "components",
        ),
    ):
        answer = client.post(f"{PUBLIC}/{code}/updates", json=update, headers=admin.headers)
        assert fields(problem(answer, 422)) == [field]
    shown = ok(client.get(f"{PUBLIC}/{code}", headers=admin.headers))
    assert (len(shown["updates"]), shown["components"]) == (1, [])
    assert count(app, TimelineEvent) == events
    for query, field in (({"open": "maybe"}, "open"), ({"incident": "orders"}, "incident")):
        assert fields(problem(client.get(PUBLIC, params=query, headers=admin.headers), 422)) == [
            field
        ]
    assert problem(approve(client, admin, "nosuchupdate"), 404)
    assert problem(client.get(f"{PUBLIC}/nosuchincident", headers=admin.headers), 404)

    for sent, field in (
        ({"name": "Blog", "service": "nope"}, "service"),
        ({"name": "Blog", "group": "Docs"}, "group"),
        ({"name": "Blog", "group": "Nope"}, "group"),
        ({"name": "Blog", "status": "broken"}, "status"),
        ({"name": ""}, "name"),
    ):
        assert fields(problem(client.post(COMPONENTS, json=sent, headers=admin.headers), 422)) == [
            field
        ]
    assert count(app, StatusComponent) == 4
    assert problem(client.post(COMPONENTS, json={"name": "Docs"}, headers=admin.headers), 409)
    for sent, field in (
        ({"status": "broken"}, "status"),
        ({}, "body"),
        ({"group": "Docs"}, "group"),
    ):
        answer = client.patch(f"{COMPONENTS}/Search", json=sent, headers=admin.headers)
        assert fields(problem(answer, 422)) == [field]
    group_status = client.patch(
        f"{COMPONENTS}/Shop", json={"status": "major_outage"}, headers=admin.headers
    )
    assert fields(problem(group_status, 422)) == ["status"]
    assert history(app, "Search") == ["operational"]
    assert problem(
        client.patch(f"{COMPONENTS}/Nope", json={"status": "operational"}, headers=admin.headers),
        404,
    )


def test_a_manager_may_approve_any_draft(app: FastAPI, client: TestClient, admin: User) -> None:
    manager = make_user(app, Role.manager, "Mia Manager")
    body = {"name": "Slow search", "body": "Searches are slow.", "impact": "minor"}
    opened = ok(client.post(PUBLIC, json=body, headers=admin.headers), 201)
    published = ok(approve(client, manager, opened["updates"][0]["code"]))
    assert published["updates"][0]["approved_by"]["email"] == manager.email


def test_a_drafted_update_changes_nothing_public_until_it_is_approved(
    client: TestClient, admin: User
) -> None:
    seed_components(client, admin)
    search = [{"component": "Search", "status": "degraded_performance"}]
    opening = {"name": "Slow search", "body": "Searches are slow.", "impact": "minor",
               "components": search}  # fmt: skip
    opened = ok(client.post(PUBLIC, json=opening, headers=admin.headers), 201)
    ok(approve(client, admin, opened["updates"][0]["code"]))
    worse = {"status": "identified", "body": "Checkout fails too.", "impact": "critical",
             "components": [{"component": "Checkout", "status": "major_outage"}]}  # fmt: skip
    drafted = ok(client.post(f"{PUBLIC}/{opened['code']}/updates", json=worse,
                             headers=admin.headers), 201)  # fmt: skip
    assert drafted["updates"][0]["impact"] == "critical"

    def public_view() -> tuple[str, list[str]]:
        shown = client.get("/api/v2/incidents/unresolved.json").json()["incidents"][0]
        return shown["impact"], sorted(c["name"] for c in shown["components"])

    assert public_view() == ("minor", ["Search"])
    ok(approve(client, admin, drafted["updates"][0]["code"]))
    assert public_view() == ("critical", ["Checkout", "Search"])
