"""The change pages on SQLite and PostgreSQL: the list with its badges, the new-change form
(bad input shown beside its field, nothing written), a change's page and its forms (the gate
refusing a start shows the conflicts), and the war room's panels (one-click Hold, suspects
marked). The calendar and the windows are in ``test_pages_calendar``."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock, User, make_user
from tests.integration.changes.page_helpers import (
    api_change,
    change_form,
    count,
    flash_of,
    ok,
    section,
    seed_catalog,
    stored_change,
)
from tests.integration.web.helpers import declare, error_text, post, sign_in
from warroom.access.rules import Role
from warroom.changes.models import Change, ChangeLog
from warroom.db import transaction
from warroom.incidents.models import TimelineEvent

# --- the form -----------------------------------------------------------------------------------


def test_the_form_saves_a_change_in_the_viewers_zone_and_shows_it(
    client: TestClient, app: FastAPI, admin: User
) -> None:
    seed_catalog(client, admin)
    berlin = make_user(app, Role.responder, "Bea Berlin", timezone="Europe/Berlin")
    csrf = sign_in(client, berlin)
    assert 'name="planned_start"' in client.get("/changes/new").text
    form = change_form(reboot_required="1", submit="1", assets="wiki-01", authority=admin.email)
    answer = post(client, "/changes", csrf, **form)
    assert answer.status_code == 303, answer.text
    change_id = int(answer.headers["location"].rsplit("/", 1)[1])

    change = stored_change(app, change_id)
    assert change.state == "submitted"
    # 10:00 in Berlin in November is 09:00 UTC.
    assert change.planned_start.isoformat() == "2026-11-24T09:00:00+00:00"
    assert change.risk == "high", "tier 1 and a reboot: the suggestion was taken"
    page = client.get(answer.headers["location"]).text
    assert f"CHG-{change_id} saved: submitted." in flash_of(page)
    assert "Upgrade orders database" in page
    assert "2026-11-24 10:00</time>" in page
    scope = section(page, "scope")
    assert "ord-01" in scope
    assert "wiki-01" in scope
    assert "order-db" in scope, "a dependency"
    assert "tier-1 service in scope: orders" in scope
    assert "reboot required" in scope
    # The authority is offered the decision; a submitted change is not approved by a button.
    assert 'value="approved"' not in section(page, "actions").split('id="decision"')[0]


def test_bad_input_shows_the_field_error_and_writes_nothing(
    client: TestClient, app: FastAPI, admin: User, responder: User
) -> None:
    seed_catalog(client, admin)
    csrf = sign_in(client, responder)
    backwards = change_form(planned_end="2026-11-24T09:00", submit="1")
    answer = post(client, "/changes", csrf, **backwards)
    assert answer.status_code == 422
    assert "must be after the start" in answer.text
    assert 'value="Upgrade orders database"' in answer.text, "what was typed is kept"

    unknown = post(client, "/changes", csrf, **change_form(assets="ord-01 nope-9"))
    assert unknown.status_code == 422
    assert "unknown asset &#39;nope-9&#39;" in unknown.text
    assert "must be after" not in unknown.text

    untitled = post(client, "/changes", csrf, **change_form(title="  ", planned_start=""))
    assert untitled.status_code == 422
    assert "say when" in untitled.text
    assert count(app, Change) == 0
    assert count(app, ChangeLog) == 0


def test_viewers_see_the_pages_and_may_not_write(
    client: TestClient, app: FastAPI, admin: User, viewer: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    change_id = api_change(client, admin, clock.now + timedelta(hours=3))
    csrf = sign_in(client, viewer)
    page = client.get(f"/changes/{change_id}").text
    assert "Patch orders servers" in page
    assert "/state" not in page, "a viewer is offered no forms"
    assert "/hold" not in page
    assert "New change" not in client.get("/changes").text
    assert post(client, "/changes", csrf, **change_form()).status_code == 403
    assert post(client, f"/changes/{change_id}/hold", csrf, reason="x").status_code == 403
    assert stored_change(app, change_id).state == "draft"
    assert client.get("/changes/999").status_code == 404


# --- the list -----------------------------------------------------------------------------------


def test_the_list_filters_and_badges_the_worst_conflict(
    client: TestClient, app: FastAPI, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    soon = clock.now + timedelta(hours=1)
    on_orders = api_change(client, admin, soon, type="standard", submit=True)
    on_wiki = api_change(client, admin, soon, title="Wiki upgrade", services=["wiki"])
    ok(
        client.post(
            "/api/v1/incidents",
            json={"title": "Orders down", "severity": "SEV1", "services": ["orders"]},
            headers=admin.headers,
        ),
        201,
    )
    sign_in(client, responder)
    page = client.get("/changes").text
    rows = {
        m.group(1): m.group(0)
        for m in re.finditer(r"<tr class=\"change-row.*?/changes/(\d+)\".*?</tr>", page, re.S)
    }
    assert "critical conflict" in rows[str(on_orders)]
    assert "Approved" in rows[str(on_orders)]
    assert "conflict" not in rows[str(on_wiki)]

    drafts = client.get("/changes?state=draft").text
    assert "Wiki upgrade" in drafts
    assert "Patch orders servers" not in drafts
    standard = client.get("/changes?type=standard").text
    assert "Patch orders servers" in standard
    assert "Wiki upgrade" not in standard
    assert "No changes match." in client.get("/changes?when=recent").text
    assert "choose from draft" in client.get("/changes?state=sleeping").text


# --- a change's page ----------------------------------------------------------------------------


def test_the_gate_shows_the_conflicts_on_the_page_then_an_override_starts_it(
    client: TestClient, app: FastAPI, admin: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    change_id = api_change(
        client, admin, clock.now + timedelta(hours=1), type="standard", submit=True
    )
    ref = ok(
        client.post(
            "/api/v1/incidents",
            json={"title": "Orders down", "severity": "SEV1", "services": ["orders"]},
            headers=admin.headers,
        ),
        201,
    )["ref"]
    csrf = sign_in(client, admin)
    before = count(app, ChangeLog)
    version = stored_change(app, change_id).version
    refused = post(
        client, f"/changes/{change_id}/state", csrf, state="in_progress", version=version
    )
    assert refused.status_code == 409
    blocked = section(refused.text, "actions")
    assert "Not started: the gate found 1 unresolved conflict(s)" in blocked
    assert f'href="/incidents/{ref}"' in blocked
    assert "Orders down" in blocked
    assert stored_change(app, change_id).state == "approved"
    assert count(app, ChangeLog) == before

    started = post(
        client,
        f"/changes/{change_id}/state",
        csrf,
        state="in_progress",
        version=version,
        override_reason="the fix for the incident",
    )
    assert started.status_code == 303
    page = client.get(started.headers["location"]).text
    assert f"CHG-{change_id} is now in progress." in flash_of(page)
    assert "Started despite its conflicts by Ada Admin" in page
    assert "the fix for the incident" in section(page, "log")
    assert stored_change(app, change_id).actual_start == clock.now


def test_the_authority_approves_and_a_hold_is_released_from_the_change_page(
    client: TestClient, app: FastAPI, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    carl = make_user(app, Role.responder, "Carl Authority")
    start = clock.now + timedelta(days=2)
    change_id = api_change(client, responder, start, submit=True, authority=carl.email)
    csrf = sign_in(client, carl)
    page = client.get(f"/changes/{change_id}").text
    assert 'id="decision"' in page
    decided = post(
        client, f"/changes/{change_id}/decision", csrf, decision="approved", comment="ok"
    )
    assert decided.status_code == 303
    page = client.get(decided.headers["location"]).text
    assert "Carl Authority</strong> approved" in section(page, "approvals")

    empty = post(client, f"/changes/{change_id}/hold", csrf, reason=" ")
    assert empty.status_code == 422
    assert error_text(empty.text, "hold").startswith("Reason:")
    assert stored_change(app, change_id).state == "approved"

    clock.advance(minutes=5)
    assert post(client, f"/changes/{change_id}/hold", csrf, reason="vendor bug").status_code == 303
    page = client.get(f"/changes/{change_id}").text
    assert "On hold" in section(page, "actions")
    assert 'id="release"' in page
    released = post(client, f"/changes/{change_id}/release", csrf, reason="patched")
    assert released.status_code == 303
    assert stored_change(app, change_id).state == "approved"
    log = section(client.get(f"/changes/{change_id}").text, "log")
    assert "vendor bug" in log
    assert "patched" in log


# --- the war room -------------------------------------------------------------------------------


def test_hold_from_the_war_room_holds_and_records_on_both_timelines(
    client: TestClient, app: FastAPI, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    change_id = api_change(
        client, admin, clock.now + timedelta(hours=1), type="standard", submit=True
    )
    far = api_change(client, admin, clock.now + timedelta(days=3), type="standard", submit=True)
    csrf = sign_in(client, responder)
    ref = declare(client, csrf, title="Orders down", severity="SEV1", services=["orders"])
    hold = f"/incidents/{ref}/changes/{change_id}/hold"

    # Another responder is neither the commander nor the change's owner or authority.
    other = make_user(app, Role.responder, "Otto Other")
    other_csrf = sign_in(client, other)
    assert f'action="{hold}"' not in client.get(f"/incidents/{ref}").text
    refused = post(client, hold, other_csrf)
    assert refused.status_code == 303
    assert "Not held: only the incident commander" in flash_of(client.get(f"/incidents/{ref}").text)
    assert stored_change(app, change_id).state == "approved"

    csrf = sign_in(client, responder)
    room = client.get(f"/incidents/{ref}").text
    panel = section(room, "changes-at-risk")
    assert f"CHG-{change_id}" in panel
    assert f"CHG-{far}" not in panel, "three days out is not at risk today"
    assert "Ada Admin" in panel, "the owner"
    assert "critical" in panel
    assert f'action="{hold}"' in panel

    answer = post(client, hold, csrf)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/incidents/{ref}#changes-at-risk"
    room = client.get(answer.headers["location"]).text
    assert f"CHG-{change_id} is on hold" in flash_of(room)
    panel = section(room, "changes-at-risk")
    assert "On hold" in panel
    assert f'action="{hold}"' not in panel, "nothing left to hold"

    change = stored_change(app, change_id)
    assert (change.state, change.held_from) == ("on_hold", "approved")
    with transaction(app.state.sessions) as session:
        held = session.scalars(
            select(ChangeLog).where(ChangeLog.change_id == change_id, ChangeLog.kind == "held")
        ).one()
        assert held.text == f"Held from {ref}: scope under an active incident"
        event = session.scalars(
            select(TimelineEvent).where(TimelineEvent.kind == "change_held")
        ).one()
        assert f"CHG-{change_id}" in event.text
    assert f"held change CHG-{change_id}" in room
    assert "Held from" in section(client.get(f"/changes/{change_id}").text, "log")


def test_a_minor_incident_has_no_at_risk_panel(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    api_change(client, admin, clock.now + timedelta(hours=1), type="standard", submit=True)
    csrf = sign_in(client, responder)
    ref = declare(client, csrf, severity="SEV3", services=["orders"])
    assert 'id="changes-at-risk"' not in client.get(f"/incidents/{ref}").text


def test_suspects_are_ranked_in_the_room_and_marked_on_both_timelines(
    client: TestClient, app: FastAPI, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    event = {"summary": "Deploy orders 4.2", "services": ["orders"]}
    deployed = ok(client.post("/api/v1/change-events", json=event, headers=admin.headers), 201)
    clock.advance(minutes=20)
    csrf = sign_in(client, responder)
    ref = declare(client, csrf, title="Orders slow", severity="SEV2", services=["orders"])
    panel = section(client.get(f"/incidents/{ref}").text, "suspect-changes")
    assert "Deploy orders 4.2" in panel
    assert "same service: orders" in panel
    assert "20 min before the incident started" in panel

    url = f"/incidents/{ref}/suspects/{deployed['id']}"
    marked = post(client, url, csrf, mark="cause")
    assert marked.status_code == 303
    room = client.get(marked.headers["location"]).text
    assert f"CHG-{deployed['id']} marked as cause." in flash_of(room)
    panel = section(room, "suspect-changes")
    assert "mark-cause" in panel
    assert "marked by Rita Responder" in panel
    assert f"marked as cause: change CHG-{deployed['id']}" in room
    assert f"cause for {ref}" in section(client.get(f"/changes/{deployed['id']}").text, "log")

    assert post(client, url, csrf, mark="clear").status_code == 303
    assert "mark-cause" not in section(client.get(f"/incidents/{ref}").text, "suspect-changes")
