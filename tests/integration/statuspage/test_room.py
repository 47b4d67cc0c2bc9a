"""The war room's Status page panel, clicked through with the page forms: a responder opens a
public incident from the room (prefilled from the incident), only the communications lead sees
Approve, approving publishes it, and a refused form says why instead of failing."""

from __future__ import annotations

import re
from html import unescape

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import User
from tests.integration.statuspage.staff_helpers import (
    component,
    count,
    ok,
    seed_components,
    war,
)
from tests.integration.web.helpers import post, sign_in
from warroom.statuspage.models import PublicIncident, PublicUpdate

PANEL = re.compile(r'<section[^>]* id="status-page".*?</section>', re.S)
FLASH = re.compile(r'<p class="flash" role="status">([^<]*)</p>')


def panel(client: TestClient, ref: str) -> str:
    page = client.get(f"/incidents/{ref}")
    assert page.status_code == 200, page.text
    found = PANEL.search(page.text)
    assert found, "the room has no status page panel"
    return found.group(0)


def flashed(client: TestClient, answer: object, ref: str) -> str:
    """Follow a form's redirect back to the room; the message it flashed."""
    location = getattr(answer, "headers", {}).get("location", "")
    assert location == f"/incidents/{ref}#status-page", location
    found = FLASH.search(client.get(location.split("#")[0]).text)
    return unescape(found.group(1)) if found else ""


def checked(html: str, value: str) -> bool:
    return re.search(rf'value="{value}" checked', html) is not None


def approve_codes(html: str) -> list[str]:
    return re.findall(r'/status-page/updates/(\w+)/approve"', html)


def test_open_from_the_room_then_the_communications_lead_approves(
    app: FastAPI, client: TestClient, admin: User, responder: User
) -> None:
    seed_components(client, admin)
    room = war(app, client, admin)
    checkout, docs = component(client, admin, "Checkout"), component(client, admin, "Docs")
    csrf = sign_in(client, responder)

    empty = panel(client, room.ref)
    assert "Nothing on the status page about this incident." in empty
    assert 'name="name" value="Checkout failing"' in empty
    assert '<option value="major" selected>' in empty  # a SEV2's suggested impact
    assert '<option value="partial_outage" selected>' in empty
    assert checked(empty, checkout["code"])
    assert not checked(empty, docs["code"])

    form = {
        "name": "Checkout errors",
        "impact": "major",
        "status": "investigating",
        "body": "Some payments fail; we are on it.",
        "components": [checkout["code"]],
        "component_status": "partial_outage",
    }
    answer = post(client, f"/incidents/{room.ref}/status-page", csrf, **form)
    assert flashed(client, answer, room.ref).startswith("Draft saved: “Checkout errors”")
    drafted = panel(client, room.ref)
    assert "not published" in drafted
    assert "update-draft" in drafted
    assert approve_codes(drafted) == []  # the writer is neither comms lead nor commander
    with_draft = ok(client.get("/api/v1/public-incidents", headers=admin.headers))
    code = with_draft[0]["updates"][0]["code"]
    refused = post(client, f"/incidents/{room.ref}/status-page/updates/{code}/approve", csrf)
    assert "approved by the incident's communications lead or commander" in flashed(
        client, refused, room.ref
    )
    assert component(client, admin, "Checkout")["status"] == "operational"

    csrf = sign_in(client, room.comms)
    assert approve_codes(panel(client, room.ref)) == [code]
    answer = post(client, f"/incidents/{room.ref}/status-page/updates/{code}/approve", csrf)
    assert (
        flashed(client, answer, room.ref)
        == "Published: “Checkout errors” is investigating on the status page."
    )
    published = panel(client, room.ref)
    assert "not published" not in published
    assert "update-published" in published
    assert "approved by Cora Comms" in published
    assert approve_codes(published) == []
    assert component(client, admin, "Checkout")["status"] == "partial_outage"


def test_an_update_from_the_room_and_refusals_shown_not_failed(
    app: FastAPI, client: TestClient, admin: User
) -> None:
    seed_components(client, admin)
    room = war(app, client, admin)
    checkout = component(client, admin, "Checkout")["code"]
    csrf = sign_in(client, room.commander)
    form = {"name": "Checkout errors", "impact": "major", "body": "Investigating."}
    post(client, f"/incidents/{room.ref}/status-page", csrf, **form, components=[checkout],
         component_status="major_outage")  # fmt: skip
    public = ok(client.get("/api/v1/public-incidents", headers=admin.headers))[0]
    first = public["updates"][0]["code"]
    post(client, f"/incidents/{room.ref}/status-page/updates/{first}/approve", csrf)

    resolved = {"status": "resolved", "body": "Fixed.", "components": [checkout]}
    answer = post(client, f"/incidents/{room.ref}/status-page/{public['code']}/updates", csrf,
                  **resolved, component_status="operational")  # fmt: skip
    assert flashed(client, answer, room.ref).startswith("Draft update saved")
    codes = approve_codes(panel(client, room.ref))
    assert len(codes) == 1  # the commander approves their own words
    post(client, f"/incidents/{room.ref}/status-page/updates/{codes[0]}/approve", csrf)
    assert component(client, admin, "Checkout")["status"] == "operational"
    done = ok(client.get(f"/api/v1/public-incidents/{public['code']}", headers=admin.headers))
    assert (done["status"], done["resolved_at"] is not None) == ("resolved", True)
    assert '<option value="postmortem"' in panel(client, room.ref)

    writes = (count(app, PublicIncident), count(app, PublicUpdate))
    opened, later = f"/incidents/{room.ref}/status-page", {"status": "identified", "body": "b"}
    for url, fields, why in (
        (opened, {"name": "X", "body": " "}, "Body:"),
        (opened, {"name": "X", "body": "b", "impact": "huge"}, "Impact:"),
        (f"{opened}/{public['code']}/updates", later, "resolved"),
        (f"{opened}/nosuch/updates", later, "no public incident"),
        (f"{opened}/updates/{first}/approve", {}, "already published"),
    ):
        message = flashed(client, post(client, url, csrf, **fields), room.ref)
        assert message.startswith("Nothing saved:"), message
        assert why in message, message
    assert (count(app, PublicIncident), count(app, PublicUpdate)) == writes
    forged = post(client, f"/incidents/{room.ref}/status-page", "forged", **form)
    assert forged.status_code == 403
    assert count(app, PublicIncident) == writes[0]


def test_a_viewer_sees_the_panel_without_forms(
    app: FastAPI, client: TestClient, admin: User, viewer: User
) -> None:
    seed_components(client, admin)
    room = war(app, client, admin)
    body = {"name": "Checkout errors", "body": "Investigating.", "incident": room.ref}
    ok(client.post("/api/v1/public-incidents", json=body, headers=admin.headers), 201)
    sign_in(client, viewer)
    shown = panel(client, room.ref)
    assert "Checkout errors" in shown
    assert "update-draft" in shown
    assert "<form" not in shown
