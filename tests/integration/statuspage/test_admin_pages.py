"""The status page's staff pages on SQLite and PostgreSQL: components in page order with a
status form for responders and create/delete for managers, the public incidents (open first,
drafts marked, linked to their room), and the subscribers page for managers."""

from __future__ import annotations

import re
from html import unescape

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import User, make_user
from tests.integration.statuspage.staff_helpers import (
    component,
    count,
    history,
    ok,
    seed_components,
    war,
)
from tests.integration.web.helpers import post, sign_in
from warroom.access.rules import Role
from warroom.db import transaction
from warroom.oncall.models import Delivery
from warroom.statuspage.models import StatusComponent, Subscriber


def signed_in(app: FastAPI, user: User) -> tuple[TestClient, str]:
    """A browser of its own for ``user`` (each client keeps one session cookie)."""
    browser = TestClient(app, raise_server_exceptions=False)
    return browser, sign_in(browser, user)


def flash_of(html: str) -> str:
    found = re.search(r'<p class="flash" role="status">([^<]*)</p>', html)
    return found.group(1) if found else ""


def row_of(html: str, element_id: str) -> str:
    found = re.search(rf'<tr id="{element_id}".*?</tr>', html, re.S)
    assert found, f"no row {element_id!r}"
    return found.group(0)


def code_of(client: TestClient, admin: User, name: str) -> str:
    return str(component(client, admin, name)["code"])


# --- components --------------------------------------------------------------------------------


def test_a_viewer_reads_the_components_in_page_order_without_any_form(
    client: TestClient, app: FastAPI, admin: User, viewer: User
) -> None:
    seed_components(client, admin)
    browser, csrf = signed_in(app, viewer)

    page = browser.get("/status-admin")
    assert page.status_code == 200
    names = re.findall(r'<tr id="component-\w+"[^>]*>\s*<td>\s*<strong>([^<]+)</strong>', page.text)
    assert names == ["Shop", "Checkout", "Search", "Docs"]
    assert "in Shop" in row_of(page.text, f"component-{code_of(client, admin, 'Checkout')}")
    assert 'href="/status"' in page.text
    assert 'action="/status-admin/components' not in page.text, "no forms for a viewer"

    checkout = code_of(client, admin, "Checkout")
    refused = post(
        browser, f"/status-admin/components/{checkout}/status", csrf, status="major_outage"
    )
    assert refused.status_code == 403
    assert history(app, "Checkout") == ["operational"]


def test_a_responder_sets_a_status_kept_in_the_history_but_cannot_create(
    client: TestClient, app: FastAPI, admin: User, responder: User
) -> None:
    seed_components(client, admin)
    browser, csrf = signed_in(app, responder)
    checkout = code_of(client, admin, "Checkout")
    page = browser.get("/status-admin").text
    assert f'action="/status-admin/components/{checkout}/status"' in page
    assert 'action="/status-admin/components"' not in page, "creating is a manager's"
    assert "/delete" not in page

    answer = post(
        browser, f"/status-admin/components/{checkout}/status", csrf, status="partial_outage"
    )
    assert answer.status_code == 303
    assert history(app, "Checkout") == ["operational", "partial_outage"]
    shown = browser.get(answer.headers["location"]).text
    assert flash_of(shown) == "“Checkout” is now partial outage."
    shop = row_of(shown, f"component-{code_of(client, admin, 'Shop')}")
    assert "Partial outage" in shop, "a group shows the worst of its components"

    refused = post(browser, "/status-admin/components", csrf, name="Billing")
    assert refused.status_code == 403
    assert count(app, StatusComponent) == 4


