"""Update templates written by the organisation (SQLite and PostgreSQL): what a manager saves
is what the next update's preview and emails use; a template that would not render is refused
whole, naming the field and the fault; reset brings the built-in text back; the staff page
shows each template beside what it writes, and a fault beside its field."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.incidents.helpers import declare
from tests.integration.statuspage.test_comms_updates import body, ok, seed
from tests.integration.web.helpers import post, sign_in

URL = "/api/v1/message-templates"
MINE = "Dear {{ name }}: {{ what_happened }} Next news by {{ next_update }}."


def put(client: TestClient, user: User, audience: str, **fields: Any) -> Any:
    return client.put(f"{URL}/{audience}", json=fields, headers=user.headers)


def test_a_saved_template_writes_the_next_update(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    built_in = ok(client.get(URL, headers=admin.headers))
    assert [(t["audience"], t["customised"]) for t in built_in] == [
        ("public", False), ("stakeholders", False), ("customers", False),
    ]  # fmt: skip
    assert "what_happened" in built_in[0]["placeholders"]

    kept = ok(put(client, admin, "customers", subject="{{ ref }}: {{ services }}", body=MINE))
    assert (kept["customised"], kept["updated_by"]) == (True, "Ada Admin")
    public = ok(put(client, admin, "public", subject="ignored", body="{{ doing }}"))
    assert public["subject"] == ""  # the status page has no subject

    seed(app, client, admin)
    ref = declare(client, admin, severity="SEV1", services=["orders"])["ref"]
    preview = ok(client.post(f"/api/v1/incidents/{ref}/comms-updates/preview",
                             json=body(clock), headers=admin.headers))  # fmt: skip
    assert preview["texts"]["public"] == "We are failing over the order database."
    assert preview["texts"]["customers"].startswith("Dear there: Orders fail")
    assert "Next news by 2026-11-23 22:20 UTC." in preview["texts"]["customers"]
    ok(client.post(f"/api/v1/incidents/{ref}/comms-updates", json=body(clock),
                   headers=admin.headers), 201)  # fmt: skip
    assert _update_mail(app, "carl@acme.example") == (
        f"{ref}: orders", "Dear Carl Buyer: Orders fail for about half of our customers since "
        "21:40. Next news by 2026-11-23 22:20 UTC.",
    )  # fmt: skip

    back = ok(client.delete(f"{URL}/customers", headers=admin.headers))
    assert (back["customised"], back["subject"]) == (False, "Service update: {{ services }}")


def _update_mail(app: FastAPI, address: str) -> tuple[str, str]:
    from sqlalchemy import select

    from warroom.db import transaction
    from warroom.oncall.models import Delivery

    with transaction(app.state.sessions) as session:
        query = select(Delivery).where(Delivery.address == address, Delivery.purpose == "update")
        row = session.scalars(query).one()
        return row.subject or "", row.body


def test_a_template_that_would_not_render_is_refused_naming_the_field(
    client: TestClient, admin: User, responder: User
) -> None:
    for audience, fields, field, words in (
        ("stakeholders", {"subject": "s", "body": "{{ what_happened "}, "body", "line 1"),
        ("stakeholders", {"subject": "s", "body": "{{ wat_happened }}"}, "body",
         "unknown placeholder 'wat_happened'"),
        ("customers", {"subject": "{% if %}", "body": "hi"}, "subject", "line 1"),
        ("customers", {"subject": "", "body": "hi"}, "subject", "an email needs a subject"),
        ("public", {"body": "   "}, "body", "needs some text"),
    ):  # fmt: skip
        answer = put(client, admin, audience, **fields)
        assert answer.status_code == 422, (fields, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        errors = answer.json()["errors"]
        assert errors[0]["field"] == field, errors
        assert words in errors[0]["detail"], errors
    assert not any(t["customised"] for t in ok(client.get(URL, headers=admin.headers)))
    assert put(client, responder, "public", body="{{ doing }}").status_code == 403
    assert put(client, admin, "everyone", body="{{ doing }}").status_code == 404
    assert client.get(URL, headers=responder.headers).status_code == 200


def test_the_page_shows_each_template_and_a_fault_beside_its_field(
    client: TestClient, admin: User
) -> None:
    csrf = sign_in(client, admin)
    page = client.get("/status-admin/templates")
    assert page.status_code == 200
    assert "Checkout errors in the web shop" in page.text  # the example of what it writes
    bad = post(client, "/status-admin/templates/stakeholders", csrf, subject="s", body="{{ nope }}")
    assert bad.status_code == 422
    assert "unknown placeholder &#39;nope&#39;" in bad.text
    assert "{{ nope }}</textarea>" in bad.text  # what they typed stays in the form
    good = post(client, "/status-admin/templates/stakeholders", csrf,
                subject="[{{ severity }}] {{ title }}", body="{{ what_happened }}")  # fmt: skip
    assert good.status_code == 303
    shown = client.get("/status-admin/templates").text
    assert "template is saved" in shown
    assert "[SEV1] Checkout errors in the web shop" in shown
    assert "by Ada Admin" in shown
