"""Calendar feeds and calendar import: what a calendar client reads back from a schedule's
feed and a person's feed, and an .ics file turned into overrides."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar

from tests.conftest import Clock, User, make_user
from warroom.access.rules import Role


@pytest.fixture
def ann(app: FastAPI) -> User:
    return make_user(app, Role.responder, "Ann Archer")


@pytest.fixture
def bob(app: FastAPI) -> User:
    return make_user(app, Role.responder, "Bob Baker")


@pytest.fixture
def manager(app: FastAPI) -> User:
    return make_user(app, Role.manager, "Mia Manager")


def weekly(client: TestClient, manager: User, name: str, *people: User) -> int:
    """A weekly rotation handing over on Mondays at 09:00 in New York."""
    layer = {"rotation": "weekly", "starts": "2026-11-02T09:00",
             "participants": [p.email for p in people]}  # fmt: skip
    body = {"name": name, "timezone": "America/New_York", "layers": [layer]}
    response = client.post("/api/v1/schedules", json=body, headers=manager.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def events(client: TestClient, user: User, path: str, **params: Any) -> list[Any]:
    response = client.get(path, params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["content-disposition"].startswith("inline; filename=")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_a_schedule_feed_has_one_event_per_shift_with_stable_uids(
    client: TestClient, clock: Clock, manager: User, viewer: User, ann: User, bob: User
) -> None:
    sid = weekly(client, manager, "Payments", ann, bob)
    first = events(client, viewer, f"/api/v1/schedules/{sid}.ics", weeks=3)
    clock.advance(hours=30)
    later = events(client, viewer, f"/api/v1/schedules/{sid}.ics", weeks=3)

    # Now is Monday 23 Nov 22:00 UTC: the fourth week's shift, Bob's, began at 09:00.
    assert [(str(e["summary"]), e.decoded("dtstart")) for e in first] == [
        ("On call: Bob Baker (Payments)", datetime(2026, 11, 23, 14, tzinfo=UTC)),
        ("On call: Ann Archer (Payments)", datetime(2026, 11, 30, 14, tzinfo=UTC)),
        ("On call: Bob Baker (Payments)", datetime(2026, 12, 7, 14, tzinfo=UTC)),
        ("On call: Ann Archer (Payments)", datetime(2026, 12, 14, 14, tzinfo=UTC)),
    ]
    assert first[1].decoded("dtend") - first[1].decoded("dtstart") == timedelta(days=7)
    assert str(first[0]["attendee"]) == f"mailto:{bob.email}"
    assert first[0]["attendee"].params["cn"] == "Bob Baker"
    assert [str(e["uid"]) for e in later[:3]] == [str(e["uid"]) for e in first[:3]]
    assert len({str(e["uid"]) for e in first}) == 4


def test_a_person_feed_holds_their_shifts_on_every_schedule(
    client: TestClient, manager: User, viewer: User, ann: User, bob: User
) -> None:
    weekly(client, manager, "Payments", ann, bob)
    weekly(client, manager, "Search", bob, ann)
    mine = events(client, viewer, f"/api/v1/people/{ann.person_id}/on-call.ics", weeks=2)
    missing = client.get("/api/v1/people/999999/on-call.ics", headers=viewer.headers)

    assert sorted((e.decoded("dtstart").date(), str(e["summary"])) for e in mine) == [
        (date(2026, 11, 23), "On call: Ann Archer (Search)"),
        (date(2026, 11, 30), "On call: Ann Archer (Payments)"),
        (date(2026, 12, 7), "On call: Ann Archer (Search)"),
    ]
    assert missing.status_code == 404


def test_a_feed_needs_a_token(client: TestClient, manager: User, ann: User) -> None:
    sid = weekly(client, manager, "Payments", ann)
    assert client.get(f"/api/v1/schedules/{sid}.ics").status_code == 401


ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example//Holiday swaps//EN
BEGIN:VEVENT
UID:swap-1@example.com
SUMMARY:Bob covers Ann
DTSTART:20261201T140000Z
DTEND:20261202T140000Z
ATTENDEE;CN=Bob:mailto:{bob}
END:VEVENT
BEGIN:VEVENT
UID:swap-2@example.com
SUMMARY:On call: Ann Archer
DTSTART;TZID=America/New_York:20261210T090000
DTEND;TZID=America/New_York:20261211T090000
END:VEVENT
BEGIN:VEVENT
UID:swap-3@example.com
SUMMARY:Team lunch
DTSTART:20261203T120000Z
DTEND:20261203T130000Z
END:VEVENT
BEGIN:VEVENT
UID:swap-4@example.com
SUMMARY:Ann again, overlapping Bob
ORGANIZER:mailto:{ann}
DTSTART:20261201T180000Z
DTEND:20261201T200000Z
END:VEVENT
BEGIN:VEVENT
UID:swap-5@example.com
SUMMARY:Christmas Day
ORGANIZER:mailto:{ann}
DTSTART;VALUE=DATE:20261225
DTEND;VALUE=DATE:20261226
END:VEVENT
END:VCALENDAR
"""


def test_importing_a_calendar_makes_overrides_and_says_what_it_skipped(
    client: TestClient, manager: User, viewer: User, ann: User, bob: User
) -> None:
    sid = weekly(client, manager, "Payments", ann)
    body = ICS.format(ann=ann.email, bob=bob.email).replace("\n", "\r\n")
    response = client.post(
        f"/api/v1/schedules/{sid}/import-ics",
        content=body,
        headers=manager.headers | {"Content-Type": "text/calendar"},
    )
    report = response.json()
    now = client.get(f"/api/v1/schedules/{sid}/on-call", params={"at": "2026-12-01T20:00:00Z"},
                     headers=viewer.headers).json()  # fmt: skip

    assert response.status_code == 200, response.text
    assert report["imported"] == 3
    assert [(o["person"]["name"], o["starts_at"], o["ends_at"]) for o in report["overrides"]] == [
        ("Bob Baker", "2026-12-01T14:00:00Z", "2026-12-02T14:00:00Z"),
        ("Ann Archer", "2026-12-10T14:00:00Z", "2026-12-11T14:00:00Z"),
        ("Ann Archer", "2026-12-25T05:00:00Z", "2026-12-26T05:00:00Z"),  # New York midnight
    ]
    skipped = {s["uid"]: s["reason"] for s in report["skipped"]}
    assert skipped.keys() == {"swap-3@example.com", "swap-4@example.com"}
    assert "no known person" in skipped["swap-3@example.com"]
    assert "overlaps override" in skipped["swap-4@example.com"]
    assert now["person"]["name"] == "Bob Baker"
    assert now["source"] == "override"


def test_a_body_that_is_no_calendar_is_refused_and_a_viewer_may_not_import(
    client: TestClient, manager: User, viewer: User, ann: User
) -> None:
    sid = weekly(client, manager, "Payments", ann)
    url = f"/api/v1/schedules/{sid}/import-ics"
    garbage = client.post(url, content="hello", headers=manager.headers)
    by_viewer = client.post(url, content=ICS, headers=viewer.headers)

    assert garbage.status_code == 422
    assert garbage.json()["errors"][0]["field"] == "body"
    assert by_viewer.status_code == 403
