"""``warroom comms`` and ``warroom subscriber`` on the local database (both kinds) and over HTTP
against a real server on loopback: an update previewed then sent to the audiences chosen, the
cadence it promised, the customers hurt most with their outreach tasks, and subscribers whose
email waits for a confirmation. Each ``--json`` document is the API's own."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import LiveServer, make_user
from tests.integration.cli.conftest import Cli
from warroom.access.rules import Role
from warroom.access.service import do_create_person
from warroom.db import transaction, utcnow
from warroom.oncall.models import Delivery

Post = Callable[[str, dict[str, Any]], Any]
SEND = ("--what", "Orders fail for half of our customers.", "--doing", "Failing over the database.")
EVERYONE = ("--to", "public", "--to", "stakeholders", "--to", "Customers")
LINK = re.compile(r"(/status/subscriptions/[^/\s]+/confirm)")


def seed(post: Post, lead: str) -> None:
    """orders (owned by a team ``lead`` leads) and wiki; an executive; Acme Tools (tier 1, a
    contact) and Small Shop (tier 2, none) on orders, Wiki Fans on wiki; and Ordering, the
    status page component showing orders."""
    post("/teams", {"name": "Orders team", "lead": lead})
    post("/services", {"name": "orders", "tier": 1, "owner_team": "Orders team"})
    post("/services", {"name": "wiki", "tier": 3})
    for name, tier, service in (("Acme Tools", 1, "orders"), ("Small Shop", 2, "orders"),
                                ("Wiki Fans", 1, "wiki")):  # fmt: skip
        sla = {"service": service, "availability_target": 99.9}
        post("/customers", {"name": name, "tier": tier, "slas": [sla]})
    for name, role, email, customer in (
        ("Erin Exec", "executive", "erin@example.com", None),
        ("Carl Buyer", "customer_contact", "carl@acme.example", "Acme Tools"),
    ):
        post("/contacts", {"name": name, "plan_role": role, "email": email, "customer": customer})
    post("/status-components", {"name": "Ordering", "service": "orders"})


def poster(client: TestClient | httpx.Client, token: str) -> Post:
    def post(path: str, body: dict[str, Any]) -> Any:
        answer = client.post(
            f"/api/v1{path}", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 201, answer.text
        return answer.json()

    return post


@pytest.fixture
def people(cli: Cli, admin_token: str) -> None:
    """Besides Ada, the admin: Kenji, a responder, and Vera, a viewer."""

    def seed_people(session: Session) -> None:
        for name, email, role in (("Kenji Sato", "kenji@example.com", Role.responder),
                                  ("Vera Viewer", "vera@example.com", Role.viewer)):  # fmt: skip
            do_create_person(session=session, name=name, email=email, now=utcnow(), role=role)

    cli.run(seed_people)


def outbox(session: Session, purpose: str) -> list[Delivery]:
    rows = list(session.scalars(select(Delivery).where(Delivery.purpose == purpose)))
    session.expunge_all()
    return rows


def problem(cli: Cli, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = cli(*args, "--json", env=env)
    assert result.exit_code == 1, result.stdout
    body: dict[str, Any] = json.loads(result.stdout)
    return body


def test_an_update_is_previewed_sent_and_its_promise_sets_the_cadence(
    cli: Cli, people: None, admin_token: str, api: TestClient
) -> None:
    seed(poster(api, admin_token), "ada@example.com")
    ref = cli.json("incident", "declare", "--title", "Orders failing", "--severity", "SEV1",
                   "--service", "orders")["ref"]  # fmt: skip

    planned = cli.json("comms", "send", ref, *EVERYONE, *SEND, "--next", "20", "--preview")
    assert [r["email"] for r in planned["recipients"]["customers"]] == ["carl@acme.example"]
    assert {r["email"] for r in planned["recipients"]["stakeholders"]} == {
        "erin@example.com", "ada@example.com"
    }  # fmt: skip
    assert "Failing over the database." in planned["texts"]["public"]
    assert cli.run(lambda s: outbox(s, "update")) == []

    sent = cli.json("comms", "send", ref, *EVERYONE, *SEND, "--next", "20")
    assert sent["sent"] == {"stakeholders": 2, "customers": 1}
    assert sent["public_state"] == "draft"
    assert len(cli.run(lambda s: outbox(s, "update"))) == 3
    due = cli.json("comms", "due", ref)
    assert due["due_at"] == sent["next_update_at"]
    assert (due["overdue"], due["severity"]) == (False, "SEV1")
    assert due["minutes_left"] in (19, 20)
    admin = {"Authorization": f"Bearer {admin_token}"}
    assert due == api.get(f"/api/v1/incidents/{ref}/cadence", headers=admin).json() | {
        "minutes_left": due["minutes_left"]
    }  # fmt: skip
    listed = cli.json("comms", "list", ref)
    assert (
        listed == [sent] == api.get(f"/api/v1/incidents/{ref}/comms-updates", headers=admin).json()
    )

    again = cli.ok("comms", "send", ref, "--to", "stakeholders", *SEND, "--tz", "UTC").stdout
    assert f"{ref} update sent to 2 stakeholders" in again
    readable = cli.ok("comms", "send", ref, "--to", "public", *SEND).stdout
    assert "statuspage approve" in readable
    assert len(cli.json("comms", "list", ref)) == 3
    due_text = cli.ok("comms", "due", ref, "--tz", "UTC").stdout
    assert f"{ref} (SEV1): next update due" in due_text
    assert "in 29 min" in due_text or "in 30 min" in due_text  # no promise: the SEV1 cadence


def test_bad_input_names_the_field_and_sends_nothing(
    cli: Cli, people: None, admin_token: str, api: TestClient
) -> None:
    seed(poster(api, admin_token), "ada@example.com")
    ref = cli.json("incident", "declare", "--title", "Wiki slow", "--severity", "SEV3",
                   "--service", "wiki")["ref"]  # fmt: skip
    for args, field in (
        (("--to", "everyone", *SEND), "audiences.0"),
        (("--to", "public", *SEND, "--next", "0"), "next_update_at"),
        (("--to", "public", *SEND, "--status", "on fire"), "status"),
    ):
        body = problem(cli, "comms", "send", ref, *args)
        assert field in [e["field"] for e in body["errors"]], body
    refused = cli("comms", "send", ref, "--to", "stakeholders", *SEND, "--as", "vera@example.com")
    assert refused.exit_code == 1
    assert "needs the responder role; you are viewer" in refused.stderr
    assert cli.run(lambda s: outbox(s, "update")) == []
    missing = cli("comms", "list", "INC-99")
    assert missing.exit_code == 1
    assert "INC-99" in missing.stderr
    assert cli.json("comms", "list", ref) == []
    assert cli.ok("comms", "due", ref, "--json").stdout.strip() == "null"  # SEV3: no cadence
    assert "No update is due" in cli.ok("comms", "due", ref).stdout


def test_the_most_affected_customers_first_each_given_one_outreach_task(
    cli: Cli, people: None, admin_token: str, api: TestClient
) -> None:
    seed(poster(api, admin_token), "ada@example.com")
    ref = cli.json("incident", "declare", "--title", "Orders failing", "--severity", "SEV2",
                   "--service", "orders")["ref"]  # fmt: skip

    found = cli.json("comms", "affected", ref)
    assert [(c["customer"], c["tier"], c["task_id"]) for c in found] == [
        ("Acme Tools", 1, None), ("Small Shop", 2, None)
    ]  # fmt: skip
    refused = cli("comms", "affected", ref, "--plan-outreach", "--as", "vera@example.com")
    assert refused.exit_code == 1
    assert "needs the responder role" in refused.stderr
    planned = cli.json("comms", "affected", ref, "--plan-outreach", "--as", "kenji@example.com")
    assert [c["task_status"] for c in planned] == ["open", "open"]
    again = cli.json("comms", "affected", ref, "--plan-outreach")
    assert [c["task_id"] for c in again] == [c["task_id"] for c in planned]  # once each
    table = cli.ok("comms", "affected", ref).stdout
    assert table.index("Acme Tools") < table.index("Small Shop")
    assert f"task {planned[0]['task_id']} (open)" in table


def test_an_email_subscriber_waits_for_its_confirmation_a_webhook_does_not(
    cli: Cli, people: None, admin_token: str, api: TestClient
) -> None:
    seed(poster(api, admin_token), "ada@example.com")
    made = cli.json(
        "subscriber", "add", "--email", "Shopper@Example.com", "--component", "Ordering"
    )
    hook = cli.json("subscriber", "add", "--webhook", "https://hooks.example/status")
    assert (made["address"], made["confirmed"], made["components"]) == (
        "shopper@example.com", False, ["Ordering"]
    )  # fmt: skip
    assert (hook["confirmed"], hook["components"]) == (True, [])
    (mail,) = cli.run(lambda s: outbox(s, "subscription"))
    assert mail.address == "shopper@example.com"
    listed = cli.ok("subscriber", "list").stdout
    assert "pending confirmation" in listed
    assert "every one" in listed

    # The link the command wrote works on a server on this database: it signs with its key.
    confirmed = api.post(LINK.findall(mail.body)[0])
    assert confirmed.status_code == 200, confirmed.text
    rows = cli.json("subscriber", "list")
    admin = {"Authorization": f"Bearer {admin_token}"}
    assert rows == api.get("/api/v1/subscribers", headers=admin).json()
    assert [r["confirmed"] for r in rows] == [True, True]

    both = problem(
        cli, "subscriber", "add", "--email", "a@b.example", "--webhook", "https://x.example"
    )
    assert [e["field"] for e in both["errors"]] == ["kind"]
    assert (
        problem(cli, "subscriber", "add", "--component", "Nope", "--email", "a@b.example")["status"]
        == 422
    )
    refused = cli("subscriber", "list", "--as", "kenji@example.com")
    assert "needs the manager role; you are responder" in refused.stderr
    removed = cli.ok("subscriber", "remove", str(made["id"]))
    assert removed.stdout == f"Removed subscriber {made['id']} (shopper@example.com).\n"
    assert [r["id"] for r in cli.json("subscriber", "list")] == [hook["id"]]
    gone = problem(cli, "subscriber", "remove", str(made["id"]))
    assert gone["status"] == 404


def test_the_same_commands_over_http_print_the_api_documents(
    live_app: FastAPI, live_server: LiveServer
) -> None:
    admin = make_user(live_app, Role.admin, "Ada Remote")
    responder = make_user(live_app, Role.responder, "Rui Remote")
    with httpx.Client(base_url=live_server.url) as client:
        seed(poster(client, admin.token), admin.email)
    remote = Cli("sqlite:///does-not-exist/never.db", CliRunner())  # only HTTP can work
    as_rui = {"WARROOM_URL": live_server.url, "WARROOM_TOKEN": responder.token}
    as_ada = {"WARROOM_URL": live_server.url, "WARROOM_TOKEN": admin.token}

    def api(path: str) -> Any:
        answer = httpx.get(f"{live_server.url}/api/v1{path}", headers=responder.headers)
        assert answer.status_code == 200, answer.text
        return answer.json()

    ref = remote.json("incident", "declare", "--title", "Orders failing", "--severity", "SEV1",
                      "--service", "orders", env=as_rui)["ref"]  # fmt: skip
    sent = remote.json("comms", "send", ref, *EVERYONE, *SEND, "--next", "15", env=as_rui)
    due = remote.json("comms", "due", ref, env=as_rui)
    planned = remote.json("comms", "affected", ref, "--plan-outreach", env=as_rui)
    made = remote.json("subscriber", "add", "--email", "fan@example.com", env=as_ada)
    refused = remote("subscriber", "add", "--email", "x@example.com", env=as_rui)

    assert sent["sent"] == {"stakeholders": 2, "customers": 1}
    assert (
        remote.json("comms", "list", ref, env=as_rui)
        == [sent]
        == api(f"/incidents/{ref}/comms-updates")
    )
    assert due["due_at"] == sent["next_update_at"]
    assert due["minutes_left"] in (14, 15)
    # The outage grows between the two reads (a real clock): compare all but its measures.
    served = api(f"/incidents/{ref}/affected-customers")
    live = ("outage_minutes", "budget_share")
    assert [{k: v for k, v in c.items() if k not in live} for c in planned] == [
        {k: v for k, v in c.items() if k not in live} for c in served
    ]
    assert [c["customer"] for c in planned] == ["Acme Tools", "Small Shop"]
    assert made["confirmed"] is False
    with transaction(live_app.state.sessions) as session:
        assert [d.address for d in outbox(session, "subscription")] == ["fan@example.com"]
    assert refused.exit_code == 1
    assert "manager" in refused.stderr
    removed = remote.ok("subscriber", "remove", str(made["id"]), "--json", env=as_ada)
    assert removed.stdout == ""  # the API answers 204
    assert remote.json("subscriber", "list", env=as_ada) == []
    assert problem(remote, "subscriber", "remove", str(made["id"]), env=as_ada)["status"] == 404


def test_templates_over_http(live_app: FastAPI, live_server: LiveServer, tmp_path: Any) -> None:
    admin = make_user(live_app, Role.admin, "Ada Remote")
    remote = Cli("sqlite:///does-not-exist/never.db", CliRunner())  # only HTTP can work
    as_ada = {"WARROOM_URL": live_server.url, "WARROOM_TOKEN": admin.token}
    text = tmp_path / "public.j2"
    text.write_text("{{ doing }}", encoding="utf-8")
    kept = remote.json("comms", "template-set", "public", "--body-file", str(text), env=as_ada)
    listed = httpx.get(f"{live_server.url}/api/v1/message-templates", headers=admin.headers)
    assert listed.json()[0] == kept == remote.json("comms", "templates", env=as_ada)[0]
    assert kept["body"] == "{{ doing }}"
    assert remote.json("comms", "template-reset", "public", env=as_ada)["customised"] is False


def test_templates_are_read_written_and_reset(cli: Cli, people: None, tmp_path: Any) -> None:
    shown = cli.json("comms", "templates")
    assert [(t["audience"], t["customised"]) for t in shown] == [
        ("public", False), ("stakeholders", False), ("customers", False),
    ]  # fmt: skip
    text = tmp_path / "stakeholders.j2"
    text.write_text("{{ severity }} {{ ref }}: {{ what_happened }}\n", encoding="utf-8")
    kept = cli.json("comms", "template-set", "Stakeholders", "--body-file", str(text),
                    "--subject", "[{{ severity }}] {{ title }}")  # fmt: skip
    assert (kept["customised"], kept["body"], kept["updated_by"]) == (
        True, "{{ severity }} {{ ref }}: {{ what_happened }}", "Ada"
    )  # fmt: skip
    readable = cli.ok("comms", "templates").stdout
    assert "stakeholders (yours, by Ada)" in readable
    text.write_text("{{ wat }}", encoding="utf-8")
    fault = problem(cli, "comms", "template-set", "stakeholders", "--body-file", str(text),
                    "--subject", "s")  # fmt: skip
    assert fault["errors"][0]["field"] == "body"
    refused = problem(cli, "comms", "template-set", "public", "--body-file", str(text),
                      "--as", "kenji@example.com")  # fmt: skip
    assert refused["status"] == 403
    back = cli.json("comms", "template-reset", "stakeholders")
    assert back["customised"] is False
