"""Similar past incidents and the knowledge base (SQLite FTS5 and PostgreSQL tsvector): a new
incident's panel puts the earlier one with the same symptoms first, says why and shows its fix;
responders' marks move the ranking; restricted incidents never show to those who may not see
them; solutions are searchable as soon as they are saved; bad input names the field."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import User, make_user
from tests.integration.incidents.helpers import declare
from tests.integration.knowledge.helpers import GATEWAY_FIX, catch_up, history, ok, resolve
from tests.integration.web.helpers import sign_in
from warroom.access.rules import Role


def similar(client: TestClient, user: User, ref: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = ok(
        client.get(f"/api/v1/incidents/{ref}/similar", headers=user.headers)
    )
    return found


def refs_of(found: list[dict[str, object]]) -> list[object]:
    return [s["entry"]["ref"] for s in found]  # type: ignore[index]


def test_the_earlier_incident_comes_first_with_why_and_its_fix(
    app: FastAPI, client: TestClient, admin: User
) -> None:
    past = history(client, admin)
    assert catch_up(app) >= 3
    new = declare(client, admin, title="Checkout payments hang",
                  description="Customers stuck at the payment step; gateway certificate errors.",
                  services=["orders"])["ref"]  # fmt: skip
    found = similar(client, admin, new)
    assert refs_of(found)[:2] == [past["gateway"], past["disk"]]
    first = found[0]
    assert first["entry"]["fix"] == GATEWAY_FIX  # type: ignore[index]
    reasons = " ".join(first["reasons"])  # type: ignore[arg-type]
    assert "shared service: orders" in reasons
    assert "matching text" in reasons
    assert "payment" in reasons
    assert past["wiki"] not in refs_of(found)[:2]
    # An open incident is not a past one; the new incident never suggests itself.
    assert new not in refs_of(found)


def test_marks_move_the_ranking(app: FastAPI, client: TestClient, admin: User) -> None:
    past = history(client, admin)
    catch_up(app)
    new = declare(client, admin, title="Orders failing", services=["orders"])["ref"]
    before = similar(client, admin, new)
    top = before[0]["entry"]["id"]  # type: ignore[index]
    url = f"/api/v1/incidents/{new}/similar/feedback"
    marked = ok(client.post(url, json={"entry_id": top, "helpful": False}, headers=admin.headers))
    assert (marked["helpful_marks"], marked["unhelpful_marks"]) == (0, 1)
    after = similar(client, admin, new)
    assert after[0]["entry"]["id"] != top  # type: ignore[index]
    assert "marked not helpful for this incident" in " ".join(
        next(s for s in after if s["entry"]["id"] == top)["reasons"]  # type: ignore[index, arg-type]
    )
    bad = client.post(url, json={"entry_id": 99999, "helpful": True}, headers=admin.headers)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "entry_id"
    assert past["gateway"] in refs_of(after)


def test_restricted_incidents_stay_with_their_members(
    app: FastAPI, client: TestClient, admin: User, responder: User
) -> None:
    history(client, admin)
    analyst = make_user(app, Role.responder, "Sam Security")
    team = {"name": "Security", "members": [analyst.email], "sees_restricted": True}
    ok(client.post("/api/v1/teams", json=team, headers=admin.headers), 201)
    breach = declare(client, analyst, title="Payment gateway credentials stolen",
                     kind="security", description="Gateway certificate key exfiltrated.",
                     services=["orders"])["ref"]  # fmt: skip
    resolve(client, analyst, breach, "Revoked and reissued the gateway certificate.")
    catch_up(app)
    new = declare(client, responder, title="Payment gateway certificate errors",
                  services=["orders"])["ref"]  # fmt: skip
    assert breach not in refs_of(similar(client, responder, new))
    assert breach in refs_of(similar(client, analyst, new))
    hits = ok(client.get("/api/v1/knowledge?q=gateway certificate", headers=responder.headers))
    assert breach not in refs_of(hits)
    assert breach in refs_of(
        ok(client.get("/api/v1/knowledge?q=gateway certificate", headers=analyst.headers))
    )
    # A solution learnt from it is as restricted as the incident.
    body = {"title": "Reissue a stolen certificate", "fix": "Revoke, reissue, rotate keys.",
            "incident": breach}  # fmt: skip
    made = ok(client.post("/api/v1/solutions", json=body, headers=analyst.headers), 201)

    def listed(user: User) -> list[int]:
        return [s["id"] for s in ok(client.get("/api/v1/solutions", headers=user.headers))]

    assert made["id"] not in listed(responder)
    assert made["id"] in listed(analyst)
    hidden = client.get(f"/api/v1/solutions/{made['id']}", headers=responder.headers)
    assert hidden.status_code == 404


def test_a_solution_is_searchable_at_once_and_bad_input_names_the_field(
    app: FastAPI, client: TestClient, admin: User, responder: User
) -> None:
    past = history(client, admin)
    body = {"title": "Payment proxy stuck after certificate rotation",
            "symptoms": "Checkout hangs at the payment step.",
            "cause": "The proxy caches the old certificate.",
            "fix": "Restart the payment proxy after every rotation.",
            "services": ["orders"], "incident": past["gateway"]}  # fmt: skip
    made = ok(client.post("/api/v1/solutions", json=body, headers=responder.headers), 201)
    assert made["incident"] == past["gateway"]
    hits = ok(client.get("/api/v1/knowledge?q=proxy rotation", headers=responder.headers))
    assert refs_of(hits)[0] == f"SOL-{made['id']}"
    wrongs = (({**body, "fix": ""}, "fix"), ({**body, "services": ["nope"]}, "services"),
              ({**body, "incident": "INC-999"}, "incident"))  # fmt: skip
    for broken, field in wrongs:
        refused = client.post("/api/v1/solutions", json=broken, headers=responder.headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == field
    assert len(ok(client.get("/api/v1/solutions", headers=responder.headers))) == 1
    edited = ok(client.put(f"/api/v1/solutions/{made['id']}",
                           json={**body, "fix": "Reload the proxy's trust store."},
                           headers=responder.headers))  # fmt: skip
    assert edited["fix"] == "Reload the proxy's trust store."
    hits = ok(client.get("/api/v1/knowledge?q=trust store", headers=responder.headers))
    assert refs_of(hits) == [f"SOL-{made['id']}"]


def test_the_war_room_panel_shows_the_fix_and_takes_marks(
    app: FastAPI, client: TestClient, admin: User
) -> None:
    past = history(client, admin)
    catch_up(app)
    new = declare(client, admin, title="Checkout payments hang at the gateway",
                  services=["orders"])["ref"]  # fmt: skip
    sign_in(client, admin)
    room = client.get(f"/incidents/{new}").text
    assert "Similar past incidents" in room
    assert past["gateway"] in room
    assert "Renewed the payment gateway" in room
    knowledge = client.get("/knowledge?q=disk").text
    assert past["disk"] in knowledge


def test_a_published_postmortem_is_searchable_and_suggested(
    app: FastAPI, client: TestClient, admin: User
) -> None:
    past = history(client, admin)
    url = f"/api/v1/incidents/{past['gateway']}/postmortem"
    drafted = client.get(url, headers=admin.headers)
    if drafted.status_code == 404:
        drafted = client.post(url, headers=admin.headers)
    lesson = "Certificate expiry was not monitored; a renewal reminder now pages the owner."
    edit = {"contributing_factors": lesson, "response": "Renewed the certificate by hand."}
    ok(client.patch(url, json=edit, headers=admin.headers))
    catch_up(app)
    hits = ok(client.get("/api/v1/knowledge?q=renewal reminder", headers=admin.headers))
    assert f"{past['gateway']} postmortem" not in refs_of(hits)  # a draft teaches nothing yet
    ok(client.post(f"{url}/submit", headers=admin.headers))
    ok(client.post(f"{url}/publish", headers=admin.headers))
    catch_up(app)
    hits = ok(client.get("/api/v1/knowledge?q=renewal reminder", headers=admin.headers))
    assert refs_of(hits)[0] == f"{past['gateway']} postmortem"
    assert hits[0]["entry"]["fix"] == "Renewed the certificate by hand."
    assert hits[0]["entry"]["url"] == f"/incidents/{past['gateway']}/postmortem"
    new = declare(client, admin, title="Payment gateway certificate expired again",
                  services=["orders"])["ref"]  # fmt: skip
    assert f"{past['gateway']} postmortem" in refs_of(similar(client, admin, new))
