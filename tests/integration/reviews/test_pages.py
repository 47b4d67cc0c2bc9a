"""The postmortem pages on SQLite and PostgreSQL, as a person uses them: the war room links to
the postmortem, the sections are edited in Markdown and shown sanitised (no script, no
``javascript:`` link, no event handler survives), it moves through review from its buttons,
action items are added and changed in place, and the lists keep a restricted incident out."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User, make_user
from tests.integration.incidents.helpers import declare
from tests.integration.reviews.helpers import ok, postmortem, resolved_incident, section
from tests.integration.web.helpers import csrf_of, post, sign_in
from warroom.access.rules import Role

HOSTILE = (
    "Rolled back. <script>alert('pm')</script>\n\n"
    "[the fix](javascript:alert('pm'))\n\n"
    '<img src="x" onerror="alert(1)">\n\n'
    "**Pool size** halved in v42; see [the runbook](https://wiki.example/runbook)."
)


def signed_in(app: FastAPI, user: User) -> tuple[TestClient, str]:
    browser = TestClient(app, raise_server_exceptions=False)
    return browser, sign_in(browser, user)


def flash_of(html: str) -> str:
    found = re.search(r'<p class="flash" role="status">([^<]*)</p>', html)
    return found.group(1) if found else ""


def test_the_war_room_links_to_a_postmortem_edited_in_markdown_and_shown_sanitised(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    ref = resolved_incident(client, admin, clock, severity="SEV1")
    browser, csrf = signed_in(app, admin)
    room = browser.get(f"/incidents/{ref}").text
    assert 'id="postmortem"' in room
    assert f'href="/incidents/{ref}/postmortem"' in room
    assert "required for SEV1" in room
    assert '<a href="/postmortems"' in room  # the navigation's "Postmortems"
    page = browser.get(f"/incidents/{ref}/postmortem").text
    assert 'id="pm-state">Draft<' in page
    assert f'href="/incidents/{ref}#ev-' in page  # the timeline links back to the room

    fields = {s["key"]: s["markdown"] for s in postmortem(client, admin, ref)["sections"]}
    fields |= {"summary": HOSTILE, "owner": admin.email, "version": "1", "csrf": csrf}
    saved = browser.post(f"/incidents/{ref}/postmortem/edit", data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert section(postmortem(client, admin, ref), "summary") == HOSTILE
    shown = browser.get(f"/incidents/{ref}/postmortem").text
    summary = re.search(r'<section id="section-summary">(.*?)</section>', shown, re.S)
    assert summary is not None
    html = summary.group(1)
    assert "<strong>Pool size</strong>" in html
    assert '<a href="https://wiki.example/runbook" rel="noopener noreferrer nofollow">' in html
    # Left as inert text at most: no script element, no link to run, no element to carry a handler.
    assert "<script" not in html
    assert not re.search(r"href=[\"']?\s*javascript:", html, re.I)
    assert not re.search(r"<[a-z][^>]*\sonerror", html, re.I)
    assert "<img" not in html

    stale = browser.post(f"/incidents/{ref}/postmortem/edit", data=fields, follow_redirects=False)
    assert stale.status_code == 409  # version 1 was already used: the page says so, keeps the text
    assert "changed by someone else" in stale.text
    assert "Pool size" in stale.text

    for move, state in (("submit", "In review"), ("publish", "Published")):
        moved = post(browser, f"/incidents/{ref}/postmortem/{move}", csrf)
        assert moved.status_code == 303
        assert f'id="pm-state">{state}<' in browser.get(f"/incidents/{ref}/postmortem").text
    closed = post(browser, f"/incidents/{ref}/status", csrf, status="closed")
    assert closed.status_code == 303
    assert ok(client.get(f"/api/v1/incidents/{ref}", headers=admin.headers))["status"] == "closed"


def test_closing_from_the_war_room_says_why_it_is_refused(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    ref = resolved_incident(client, admin, clock, severity="SEV2")
    browser, csrf = signed_in(app, admin)
    refused = post(browser, f"/incidents/{ref}/status", csrf, status="closed")
    assert refused.status_code == 409
    assert "closes once its postmortem is published" in refused.text
    assert ok(client.get(f"/api/v1/incidents/{ref}", headers=admin.headers))["status"] == "resolved"


def test_action_items_are_added_and_changed_from_the_pages(
    app: FastAPI, client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    ref = declare(client, admin, severity="SEV3")["ref"]
    browser, csrf = signed_in(app, admin)
    page = browser.get(f"/incidents/{ref}/postmortem").text
    assert "No postmortem yet" in page
    bad = post(browser, f"/incidents/{ref}/action-items", csrf, title="Alert on pool",
               type="detect", tracker_url="javascript:alert(1)")  # fmt: skip
    assert "Nothing saved: Tracker url: " in flash_of(browser.get(bad.headers["location"]).text)
    added = post(browser, f"/incidents/{ref}/action-items", csrf, title="Alert on pool",
                 type="detect", owner=responder.email, due_on=str(clock.now.date()),
                 tracker_url="https://tracker.example/OPS-1")  # fmt: skip
    assert added.status_code == 303
    (item,) = ok(client.get("/api/v1/action-items", headers=admin.headers))
    assert (item["title"], item["owner"]["email"]) == ("Alert on pool", responder.email)
    listed = browser.get("/action-items").text
    assert f'id="action-{item["id"]}"' in listed
    assert 'href="https://tracker.example/OPS-1"' in listed
    changed = post(browser, f"/action-items/{item['id']}", csrf, status="done",
                   owner=responder.email, due_on=str(clock.now.date()), back="list")  # fmt: skip
    assert changed.headers["location"] == f"/action-items#action-{item['id']}"
    assert (
        ok(client.get("/api/v1/action-items?status=done", headers=admin.headers))[0]["id"]
        == (item["id"])
    )
    clock.advance(days=2)
    assert "No action item matches" in browser.get("/action-items?overdue=1").text
    # The whole row is editable: what, type, tracker; an emptied owner or tracker clears it.
    listed = browser.get("/action-items").text
    assert 'name="tracker_url" value="https://tracker.example/OPS-1"' in listed
    every = ["title", "type", "status", "owner", "due_on", "tracker_url"]
    edited = post(browser, f"/action-items/{item['id']}", csrf, fields=every,
                  title="Alert on pool saturation", type="prevent", status="done", owner="",
                  due_on="", tracker_url="", back="list")  # fmt: skip
    assert edited.status_code == 303
    (after,) = ok(client.get("/api/v1/action-items", headers=admin.headers))
    kept = [after[k] for k in ("title", "type", "owner", "due_on", "tracker_url")]
    assert kept == ["Alert on pool saturation", "prevent", None, None, None]
    stale = post(browser, f"/action-items/{item['id']}", csrf, fields=["title"], title="Old",
                 version=str(item["version"]))  # fmt: skip
    assert "changed by someone else" in flash_of(browser.get(stale.headers["location"]).text)


def test_lists_keep_a_restricted_incident_from_those_who_may_not_see_it(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    member = make_user(app, Role.responder, "Mia Member")
    outsider = make_user(app, Role.manager, "Otto Outsider")
    ref = resolved_incident(client, member, clock, severity="SEV1", kind="security",
                            title="Web shell on web-02")  # fmt: skip
    ok(client.post(f"/api/v1/incidents/{ref}/action-items", headers=member.headers,
                   json={"title": "Rotate the deploy keys", "type": "prevent"}), 201)  # fmt: skip
    mine, _ = signed_in(app, member)
    assert "Web shell on web-02" in mine.get("/postmortems").text
    assert "Rotate the deploy keys" in mine.get("/action-items").text
    theirs, _ = signed_in(app, outsider)
    for path in ("/postmortems", "/postmortems?overdue=1", "/action-items"):
        html = theirs.get(path).text
        assert "Web shell" not in html, path
        assert "Rotate the deploy keys" not in html, path
    assert theirs.get(f"/incidents/{ref}/postmortem").status_code == 404
    assert csrf_of(theirs.get("/postmortems").text)
