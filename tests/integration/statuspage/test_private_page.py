"""The private status page for staff (SQLite and PostgreSQL): each component as the public
sees it with what is behind it, the drafts waiting for approval, and the major incidents the
public page says nothing about; the same document from the API, the page and the CLI, and
nothing of it for the public."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import User
from tests.integration.incidents.helpers import declare
from tests.integration.statuspage.staff_helpers import ok, seed_components, war
from tests.integration.web.helpers import sign_in

URL = "/api/v1/status-overview"


def test_staff_see_what_is_behind_the_public_page(
    app: FastAPI, client: TestClient, admin: User, viewer: User
) -> None:
    seed_components(client, admin)
    hidden = {"name": "Partner API", "service": "wiki", "only_show_if_degraded": True}
    ok(client.post("/api/v1/status-components", json=hidden, headers=admin.headers), 201)
    room = war(app, client, admin)  # a SEV2 on orders, nothing public yet
    quiet = ok(client.get(URL, headers=viewer.headers))
    assert (quiet["indicator"], quiet["description"]) == ("none", "All Systems Operational")
    assert [i["ref"] for i in quiet["unannounced"]] == [room.ref]
    rows = {c["name"]: c for c in quiet["components"]}
    assert [i["ref"] for i in rows["Checkout"]["incidents"]] == [room.ref]
    assert (rows["Checkout"]["group"], rows["Checkout"]["service"]) == ("Shop", "orders")
    assert rows["Search"]["incidents"] == []
    assert (rows["Partner API"]["hidden"], rows["Docs"]["hidden"]) == (True, False)

    opening = {"name": "Checkout errors", "body": "Investigating.", "incident": room.ref,
               "components": [{"component": "Checkout", "status": "partial_outage"}]}  # fmt: skip
    public = ok(client.post("/api/v1/public-incidents", json=opening,
                            headers=room.comms.headers), 201)  # fmt: skip
    drafted = ok(client.get(URL, headers=viewer.headers))
    assert drafted["unannounced"] == []  # a public incident is on its way
    assert [(d["update"], d["incident"], d["written_by"]) for d in drafted["drafts"]] == [
        (public["updates"][0]["code"], room.ref, "Cora Comms")
    ]
    checkout = next(c for c in drafted["components"] if c["name"] == "Checkout")
    assert (checkout["status"], checkout["public_incidents"]) == ("operational", [public["code"]])

    security = declare(client, admin, title="Credential stuffing", kind="security",
                       severity="SEV1", services=["orders"])  # fmt: skip
    shown = ok(client.get(URL, headers=viewer.headers))
    assert security["ref"] not in str(shown)  # told on a need-to-know basis, never here
    assert client.get(URL).status_code == 401


def test_the_page_and_its_absence_from_the_public(
    app: FastAPI, client: TestClient, admin: User
) -> None:
    seed_components(client, admin)
    room = war(app, client, admin)
    assert client.get("/status-private", follow_redirects=False).status_code in (302, 303)
    sign_in(client, admin)
    page = client.get("/status-private")
    assert page.status_code == 200
    assert "Major incidents the public page says nothing about" in page.text
    assert f'href="/incidents/{room.ref}"' in page.text
    assert "Checkout failing" in page.text
    assert "All Systems Operational" in page.text
