"""The on-call web pages: who is on call, schedules with their strip and overrides, the
escalation-policy editor and the paging routes, My pages with Acknowledge, and the war room's
paging panel (escalation, delivery log, Escalate now, Page someone)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import User, make_user
from tests.integration.oncall.paging_helpers import (
    Org,
    declare,
    escalation_states,
    make_org,
    ok,
    pages,
)
from tests.integration.web.helpers import post, sign_in
from warroom.access.rules import Role


@pytest.fixture
def org(client: TestClient, app: FastAPI, admin: User) -> Org:
    return make_org(client, app, admin)


@pytest.fixture
def manager(app: FastAPI) -> User:
    return make_user(app, Role.manager, "Mona Manager")


def schedule_id(client: TestClient, user: User, name: str) -> int:
    rows = ok(client.get("/api/v1/schedules", headers=user.headers))
    return int(next(r["id"] for r in rows if r["name"] == name))


def policy(client: TestClient, user: User, name: str) -> dict[str, Any]:
    found: dict[str, Any] = ok(
        client.get(f"/api/v1/escalation-policies/{name}", headers=user.headers)
    )
    return found


def flash_of(html: str) -> str:
    found = re.search(r'<p class="flash" role="status">([^<]*)</p>', html)
    return found.group(1) if found else ""


def field_error(html: str, name: str) -> str:
    """The message shown beside the input called ``name``."""
    found = re.search(rf'name="{name}"[^>]*>\s*<span class="field-error">([^<]*)</span>', html)
    return found.group(1) if found else ""


def section(html: str, section_id: str) -> str:
    found = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, re.S)
    assert found, f"no section {section_id!r}"
    return found.group(0)


# --- reading -----------------------------------------------------------------------------------


def test_every_page_shows_who_is_on_call_to_a_viewer(
    client: TestClient, org: Org, viewer: User
) -> None:
    ref = declare(client, org.admin)
    sign_in(client, viewer)

    overview = client.get("/oncall")
    assert overview.status_code == 200
    schedules_now = section(overview.text, "schedules-now")
    assert re.search(r"Payments primary</a></td>\s*<td><span[^>]*>Ann</span>", schedules_now)
    services_now = section(overview.text, "services-now")
    assert "payments" in services_now
    assert "via schedule Payments primary" in services_now
    # One person in the rotation: their shifts merge, so no handoff is in sight.
    assert "none in the next 31 days" in services_now

    sid = schedule_id(client, org.admin, "Payments primary")
    listing = client.get("/schedules").text
    assert f'href="/schedules/{sid}"' in listing
    assert "new-schedule" not in listing
    detail = client.get(f"/schedules/{sid}").text
    assert "<svg" in detail
    assert 'class="oncall-strip"' in detail
    assert "style=" not in section(detail, "strip"), "the CSP forbids inline styles"
    assert f"/api/v1/schedules/{sid}.ics" in detail
    assert "Add an override" not in detail

    policies = client.get("/escalation-policies").text
    assert "Payments" in policies
    assert "Security primary" not in section(policies, "routes")
    assert re.search(r"<dt>Commander</dt><dd>IC rotation</dd>", policies)
    pid = policy(client, org.admin, "Payments")["id"]
    one = client.get(f"/escalation-policies/{pid}").text
    assert "Payments primary" in one
    assert org.bob.name in one
    assert "Add a step" not in one

    assert "Nothing is paging you." in client.get("/pages/mine").text
    room = client.get(f"/incidents/{ref}").text
    paging = section(room, "paging")
    assert "Delivery log" in paging
    assert org.ann.email in paging
    assert "Escalate now" not in paging
    assert "Page someone" not in paging


def test_schedule_strip_and_shift_list_follow_an_override(
    client: TestClient, app: FastAPI, org: Org, manager: User
) -> None:
    sid = schedule_id(client, org.admin, "Payments primary")
    csrf = sign_in(client, manager)
    answer = post(
        client,
        f"/schedules/{sid}/overrides",
        csrf,
        person=org.bob.email,
        starts_at="2026-11-23T21:00",
        ends_at="2026-11-24T09:00",
        note="Ann is travelling",
    )
    assert answer.status_code == 303
    page = client.get(answer.headers["location"]).text
    assert "Override added: Bob covers Payments primary." in flash_of(page)
    assert re.search(r"On call now: <span[^>]*>Bob</span>", page)
    assert "Ann is travelling" in section(page, "overrides")
    shifts = re.findall(r"<tr><td>(\w+)</td>", section(page, "strip"))
    assert shifts[:3] == ["Ann", "Bob", "Ann"], shifts
    assert ">overrides</text>" in page, "the strip draws the overrides on their own row"


# --- writing as a manager ----------------------------------------------------------------------


def test_an_overlapping_override_is_refused_beside_its_field(
    client: TestClient, org: Org, manager: User
) -> None:
    sid = schedule_id(client, org.admin, "Payments primary")
    csrf = sign_in(client, manager)
    first = {
        "person": org.bob.email,
        "starts_at": "2026-11-24T08:00",
        "ends_at": "2026-11-24T20:00",
    }
    assert post(client, f"/schedules/{sid}/overrides", csrf, **first).status_code == 303
    clash = first | {"person": org.olga.email, "starts_at": "2026-11-24T12:00"}
    answer = post(client, f"/schedules/{sid}/overrides", csrf, **clash)

    assert answer.status_code == 409
    assert "overlaps override" in field_error(answer.text, "starts_at")
    assert 'value="2026-11-24T12:00"' in answer.text, "what was typed is kept"
    backwards = first | {"starts_at": "2026-11-25T10:00", "ends_at": "2026-11-25T09:00"}
    answer = post(client, f"/schedules/{sid}/overrides", csrf, **backwards)
    assert answer.status_code == 422
    assert "must be after starts_at" in field_error(answer.text, "ends_at")

    rows = ok(client.get(f"/api/v1/schedules/{sid}", headers=org.admin.headers))["overrides"]
    assert [r["person"]["name"] for r in rows] == ["Bob"]
    answer = post(client, f"/schedules/{sid}/overrides/{rows[0]['id']}/delete", csrf)
    assert answer.status_code == 303
    assert ok(client.get(f"/api/v1/schedules/{sid}", headers=org.admin.headers))["overrides"] == []


def test_a_manager_creates_a_one_layer_schedule(
    client: TestClient, org: Org, manager: User
) -> None:
    csrf = sign_in(client, manager)
    form = {
        "name": "Web weekly",
        "timezone": "Europe/Paris",
        "rotation": "weekly",
        "starts": "2026-11-02T09:00",
        "participants": f"{org.ann.email}\nnobody@example.com",
    }
    answer = post(client, "/schedules", csrf, **form)
    assert answer.status_code == 422
    assert (
        "no active person with email 'nobody@example.com'"
        in field_error(answer.text, "participants")
        or "nobody@example.com" in answer.text
    )

    answer = post(
        client, "/schedules", csrf, **form | {"participants": f"{org.ann.email}\n{org.bob.email}"}
    )
    assert answer.status_code == 303
    sid = schedule_id(client, org.admin, "Web weekly")
    assert answer.headers["location"] == f"/schedules/{sid}"
    made = ok(client.get(f"/api/v1/schedules/{sid}", headers=org.admin.headers))
    assert made["timezone"] == "Europe/Paris"
    assert made["layers"][0]["participants"] == [org.ann.email, org.bob.email]
    # Weeks from 2 November 09:00 Paris: the fourth week (from 23 November) is Bob's.
    page = client.get(f"/schedules/{sid}").text
    assert re.search(r"On call now: <span[^>]*>Bob</span>", page)
    assert "2026-11-30 08:00" in section(page, "now"), "Monday 09:00 in Paris, shown in UTC"


def test_a_manager_edits_a_policy_piece_by_piece(
    client: TestClient, org: Org, manager: User
) -> None:
    csrf = sign_in(client, manager)
    answer = post(
        client, "/escalation-policies", csrf, name="Wiki", target="schedule:Payments primary",
        delay_minutes="5",
    )  # fmt: skip
    assert answer.status_code == 303
    base = answer.headers["location"]
    assert (
        post(
            client, f"{base}/steps", csrf, target=f"person:{org.bob.email}", delay_minutes="10"
        ).status_code
        == 303
    )
    assert post(client, f"{base}/steps/1/targets", csrf, target="team:Payments").status_code == 303
    assert post(client, f"{base}/steps/0/delay", csrf, delay_minutes="7").status_code == 303
    assert (
        post(
            client, f"{base}/settings", csrf, name="Wiki", repeat="2", description="Docs"
        ).status_code
        == 303
    )
    got = policy(client, org.admin, "Wiki")
    assert got["repeat"] == 2
    assert got["description"] == "Docs"
    assert [(s["delay_minutes"], [t["name"] for t in s["targets"]]) for s in got["steps"]] == [
        (7, ["Payments primary"]),
        (10, ["Bob", "Payments"]),
    ]

    assert post(client, f"{base}/steps/1/targets/0/delete", csrf).status_code == 303
    assert post(client, f"{base}/steps/0/delete", csrf).status_code == 303
    got = policy(client, org.admin, "Wiki")
    assert [[t["name"] for t in s["targets"]] for s in got["steps"]] == [["Payments"]]
    refused = post(client, f"{base}/steps/0/delete", csrf)
    assert refused.status_code == 422
    assert "at least one step" in refused.text
    bad_delay = post(client, f"{base}/steps/0/delay", csrf, delay_minutes="-3")
    assert bad_delay.status_code == 422
    assert 'id="err-step-0"' in bad_delay.text

    assert post(client, f"{base}/services", csrf, service="wiki").status_code == 303
    assert policy(client, org.admin, "Wiki")["services"] == ["wiki"]
    in_use = post(client, f"{base}/delete", csrf)
    assert in_use.status_code == 409
    assert "in use (service wiki)" in in_use.text
    assert post(client, f"{base}/services/wiki/remove", csrf).status_code == 303
    assert post(client, f"{base}/delete", csrf).status_code == 303
    assert (
        client.get("/api/v1/escalation-policies/Wiki", headers=org.admin.headers).status_code == 404
    )


def test_a_manager_sets_the_paging_routes_on_the_list_page(
    client: TestClient, org: Org, manager: User
) -> None:
    csrf = sign_in(client, manager)
    answer = post(
        client, "/paging-routes", csrf, security="Security", default="Payments",
        commander="Security primary",
    )  # fmt: skip
    assert answer.status_code == 303
    routes = ok(client.get("/api/v1/paging-routes", headers=org.admin.headers))
    assert routes == {
        "security": "Security",
        "default": "Payments",
        "commander": "Security primary",
    }
    page = client.get("/escalation-policies").text
    assert '<option value="Payments" selected>' in section(page, "routes")


# --- refusals ----------------------------------------------------------------------------------


def test_viewers_cannot_change_anything(client: TestClient, org: Org, viewer: User) -> None:
    ref = declare(client, org.admin)
    sid = schedule_id(client, org.admin, "Payments primary")
    pid = policy(client, org.admin, "Payments")["id"]
    csrf = sign_in(client, viewer)
    writes = [
        (
            f"/schedules/{sid}/overrides",
            {
                "person": org.bob.email,
                "starts_at": "2026-11-24T08:00",
                "ends_at": "2026-11-24T09:00",
            },
        ),
        (
            "/schedules",
            {"name": "Mine", "starts": "2026-11-02T09:00", "participants": viewer.email},
        ),
        (f"/escalation-policies/{pid}/steps/0/delete", {}),
        ("/paging-routes", {}),
        (f"/incidents/{ref}/escalate", {}),
        (f"/incidents/{ref}/page", {"person": org.olga.email}),
    ]
    for url, form in writes:
        answer = post(client, url, csrf, **form)
        assert answer.status_code == 403, url
    assert ok(client.get(f"/api/v1/schedules/{sid}", headers=org.admin.headers))["overrides"] == []
    assert len(policy(client, org.admin, "Payments")["steps"]) == 2
    assert (
        ok(client.get("/api/v1/paging-routes", headers=org.admin.headers))["security"] == "Security"
    )
    assert set(pages(client, org.admin, ref)) == {"Ann"}


@pytest.mark.parametrize("token", [None, "forged"])
def test_forms_need_the_sessions_csrf_token(
    client: TestClient, org: Org, manager: User, token: str | None
) -> None:
    sid = schedule_id(client, org.admin, "Payments primary")
    sign_in(client, manager)
    form = {"person": org.bob.email, "starts_at": "2026-11-24T08:00", "ends_at": "2026-11-24T09:00"}
    if token is not None:
        form["csrf"] = token
    answer = client.post(f"/schedules/{sid}/overrides", data=form, follow_redirects=False)
    assert answer.status_code == 403
    assert "expired or came from another site" in answer.text
    assert ok(client.get(f"/api/v1/schedules/{sid}", headers=org.admin.headers))["overrides"] == []


# --- pages and the war room --------------------------------------------------------------------


def test_my_pages_acknowledge_stops_the_escalation(
    client: TestClient, app: FastAPI, org: Org
) -> None:
    ref = declare(client, org.admin)
    csrf = sign_in(client, org.ann)
    home = client.get("/").text
    assert re.search(r'id="nav-my-pages"[^>]*>My pages <span class="count"[^>]*>1</span>', home)
    mine = client.get("/pages/mine").text
    opened = section(mine, "open-pages")
    assert ref in opened
    assert "Card payments failing" in opened
    assert "policy of payments" in opened
    page_id = pages(client, org.admin, ref)["Ann"]["id"]

    answer = post(client, f"/pages/{page_id}/acknowledge", csrf)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/pages/mine"
    mine = client.get("/pages/mine").text
    assert f"Page for {ref} acknowledged" in flash_of(mine)
    assert "Nothing is paging you." in mine
    assert "via web" in section(mine, "recent-pages")
    assert 'class="count"' not in re.search(r'id="nav-my-pages".*?</a>', mine, re.S).group(0)  # type: ignore[union-attr]
    assert escalation_states(app) == [("acknowledged", 1, 0)]
    paging = section(client.get(f"/incidents/{ref}").text, "paging")
    assert "acknowledged" in paging
    assert "via web" in paging


def test_someone_elses_page_needs_a_responder(
    client: TestClient, app: FastAPI, org: Org, viewer: User
) -> None:
    ref = declare(client, org.admin)
    page_id = pages(client, org.admin, ref)["Ann"]["id"]
    csrf = sign_in(client, viewer)
    assert post(client, f"/pages/{page_id}/acknowledge", csrf).status_code == 403
    assert escalation_states(app) == [("active", 1, 0)]


def test_a_responder_escalates_now_and_pages_someone_from_the_room(
    client: TestClient, app: FastAPI, org: Org, responder: User
) -> None:
    ref = declare(client, org.admin)
    csrf = sign_in(client, responder)
    room = section(client.get(f"/incidents/{ref}").text, "paging")
    assert "Acknowledge for Ann" in room
    assert "Payments" in room
    assert "next: step 2 of 2" in room
    assert "Escalate now" in room

    answer = post(client, f"/incidents/{ref}/escalate", csrf)
    assert answer.status_code == 303
    assert answer.headers["location"].endswith("#paging")
    assert set(pages(client, org.admin, ref)) == {"Ann", "Bob"}
    assert post(client, f"/incidents/{ref}/page", csrf, person=org.olga.email).status_code == 303
    room_html = client.get(f"/incidents/{ref}").text
    assert f"Paged Olga for {ref}." in flash_of(room_html)
    log = section(room_html, "paging")
    for person in (org.ann, org.bob, org.olga):
        assert person.email in log
    assert set(pages(client, org.admin, ref)) == {"Ann", "Bob", "Olga"}

    olga_page = pages(client, org.admin, ref)["Olga"]["id"]
    answer = post(client, f"/pages/{olga_page}/acknowledge", csrf, next=f"/incidents/{ref}#paging")
    assert answer.headers["location"] == f"/incidents/{ref}#paging"
    assert pages(client, org.admin, ref)["Olga"]["status"] == "acknowledged"
    assert escalation_states(app) == [("acknowledged", 2, 0)]
    after = section(client.get(f"/incidents/{ref}").text, "paging")
    assert "Acknowledge for Olga" not in after
    assert "Acknowledge for Ann" in after, "the others' pages stay open until they answer"

    unknown = post(client, f"/incidents/{ref}/page", csrf, person="ghost@example.com")
    assert unknown.status_code == 303
    assert "Nothing done: unknown person" in flash_of(client.get(f"/incidents/{ref}").text)


def test_a_step_left_without_target_is_shown_and_can_be_mended(
    client: TestClient, org: Org, manager: User
) -> None:
    sid = schedule_id(client, org.admin, "Payments primary")
    pid = policy(client, org.admin, "Payments")["id"]
    csrf = sign_in(client, manager)
    answer = post(client, f"/schedules/{sid}/delete", csrf)
    assert answer.headers["location"] == "/schedules"
    listing = client.get("/schedules").text
    assert "Schedule “Payments primary” deleted" in flash_of(listing)
    assert f'href="/schedules/{sid}"' not in listing

    page = client.get(f"/escalation-policies/{pid}").text
    assert "No target left: this step pages nobody." in section(page, "steps")
    target = f"person:{org.ann.email}"
    answer = post(client, f"/escalation-policies/{pid}/steps/0/targets", csrf, target=target)
    assert answer.status_code == 303
    steps = policy(client, org.admin, "Payments")["steps"]
    assert [[t["name"] for t in s["targets"]] for s in steps] == [["Ann"], ["Bob"]]
