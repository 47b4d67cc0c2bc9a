"""Schedules through the JSON API on both databases: writing them (with the problems a person
gets for a bad one), who is on call across daylight-saving changes and overrides, shifts and
gaps over a range."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import User, make_user
from warroom.access.rules import Role

PROBLEM = "application/problem+json"


@pytest.fixture
def ann(app: FastAPI) -> User:
    return make_user(app, Role.responder, "Ann Archer")


@pytest.fixture
def bob(app: FastAPI) -> User:
    return make_user(app, Role.responder, "Bob Baker")


@pytest.fixture
def manager(app: FastAPI) -> User:
    return make_user(app, Role.manager, "Mia Manager")


def paris_daily(ann: User, bob: User, **extra: Any) -> dict[str, Any]:
    """Ann and Bob take turns, one day each, handing over at 09:00 Paris time."""
    layer = {
        "name": "primary",
        "rotation": "daily",
        "starts": "2026-03-26T09:00",
        "participants": [ann.email, bob.email],
    }
    return {"name": "Platform", "timezone": "Europe/Paris", "layers": [layer], **extra}


def create(client: TestClient, user: User, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/v1/schedules", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def on_call(client: TestClient, user: User, schedule_id: int, at: str) -> dict[str, Any]:
    response = client.get(
        f"/api/v1/schedules/{schedule_id}/on-call", params={"at": at}, headers=user.headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_manager_creates_reads_patches_replaces_and_deletes_a_schedule(
    client: TestClient, manager: User, viewer: User, ann: User, bob: User
) -> None:
    made = create(client, manager, paris_daily(ann, bob))
    sid = made["id"]
    listed = client.get("/api/v1/schedules", headers=viewer.headers).json()
    patched = client.patch(
        f"/api/v1/schedules/{sid}", json={"description": "Core platform"}, headers=manager.headers
    ).json()
    body = paris_daily(bob, ann, name="Platform primary")
    replaced = client.put(f"/api/v1/schedules/{sid}", json=body, headers=manager.headers).json()
    deleted = client.delete(f"/api/v1/schedules/{sid}", headers=manager.headers)
    after = client.get(f"/api/v1/schedules/{sid}", headers=viewer.headers)

    assert made["layers"][0] | {"restrictions": []} == {
        "name": "primary",
        "rotation": "daily",
        "shift_seconds": 86400,
        "starts": "2026-03-26T09:00:00",
        "timezone": "Europe/Paris",
        "participants": [ann.email, bob.email],
        "restrictions": [],
        "ends_at": None,
    }
    assert [s["name"] for s in listed] == ["Platform"]
    assert patched["description"] == "Core platform"
    assert patched["layers"] == made["layers"]  # a patch without layers keeps them
    assert replaced["name"] == "Platform primary"
    assert replaced["description"] == ""  # a PUT replaces every field
    assert replaced["layers"][0]["participants"] == [bob.email, ann.email]
    assert deleted.status_code == 204
    assert after.status_code == 404


def test_writing_needs_a_manager_and_reading_a_viewer(
    client: TestClient, manager: User, viewer: User, responder: User, ann: User, bob: User
) -> None:
    refused = client.post(
        "/api/v1/schedules", json=paris_daily(ann, bob), headers=responder.headers
    )
    anonymous = client.get("/api/v1/schedules")
    sid = create(client, manager, paris_daily(ann, bob))["id"]
    override = {
        "person": ann.email,
        "starts_at": "2026-12-01T00:00Z",
        "ends_at": "2026-12-02T00:00Z",
    }
    by_viewer = client.post(
        f"/api/v1/schedules/{sid}/overrides", json=override, headers=viewer.headers
    )

    assert refused.status_code == 403
    assert refused.headers["content-type"] == PROBLEM
    assert anonymous.status_code == 401
    assert by_viewer.status_code == 403
    assert client.get(f"/api/v1/schedules/{sid}", headers=viewer.headers).status_code == 200


def test_an_empty_rotation_is_refused_naming_the_field(
    client: TestClient, manager: User, ann: User, bob: User
) -> None:
    body = paris_daily(ann, bob)
    body["layers"].append({"rotation": "weekly", "starts": "2026-11-02T09:00", "participants": []})
    response = client.post("/api/v1/schedules", json=body, headers=manager.headers)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["errors"] == [
        {"field": "layers[1].participants", "detail": "a rotation needs at least one participant"}
    ]
    assert client.get("/api/v1/schedules", headers=manager.headers).json() == []


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"timezone": "Mars/Olympus"}, "layers[0].timezone", "unknown time zone"),
        ({"participants": ["nobody@example.com"]}, "layers[0].participants[0]", "no active"),
        ({"rotation": "custom"}, "layers[0].shift_seconds", "needs shift_seconds"),
        ({"shift_seconds": 3600}, "layers[0].shift_seconds", "use rotation 'custom'"),
    ],
)
def test_a_bad_layer_is_refused_naming_the_field(
    client: TestClient, manager: User, ann: User, bob: User,
    change: dict[str, Any], field: str, words: str,
) -> None:  # fmt: skip
    body = paris_daily(ann, bob)
    body["layers"][0] |= change
    response = client.post("/api/v1/schedules", json=body, headers=manager.headers)

    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == field
    assert words in error["detail"]


def test_the_0900_handoff_holds_across_the_spring_and_autumn_changes(
    client: TestClient, manager: User, viewer: User, ann: User, bob: User
) -> None:
    sid = create(client, manager, paris_daily(ann, bob))["id"]
    # 26 March Ann, 27 Bob, 28 Ann (a 23-hour shift: clocks go forward on the 29th), 29 Bob.
    before_spring = on_call(client, viewer, sid, "2026-03-29T06:59:00Z")  # 08:59 CEST
    after_spring = on_call(client, viewer, sid, "2026-03-29T07:00:00Z")  # 09:00 CEST
    # 25 October (clocks go back at 03:00): the handover is still at 09:00, now 08:00 UTC.
    before_autumn = on_call(client, viewer, sid, "2026-10-25T07:59:00Z")
    after_autumn = on_call(client, viewer, sid, "2026-10-25T08:00:00Z")

    assert before_spring["person"]["email"] == ann.email
    assert before_spring["until"] == "2026-03-29T07:00:00Z"
    assert after_spring["person"]["email"] == bob.email
    assert after_spring["source"] == "layer"
    assert before_autumn["until"] == "2026-10-25T08:00:00Z"
    assert before_autumn["person"] != after_autumn["person"]


def test_an_override_takes_over_and_an_overlapping_one_is_refused(
    client: TestClient, manager: User, viewer: User, ann: User, bob: User
) -> None:
    carl = make_user(client.app, Role.responder, "Carl Cover")  # type: ignore[arg-type]
    sid = create(client, manager, paris_daily(ann, bob))["id"]
    url = f"/api/v1/schedules/{sid}/overrides"
    first = {"person": carl.email, "starts_at": "2026-03-29T05:00:00Z",
             "ends_at": "2026-03-29T10:00:00Z", "note": "Bob's dentist"}  # fmt: skip
    added = client.post(url, json=first, headers=manager.headers)
    clash = {"person": ann.email, "starts_at": "2026-03-29T09:00:00Z",
             "ends_at": "2026-03-29T12:00:00Z"}  # fmt: skip
    refused = client.post(url, json=clash, headers=manager.headers)
    backwards = client.post(url, json=clash | {"ends_at": "2026-03-29T08:00:00Z"},
                            headers=manager.headers)  # fmt: skip

    during = on_call(client, viewer, sid, "2026-03-29T07:30:00Z")
    after = on_call(client, viewer, sid, "2026-03-29T10:00:00Z")
    assert added.status_code == 201, added.text
    assert during["person"]["email"] == carl.email
    assert during["source"] == "override"
    assert during["until"] == "2026-03-29T10:00:00Z"
    assert after["person"]["email"] == bob.email
    assert refused.status_code == 409
    assert refused.headers["content-type"] == PROBLEM
    assert refused.json()["detail"].startswith("starts_at/ends_at: overlaps override")
    assert refused.json()["current"]["person"]["email"] == carl.email
    assert [e["field"] for e in refused.json()["errors"]] == ["starts_at", "ends_at"]
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "ends_at"
    stranger = client.post(url, json=clash | {"person": "who@example.com"}, headers=manager.headers)
    assert stranger.status_code == 422
    assert stranger.json()["errors"][0]["field"] == "person"

    deleted = client.delete(f"{url}/{added.json()['id']}", headers=manager.headers)
    assert deleted.status_code == 204
    assert on_call(client, viewer, sid, "2026-03-29T07:30:00Z")["person"]["email"] == bob.email
    # Bob covers the end of Ann's shift, then his own begins: he hands over a day later.
    early = {"person": bob.email, "starts_at": "2026-03-29T05:00:00Z",
             "ends_at": "2026-03-29T07:00:00Z"}  # fmt: skip
    assert client.post(url, json=early, headers=manager.headers).status_code == 201
    covering = on_call(client, viewer, sid, "2026-03-29T06:00:00Z")
    assert (covering["source"], covering["until"]) == ("override", "2026-03-30T07:00:00Z")


def test_shifts_and_gaps_over_a_range_with_a_business_hours_layer(
    client: TestClient, manager: User, viewer: User, ann: User, bob: User
) -> None:
    body = {
        "name": "Office hours",
        "timezone": "America/New_York",
        "layers": [{
            "rotation": "weekly",
            "starts": "2026-11-02T09:00",
            "participants": [ann.email, bob.email],
            "restrictions": [{"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}],
        }],
    }  # fmt: skip
    sid = create(client, manager, body)["id"]
    span = {"start": "2026-11-06T00:00:00-05:00", "end": "2026-11-10T00:00:00-05:00"}
    shifts = client.get(f"/api/v1/schedules/{sid}/shifts", params=span, headers=viewer.headers)
    found = client.get(f"/api/v1/schedules/{sid}/gaps", params=span, headers=viewer.headers)

    assert shifts.status_code == 200, shifts.text
    # Friday 6th Ann (first week), the weekend nobody, Monday 9th Bob.
    assert [
        (s["person"]["name"], s["starts_at"], s["ends_at"], s["layer"]) for s in shifts.json()
    ] == [
        ("Ann Archer", "2026-11-06T14:00:00Z", "2026-11-06T22:00:00Z", "layer 1"),
        ("Bob Baker", "2026-11-09T14:00:00Z", "2026-11-09T22:00:00Z", "layer 1"),
    ]
    assert found.json() == [
        {"starts_at": "2026-11-06T05:00:00Z", "ends_at": "2026-11-06T14:00:00Z"},
        {"starts_at": "2026-11-06T22:00:00Z", "ends_at": "2026-11-09T14:00:00Z"},
        {"starts_at": "2026-11-09T22:00:00Z", "ends_at": "2026-11-10T05:00:00Z"},
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-11-01T00:00:00Z", "end": "2027-03-01T00:00:00Z"}, "end"),
        ({"start": "2026-11-02T00:00:00Z", "end": "2026-11-01T00:00:00Z"}, "end"),
        ({"start": "2026-11-01T00:00:00", "end": "2026-11-02T00:00:00Z"}, "start"),
    ],
)
def test_a_range_too_long_backwards_or_without_offset_is_refused(
    client: TestClient, manager: User, ann: User, bob: User, params: dict[str, str], field: str
) -> None:
    sid = create(client, manager, paris_daily(ann, bob))["id"]
    for route in ("shifts", "gaps"):
        response = client.get(
            f"/api/v1/schedules/{sid}/{route}", params=params, headers=manager.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field


def test_the_on_call_board_lists_every_schedule_now(
    client: TestClient, manager: User, viewer: User, ann: User, bob: User
) -> None:
    create(client, manager, paris_daily(ann, bob))
    board = client.get("/api/v1/on-call", headers=viewer.headers).json()
    unknown = client.get("/api/v1/on-call", params={"service": "nope"}, headers=viewer.headers)

    # The test clock reads 2026-11-23 22:00 UTC: 23:00 in Paris, in the shift that began at
    # 09:00 that day, 242 days after Ann's first: hers again.
    assert board["at"] == "2026-11-23T22:00:00Z"
    assert [(s["schedule"]["name"], s["person"]["name"]) for s in board["schedules"]] == [
        ("Platform", "Ann Archer")
    ]
    assert unknown.status_code == 404