def test_bad_status_posts_are_told_beside_the_row_and_change_nothing(
    client: TestClient, app: FastAPI, admin: User, responder: User
) -> None:
    seed_components(client, admin)
    browser, csrf = signed_in(app, responder)
    shop = code_of(client, admin, "Shop")
    group = post(browser, f"/status-admin/components/{shop}/status", csrf, status="major_outage")
    assert group.status_code == 422
    assert "a group shows the worst of its components" in row_of(group.text, f"component-{shop}")

    checkout = code_of(client, admin, "Checkout")
    made_up = post(browser, f"/status-admin/components/{checkout}/status", csrf, status="on_fire")
    assert made_up.status_code == 422
    assert "choose one of the statuses" in row_of(made_up.text, f"component-{checkout}")
    assert history(app, "Checkout") == ["operational"]

    forged = browser.post(
        f"/status-admin/components/{checkout}/status",
        data={"status": "major_outage", "csrf": "not-the-token"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert history(app, "Checkout") == ["operational"]


def test_a_manager_creates_a_group_and_a_component_in_it_then_deletes_one(
    client: TestClient, app: FastAPI, admin: User
) -> None:
    seed_components(client, admin)
    manager = make_user(app, Role.manager, "Mona Manager")
    browser, csrf = signed_in(app, manager)
    assert 'action="/status-admin/components"' in browser.get("/status-admin").text

    group = post(
        browser, "/status-admin/components", csrf, name="Platform", kind="group", position="5"
    )
    assert group.status_code == 303
    platform = code_of(client, admin, "Platform")
    made = post(
        browser, "/status-admin/components", csrf, name="API", group=platform,
        service="orders", position="6", status="degraded_performance",
    )  # fmt: skip
    assert made.status_code == 303
    api = component(client, admin, "API")
    assert (api["group"], api["service"], api["status"]) == (
        "Platform",
        "orders",
        "degraded_performance",
    )
    assert history(app, "API") == ["degraded_performance"]

    twice = post(browser, "/status-admin/components", csrf, name="API", description="again")
    assert twice.status_code == 409
    assert "a component named 'API' exists" in unescape(twice.text)
    assert 'value="again"' in twice.text, "what was typed is kept"
    blank = post(browser, "/status-admin/components", csrf, name="  ")
    assert blank.status_code == 422
    assert count(app, StatusComponent) == 6

    gone = post(browser, f"/status-admin/components/{api['code']}/delete", csrf)
    assert gone.status_code == 303
    assert flash_of(browser.get("/status-admin").text) == "“API” removed from the status page."
    assert count(app, StatusComponent) == 5


# --- public incidents --------------------------------------------------------------------------


def test_public_incidents_are_listed_open_first_with_drafts_marked_and_linked(
    client: TestClient, app: FastAPI, admin: User, viewer: User
) -> None:
    seed_components(client, admin)
    room = war(app, client, admin)

    def open_public(name: str, status: str) -> str:
        body = {
            "name": name,
            "status": status,
            "body": "Checkout fails for some",
            "incident": room.ref,
        }
        made = client.post("/api/v1/public-incidents", json=body, headers=admin.headers)
        return str(ok(made, 201)["code"])

    draft = open_public("Checkout errors", "investigating")  # older, but still open
    ended = open_public("Earlier checkout errors", "resolved")
    first_update = ok(client.get(f"/api/v1/public-incidents/{ended}", headers=admin.headers))
    approve = f"/api/v1/public-updates/{first_update['updates'][0]['code']}/approve"
    ok(client.post(approve, headers=admin.headers))

    browser, _ = signed_in(app, viewer)
    page = browser.get("/status-admin").text
    listed = re.findall(r'<tr id="public-(\w+)"', page)
    assert listed == [draft, ended], "open first, though the ended one is newer"
    assert "draft, not published" in row_of(page, f"public-{draft}")
    assert "draft, not published" not in row_of(page, f"public-{ended}")
    assert f'href="/incidents/{room.ref}#status-page"' in row_of(page, f"public-{draft}")


# --- subscribers -------------------------------------------------------------------------------


def subscriber(app: FastAPI, address: str) -> Subscriber | None:
    with transaction(app.state.sessions) as session:
        found = session.scalars(select(Subscriber).where(Subscriber.address == address)).first()
        if found is not None:
            session.expunge(found)
        return found


def outbox(app: FastAPI, purpose: str) -> list[tuple[str, str]]:
    with transaction(app.state.sessions) as session:
        rows = session.scalars(select(Delivery).where(Delivery.purpose == purpose))
        return [(d.address, d.subject) for d in rows]


def test_only_managers_reach_the_subscribers(
    app: FastAPI, client: TestClient, responder: User
) -> None:
    browser, csrf = signed_in(app, responder)
    assert browser.get("/status-admin/subscribers").status_code == 403
    assert 'href="/status-admin/subscribers"' not in browser.get("/status-admin").text
    refused = post(browser, "/status-admin/subscribers", csrf, address="sam@example.com")
    assert refused.status_code == 403
    assert subscriber(app, "sam@example.com") is None


def test_an_email_added_is_pending_with_a_confirmation_in_the_outbox(
    client: TestClient, app: FastAPI, admin: User
) -> None:
    seed_components(client, admin)
    manager = make_user(app, Role.manager, "Mona Manager")
    browser, csrf = signed_in(app, manager)
    checkout = code_of(client, admin, "Checkout")

    added = post(
        browser, "/status-admin/subscribers", csrf, address="Sam@Example.com", components=[checkout]
    )
    assert added.status_code == 303
    page = browser.get("/status-admin/subscribers").text
    assert flash_of(page).startswith("Confirmation sent to sam@example.com")
    found = subscriber(app, "sam@example.com")
    assert found is not None
    assert found.confirmed_at is None, "pending until the link is used"
    row = row_of(page, f"subscriber-{found.id}")
    assert "pending" in row
    assert "Checkout" in row
    assert outbox(app, "subscription") == [
        ("sam@example.com", "Confirm your subscription to Status")
    ]

    hook = post(
        browser,
        "/status-admin/subscribers",
        csrf,
        kind="webhook",
        address="https://hooks.example.com/s",
    )
    assert hook.status_code == 303
    hooked = subscriber(app, "https://hooks.example.com/s")
    assert hooked is not None
    row = row_of(browser.get("/status-admin/subscribers").text, f"subscriber-{hooked.id}")
    assert "confirmed" in row
    assert "everything" in row
    assert len(outbox(app, "subscription")) == 1, "a webhook is not asked to confirm"

    gone = post(browser, f"/status-admin/subscribers/{found.id}/delete", csrf)
    assert gone.status_code == 303
    assert subscriber(app, "sam@example.com") is None


def test_a_bad_address_is_told_beside_the_field_and_nothing_is_stored(
    app: FastAPI, client: TestClient, admin: User
) -> None:
    browser, csrf = signed_in(app, admin)
    bad = post(browser, "/status-admin/subscribers", csrf, address="not an address")
    assert bad.status_code == 422
    assert "not an email address" in bad.text
    assert 'value="not an address"' in bad.text
    hook = post(browser, "/status-admin/subscribers", csrf, kind="webhook", address="ftp://x")
    assert hook.status_code == 422
    assert "an http(s) URL" in hook.text
    assert count(app, Subscriber) == 0
    assert outbox(app, "subscription") == []
