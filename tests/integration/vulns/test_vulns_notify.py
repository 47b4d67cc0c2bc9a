"""Telling the customers a campaign concerns, on SQLite and PostgreSQL: each contact gets the
organisation's customer update by real email through the worker; a customer told is not told
twice unless asked; false positives take a customer out; bad input names the field."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.oncall.outbox_helpers import smtp_server
from tests.integration.statuspage.staff_helpers import fields, ok, problem
from tests.integration.vulns.helpers import HEARTBLEED, VULNS, build_estate, move
from warroom.oncall.worker import Worker

URL = f"{VULNS}/CVE-2014-0160"


def contacts(client: TestClient, admin: User) -> None:
    for name, email, customer in (
        ("Carl Buyer", "carl@acme.example", "Acme"),
        ("Dana Ops", "dana@acme.example", "Acme"),
        ("Gina Globex", "gina@globex.example", "Globex"),
    ):
        body = {"name": name, "plan_role": "customer_contact", "email": email,
                "customer": customer}  # fmt: skip
        ok(client.post("/api/v1/contacts", json=body, headers=admin.headers), 201)


def send(app: FastAPI, clock: Clock) -> list[tuple[str, str, str]]:
    """Run the worker once against a real SMTP server: (to, subject, text) of each mail."""
    with smtp_server() as (inbox, port):
        settings = app.state.settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_from": "sec@w.test"}
        )
        Worker.build(app.state.sessions, clock, settings, app.state.secret_key, []).tick()
        mails = inbox.snapshot()
    return sorted((m["To"], m["Subject"], m.get_content()) for m in mails)


def test_customers_are_told_by_email_once_and_again_only_when_asked(
    app: FastAPI, client: TestClient, admin: User, responder: User, viewer: User, clock: Clock
) -> None:
    build_estate(client, admin)
    contacts(client, admin)
    ok(client.post(VULNS, json=HEARTBLEED, headers=responder.headers), 201)
    before = ok(client.get(f"{URL}/customers", headers=viewer.headers))
    # Acme's shop runs on web-1, db-1 (not affected, no record) and deb-1; Globex's blog on web-2.
    assert [(c["customer"], c["services"], c["assets"], c["notified_at"]) for c in before] == [
        ("Acme", ["shop"], 2, None), ("Globex", ["blog"], 1, None),
    ]  # fmt: skip

    nxt = clock.now + timedelta(hours=4)
    told = ok(client.post(f"{URL}/notify", json={"next_update_at": nxt.isoformat()},
                          headers=responder.headers))  # fmt: skip
    assert [(c["customer"], c["contacts"], c["times"]) for c in told["notified"]] == [
        ("Acme", 2, 1), ("Globex", 1, 1),
    ]  # fmt: skip
    mails = send(app, clock)
    assert [(to, subject) for to, subject, _ in mails] == [
        ("carl@acme.example", "Service update: shop"),
        ("dana@acme.example", "Service update: shop"),
        ("gina@globex.example", "Service update: blog"),
    ]
    carl = mails[0][2]
    assert "Hello Carl Buyer" in carl
    assert "at Acme" in carl
    assert "CVE-2014-0160 (Heartbleed)" in carl
    assert "0 of 2 done so far" in carl
    assert "We will write again by 2026-11-24 02:00 UTC" in carl

    clock.advance(minutes=30)
    twice = ok(client.post(f"{URL}/notify", json={}, headers=responder.headers))
    assert twice["notified"] == []
    assert [s["customer"] for s in twice["skipped"]] == ["Acme", "Globex"]
    assert twice["skipped"][0]["reason"].startswith("already notified (2026-11-23 22:00")
    assert send(app, clock) == []

    body = {"customers": ["globex"], "again": True, "what_happened": "Still on it."}
    again = ok(client.post(f"{URL}/notify", json=body, headers=responder.headers))
    assert [(c["customer"], c["times"]) for c in again["notified"]] == [("Globex", 2)]
    (mail,) = send(app, clock)
    assert mail[0] == "gina@globex.example"
    assert "Still on it." in mail[2]
    after = {c["customer"]: c for c in ok(client.get(f"{URL}/customers", headers=viewer.headers))}
    assert after["Globex"]["notified_at"] == clock.now.isoformat().replace("+00:00", "Z")
    assert after["Acme"]["times"] == 1


def test_false_positives_and_customers_without_email_are_left_out(
    client: TestClient, admin: User, responder: User
) -> None:
    ids = build_estate(client, admin)
    made = ok(client.post(VULNS, json=HEARTBLEED, headers=responder.headers), 201)
    ok(move(client, responder, str(made["id"]), ids["web-2"], status="false_positive"))
    concerned = ok(client.get(f"{URL}/customers", headers=responder.headers))
    assert [c["customer"] for c in concerned] == ["Acme"]
    result = ok(client.post(f"{URL}/notify", json={}, headers=responder.headers))
    assert result["notified"] == []
    assert result["skipped"] == [{"customer": "Acme", "reason": "no contact with an email"}]
    shown = ok(client.get(f"{URL}/customers", headers=responder.headers))
    assert shown[0]["notified_at"] is None


def test_bad_notices_are_refused_naming_the_field(
    client: TestClient, admin: User, responder: User, viewer: User, clock: Clock
) -> None:
    build_estate(client, admin)
    contacts(client, admin)
    ok(client.post(VULNS, json=HEARTBLEED, headers=responder.headers), 201)
    past = (clock.now - timedelta(minutes=1)).isoformat()
    cases = [
        ({"next_update_at": past}, "next_update_at"),
        ({"customers": ["Initech"]}, "customers"),
        ({"customers": []}, "customers"),
        ({"again": "often"}, "again"),
    ]
    for body, field in cases:
        refused = client.post(f"{URL}/notify", json=body, headers=responder.headers)
        assert fields(problem(refused, 422)) == [field], body
    assert problem(client.post(f"{URL}/notify", json={}, headers=viewer.headers), 403)
    shown = ok(client.get(f"{URL}/customers", headers=viewer.headers))
    assert {c["times"] for c in shown} == {0}
