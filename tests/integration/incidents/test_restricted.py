"""Restricted incidents (SQLite and PostgreSQL): security incidents are restricted by default and
only their members and the security team see them. Everyone else sees no trace on any path:
the API's list, filters and detail routes, the dashboard and list pages (titles and counts),
the live feed, the staff status page, change conflicts and their notices, the references a
change or a public incident may name, the stakeholders an update goes to, everyone's pages,
the public documents, feeds and static export, and the CLI (whose test is with the other
incident commands). The knowledge base's search and similar-incident panel have theirs in
tests/integration/knowledge."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock, User, make_user
from tests.integration.changes.helpers import create_change, seed_catalog, show
from tests.integration.incidents.helpers import declare
from tests.integration.web.helpers import sign_in
from warroom.access.models import Person
from warroom.access.rules import Role
from warroom.access.service import actor_for
from warroom.db import transaction
from warroom.incidents.models import Incident, TimelineEvent
from warroom.incidents.rules import parse_ref
from warroom.incidents.visibility import sight
from warroom.oncall.models import Delivery
from warroom.statuspage.audiences import Audience, recipients
from warroom.statuspage.export import write_site
from warroom.statuspage.public_site import documents
from warroom.web.live import _since

TITLE = "Exfiltration through a stolen VPN account"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def refs(client: TestClient, user: User, query: str = "") -> list[str]:
    found = ok(client.get(f"/api/v1/incidents?limit=200{query}", headers=user.headers))
    return [i["ref"] for i in found["items"]]


def security_team(client: TestClient, admin: User, *people: User) -> None:
    body = {"name": "Security", "members": [p.email for p in people], "sees_restricted": True}
    made = ok(client.post("/api/v1/teams", json=body, headers=admin.headers), 201)
    assert made["sees_restricted"] is True


def hidden_everywhere(client: TestClient, user: User, ref: str, *, writes: bool = True) -> None:
    """What a non-member gets for a restricted incident: nothing, and 404 where it is named."""
    assert ref not in refs(client, user)
    assert ref not in refs(client, user, "&kind=security")
    assert ref not in refs(client, user, "&status=active")
    for tail in ("", "/timeline", "/timeline.md", "/security"):
        response = client.get(f"/api/v1/incidents/{ref}{tail}", headers=user.headers)
        assert response.status_code == 404, (tail, response.text)
        assert TITLE not in response.text
    if not writes:
        return
    patched = client.patch(f"/api/v1/incidents/{ref}", json={"title": "x"}, headers=user.headers)
    assert patched.status_code == 404
    note = client.post(
        f"/api/v1/incidents/{ref}/timeline", json={"text": "hi"}, headers=user.headers
    )
    assert note.status_code == 404


def test_security_incidents_are_restricted_to_members_and_the_security_team(
    app: FastAPI, client: TestClient, admin: User, viewer: User, responder: User
) -> None:
    analyst = make_user(app, Role.viewer, "Sam Security")
    security_team(client, admin, analyst)
    made = declare(client, responder, title=TITLE, kind="security", severity="SEV2")
    ref = made["ref"]
    assert made["restricted"] is True
    service = declare(client, admin, title="Orders slow", severity="SEV3")
    assert service["restricted"] is False

    outsider = make_user(app, Role.responder, "Olive Outsider")
    hidden_everywhere(client, outsider, ref)
    hidden_everywhere(client, viewer, ref, writes=False)
    assert service["ref"] in refs(client, viewer)
    assert ref in refs(client, responder)  # the reporter is a member
    assert ref in refs(client, analyst)  # the security team sees every one
    assert ok(client.get(f"/api/v1/incidents/{ref}", headers=analyst.headers))["title"] == TITLE

    # Brought in as a participant: a member while in the room, nothing once released.
    body = {"person": viewer.email, "reason": "knows the VPN"}
    joined = ok(client.post(f"/api/v1/incidents/{ref}/participants", json=body,
                            headers=responder.headers), 201)  # fmt: skip
    assert ref in refs(client, viewer)
    release = f"/api/v1/incidents/{ref}/participants/{joined['id']}/release"
    ok(client.post(release, json={}, headers=responder.headers))
    hidden_everywhere(client, viewer, ref, writes=False)


def test_pages_show_no_title_count_or_room_to_non_members(
    app: FastAPI, client: TestClient, admin: User, viewer: User, responder: User
) -> None:
    ref = declare(client, responder, title=TITLE, kind="security", severity="SEV1")["ref"]
    declare(client, responder, title="Orders slow", severity="SEV3")
    browser = TestClient(app, raise_server_exceptions=False)
    sign_in(browser, viewer)
    dashboard = browser.get("/").text
    assert TITLE not in dashboard
    assert ref not in dashboard
    assert '<span class="count">1</span>' in dashboard  # only the service incident counts
    for url in ("/incidents", "/incidents?status=active&kind=security", "/status-private"):
        page = browser.get(url)
        assert page.status_code == 200
        assert TITLE not in page.text
        assert ref not in page.text
    assert browser.get(f"/incidents/{ref}").status_code == 404

    member = TestClient(app, raise_server_exceptions=False)
    sign_in(member, responder)
    room = member.get(f"/incidents/{ref}").text
    assert TITLE in room
    assert "restricted" in room
    assert TITLE in member.get("/").text


def test_lifting_the_restriction_needs_a_reason_and_opens_it_to_everyone(
    client: TestClient, admin: User, viewer: User, responder: User
) -> None:
    ref = declare(client, responder, title=TITLE, kind="security", severity="SEV2")["ref"]
    url = f"/api/v1/incidents/{ref}"
    refused = client.patch(url, json={"restricted": False}, headers=responder.headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "message"
    assert ref not in refs(client, viewer)
    body = {"restricted": False, "message": "disclosed to all staff"}
    assert ok(client.patch(url, json=body, headers=responder.headers))["restricted"] is False
    assert ref in refs(client, viewer)
    kinds = [e["kind"] for e in ok(client.get(f"{url}/timeline", headers=viewer.headers))]
    assert "restriction" in kinds
    # A service incident can be restricted too, when declared so or later.
    quiet = declare(client, responder, title="Payroll export", severity="SEV3", restricted=True)
    assert quiet["ref"] not in refs(client, viewer)


def test_the_live_feed_carries_no_event_of_a_hidden_incident(
    app: FastAPI, client: TestClient, admin: User, viewer: User, responder: User
) -> None:
    ref = declare(client, responder, title=TITLE, kind="security", severity="SEV2")["ref"]
    open_ref = declare(client, responder, title="Orders slow", severity="SEV3")["ref"]
    ok(client.post(f"/api/v1/incidents/{ref}/timeline", json={"text": "shell found"},
                   headers=responder.headers), 201)  # fmt: skip

    def incidents_heard(user: User) -> set[int]:
        with transaction(app.state.sessions) as session:
            person = session.get(Person, user.person_id)
            assert person is not None
            seen = sight(session, actor_for(person))
        return {e.incident_id for e in _since(app.state.sessions, 0, None, seen)}

    assert incidents_heard(viewer) == {parse_ref(open_ref)}
    assert incidents_heard(responder) == {parse_ref(ref), parse_ref(open_ref)}


def test_changes_are_still_held_but_never_told_the_title(
    app: FastAPI, client: TestClient, admin: User, viewer: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    owner = make_user(app, Role.responder, "Olga Owner")
    change = create_change(client, owner, clock.now, title="Reboot orders servers")
    ref = declare(client, responder, title=TITLE, kind="security", severity="SEV1",
                  services=["orders"])["ref"]  # fmt: skip
    (conflict,) = show(client, owner, change["ref"])["conflicts"]
    assert (conflict["reason"], conflict["severity"], conflict["incident"]) == (
        "incident", "critical", ref,
    )  # fmt: skip
    assert TITLE not in conflict["detail"]
    assert "restricted" in conflict["detail"]
    # Naming the incident from a change is refused alike to a non-member.
    named = client.post("/api/v1/changes", headers=owner.headers, json={
        "title": "Block the VPN account", "type": "emergency", "incident": ref,
        "planned_start": clock.now.isoformat(),
        "planned_end": (clock.now + timedelta(hours=1)).isoformat(),
        "services": ["orders"], "assets": [],
    })  # fmt: skip
    assert named.status_code == 422
    assert named.json()["errors"][0]["field"] == "incident"
    # No notice names it to anyone outside.
    with transaction(app.state.sessions) as session:
        told = list(session.scalars(select(Delivery)))
    outsiders = {owner.email, viewer.email}
    for delivery in told:
        if delivery.address in outsiders:
            assert TITLE not in delivery.subject + delivery.body, delivery.subject


def test_stakeholder_updates_skip_owners_who_are_not_members(
    app: FastAPI, client: TestClient, admin: User, responder: User
) -> None:
    owner = make_user(app, Role.responder, "Otto Owner")
    ok(client.post("/api/v1/teams", json={"name": "Shop team", "lead": owner.email},
                   headers=admin.headers), 201)  # fmt: skip
    ok(client.post("/api/v1/services", json={"name": "shop", "tier": 1, "owner_team": "Shop team"},
                   headers=admin.headers), 201)  # fmt: skip
    ok(client.post("/api/v1/teams", json={"name": "Service Desk", "lead": admin.email},
                   headers=admin.headers), 201)  # fmt: skip
    made = declare(client, responder, title=TITLE, kind="security", severity="SEV3",
                   services=["shop"], commander=responder.email)  # fmt: skip
    ref = made["ref"]
    open_ref = declare(client, responder, title="Shop slow", severity="SEV3",
                       services=["shop"])["ref"]  # fmt: skip

    def told(incident_ref: str) -> set[str]:
        with transaction(app.state.sessions) as session:
            incident = session.get(Incident, parse_ref(incident_ref))
            assert incident is not None
            return {r.email for r in recipients(session, incident, Audience.stakeholders)}

    assert {owner.email, admin.email} <= told(open_ref)
    # The owner was brought in (a member, so told); released, no longer.
    assert owner.email in told(ref)
    for joined in made["participants"]:
        if joined["person"]["email"] != owner.email:
            continue
        release = f"/api/v1/incidents/{ref}/participants/{joined['id']}/release"
        ok(client.post(release, json={}, headers=responder.headers))
    assert owner.email not in told(ref)
    assert admin.email not in told(ref)
    with transaction(app.state.sessions) as session:
        ids = {e.incident_id for e in session.scalars(select(TimelineEvent))}
    assert parse_ref(ref) in ids


def test_pages_of_a_hidden_incident_are_only_for_its_members(
    app: FastAPI, client: TestClient, admin: User, viewer: User, responder: User
) -> None:
    paged = make_user(app, Role.responder, "Pia Paged")
    ref = declare(client, responder, title=TITLE, kind="security", severity="SEV2")["ref"]
    sent = ok(client.post(f"/api/v1/incidents/{ref}/page", json={"person": paged.email},
                          headers=responder.headers))  # fmt: skip
    (page,) = [p for p in sent["pages"] if p["person"]["email"] == paged.email]
    assert page["incident_title"] == TITLE
    everyone = ok(client.get("/api/v1/pages?all=true", headers=viewer.headers))
    assert TITLE not in str(everyone)
    assert client.get(f"/api/v1/pages/{page['id']}", headers=viewer.headers).status_code == 404
    # The person paged is a member: the page and the incident are theirs to read.
    mine = ok(client.get("/api/v1/pages", headers=paged.headers))
    assert [p["incident_title"] for p in mine] == [TITLE]
    assert ref in refs(client, paged)
    # A member reading everyone's pages sees this one too.
    assert TITLE in str(ok(client.get("/api/v1/pages?all=true", headers=responder.headers)))


def test_the_public_documents_feeds_and_export_carry_nothing_of_it(
    app: FastAPI, client: TestClient, responder: User, tmp_path: Path
) -> None:
    ref = declare(client, responder, title=TITLE, kind="security", severity="SEV1")["ref"]
    with transaction(app.state.sessions) as session:
        site = documents(session, app.state.settings, app.state.clock())
    written = write_site(site, tmp_path / "site")
    assert written
    for path, body in site.items():
        assert TITLE.encode() not in body, path
        assert ref.encode() not in body, path
    for public in ("/status", "/api/v2/summary.json", "/api/v2/incidents.json", "/history.atom"):
        answer = client.get(public)
        assert answer.status_code == 200, public
        assert TITLE not in answer.text
