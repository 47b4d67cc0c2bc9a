"""Private calendar subscriptions: an address that a calendar app polls without a token, which
nobody can guess or alter."""

from __future__ import annotations

from fastapi.testclient import TestClient
from icalendar import Calendar

from tests.conftest import User
from tests.integration.oncall.test_schedules_ical import ann, bob, manager, weekly
from tests.integration.web.helpers import sign_in

__all__ = ["ann", "bob", "manager"]  # fixtures shared with the feed tests above


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_schedule_subscription_needs_no_token_but_its_address(
    client: TestClient, manager: User, viewer: User, ann: User, bob: User
) -> None:
    sid = weekly(client, manager, "Payments", ann, bob)
    feed = client.get(f"/api/v1/schedules/{sid}/feed", headers=viewer.headers).json()
    assert feed["webcal"].startswith("webcal://")
    response = client.get(_path(feed["url"]))  # no Authorization header, no cookie
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "set-cookie" not in response.headers
    summaries = {str(e["summary"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert summaries == {"On call: Ann Archer (Payments)", "On call: Bob Baker (Payments)"}


def test_a_person_subscription_holds_their_shifts(
    client: TestClient, manager: User, viewer: User, ann: User, bob: User
) -> None:
    weekly(client, manager, "Payments", ann, bob)
    feed = client.get(f"/api/v1/people/{ann.person_id}/feed", headers=viewer.headers).json()
    body = client.get(_path(feed["url"])).content
    people = {str(e["summary"]) for e in Calendar.from_ical(body).walk("VEVENT")}
    assert people == {"On call: Ann Archer (Payments)"}


def test_an_altered_or_made_up_address_finds_nothing(
    client: TestClient, manager: User, viewer: User, ann: User
) -> None:
    sid = weekly(client, manager, "Payments", ann)
    path = _path(client.get(f"/api/v1/schedules/{sid}/feed", headers=viewer.headers).json()["url"])
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    altered = f"/calendar/{token[:-2]}{'AA' if token[-2:] != 'AA' else 'BB'}.ics"
    assert client.get(altered).status_code == 404
    assert client.get("/calendar/guess.ics").status_code == 404
    assert client.get(f"/api/v1/schedules/{sid}/feed").status_code == 401
    assert client.get("/api/v1/schedules/999999/feed", headers=viewer.headers).status_code == 404


def test_the_schedule_page_shows_its_private_address(
    client: TestClient, manager: User, viewer: User, ann: User
) -> None:
    sid = weekly(client, manager, "Payments", ann)
    feed = client.get(f"/api/v1/schedules/{sid}/feed", headers=viewer.headers).json()
    sign_in(client, viewer)
    page = client.get(f"/schedules/{sid}")
    assert page.status_code == 200
    assert feed["url"] in page.text
    again = client.get(f"/api/v1/schedules/{sid}/feed", headers=viewer.headers).json()
    assert again == feed, "a subscription keeps its address"
