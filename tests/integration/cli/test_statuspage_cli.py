"""``warroom statuspage`` on the local database (both kinds): components in a group, a public
incident drafted from an internal one and published only by someone allowed to approve it, and
refusals printed as the API's problem documents."""

from __future__ import annotations

import json
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.conftest import LiveServer, make_user
from tests.integration.cli.conftest import Cli
from warroom.access.rules import Role
from warroom.catalog.service import do_create_service
from warroom.db import transaction
from warroom.statuspage.models import PublicIncident, PublicUpdate

KENJI = ("--as", "kenji@example.com")  # a responder: neither commander nor comms lead
VERA = ("--as", "vera@example.com")  # a viewer


def problem_of(cli: Cli, *args: str) -> dict[str, Any]:
    """The problem document a refused command prints with --json."""
    result = cli(*args, "--json")
    assert result.exit_code == 1, result.stdout
    body: dict[str, Any] = json.loads(result.stdout)
    return body


def seed_page(cli: Cli) -> None:
    cli.ok("statuspage", "component", "create", "Shop", "--is-group", "--position", "1")
    cli.ok(
        "statuspage", "component", "create", "Checkout", "--group", "Shop",
        "--service", "orders", "--position", "2",
    )  # fmt: skip


def test_a_public_incident_is_drafted_then_published_by_someone_allowed(
    cli: Cli, catalog: None
) -> None:
    seed_page(cli)
    incident = cli.json(
        "incident", "declare", "--title", "Orders failing", "--severity", "SEV2",
        "--service", "orders",
    )["ref"]  # fmt: skip
    opened = cli.json(
        "statuspage", "incident", "open", "--name", "Checkout errors",
        "--body", "Some payments fail.", "--incident", incident,
        "--component", "Checkout=partial-outage", *KENJI,
    )  # fmt: skip
    draft = opened["updates"][0]
    assert (opened["incident"], opened["impact"], opened["published_at"]) == (
        incident, "major", None
    )  # fmt: skip
    assert (draft["state"], draft["written_by"]["email"]) == ("draft", "kenji@example.com")

    viewer = cli("statuspage", "approve", draft["code"], *VERA)
    assert viewer.exit_code == 1
    assert "needs the responder role; you are viewer" in viewer.stderr
    writer = problem_of(cli, "statuspage", "approve", draft["code"], *KENJI)
    assert (writer["status"], writer["title"]) == (403, "Forbidden")
    assert cli.json("statuspage", "incident", "show", opened["code"])["published_at"] is None

    # Ada declared the SEV2, so she commands it; a commander approves others' words.
    published = cli.json("statuspage", "approve", draft["code"])
    assert published["updates"][0]["approved_by"]["email"] == "ada@example.com"
    assert published["published_at"] is not None
    statuses = {c["name"]: c["status"] for c in cli.json("statuspage", "component", "list")}
    assert statuses == {"Shop": "partial_outage", "Checkout": "partial_outage"}

    resolved = cli.json(
        "statuspage", "incident", "update", opened["code"], "--status", "resolved",
        "--body", "Payments work again.", "--component", "Checkout=operational",
    )  # fmt: skip
    assert [u["state"] for u in resolved["updates"]] == ["draft", "published"]
    cli.ok("statuspage", "approve", resolved["updates"][0]["code"])
    readable = cli.ok("statuspage", "incident", "show", opened["code"], "--tz", "UTC").stdout
    assert "Payments work again." in readable
    assert "Checkout: partial_outage → operational" in readable
    assert cli.json("statuspage", "incident", "list", "--open") == []
    ended = cli.json("statuspage", "incident", "list", "--ended", "--incident", incident)
    assert [(p["code"], p["status"]) for p in ended] == [(opened["code"], "resolved")]
    table = cli.ok("statuspage", "incident", "list").stdout
    assert "Checkout errors" in table
    assert incident in table


def test_components_by_role_and_bad_input_named(cli: Cli, catalog: None) -> None:
    seed_page(cli)
    changed = cli.json("statuspage", "component", "set-status", "Checkout", "major-outage", *KENJI)
    assert changed["status"] == "major_outage"
    refused = cli("statuspage", "component", "create", "Blog", *KENJI)
    assert refused.exit_code == 1
    assert "needs the manager role; you are responder" in refused.stderr
    listed = cli.ok("statuspage", "component", "list").stdout
    assert "Checkout" in listed
    assert "major_outage" in listed

    bare = ("incident", "open", "--name", "X", "--body", "b")
    for args, field in (
        (("component", "create", "Blog", "--service", "nope"), "service"),
        (("component", "set-status", "Shop", "operational"), "status"),
        ((*bare, "--component", "Checkout"), "components"),
        ((*bare, "--component", "Nope=major_outage"), "components"),
        ((*bare, "--kind", "maintenance"), "scheduled_for"),
        (
            (*bare, "--kind", "maintenance", "--start", "2026-12-01T02:00",
             "--end", "2026-12-01T01:00"),
            "scheduled_until",
        ),
        ((*bare, "--status", "scheduled"), "status"),
        ((*bare, "--start", "tomorrow"), "scheduled_for"),
    ):  # fmt: skip
        body = problem_of(cli, "statuspage", *args)
        assert field in [e["field"] for e in body["errors"]], body
    assert (cli.count(PublicIncident), cli.count(PublicUpdate)) == (0, 0)

    window = cli.json(
        "statuspage", "incident", "open", "--name", "Database upgrade", "--body", "Brief pauses.",
        "--kind", "maintenance", "--start", "2026-12-01T02:00Z", "--end", "2026-12-01T03:00Z",
    )  # fmt: skip
    assert (window["kind"], window["status"], window["impact"]) == (
        "maintenance", "scheduled", "maintenance"
    )  # fmt: skip
    gone = cli.json("statuspage", "component", "delete", "Checkout")
    assert gone["name"] == "Checkout"
    assert [c["name"] for c in cli.json("statuspage", "component", "list")] == ["Shop"]


def test_the_same_commands_over_http_print_the_api_documents(
    live_app: FastAPI, live_server: LiveServer
) -> None:
    with transaction(live_app.state.sessions) as session:
        do_create_service(session=session, name="orders", tier=1)
    manager = make_user(live_app, Role.manager, "Mia Remote")
    responder = make_user(live_app, Role.responder, "Rui Remote")
    remote = Cli("sqlite:///does-not-exist/never.db", CliRunner())  # only HTTP can work
    as_manager = {"WARROOM_URL": live_server.url, "WARROOM_TOKEN": manager.token}
    as_responder = as_manager | {"WARROOM_TOKEN": responder.token}

    remote.ok("statuspage", "component", "create", "Checkout", "--service", "orders",
              env=as_manager)  # fmt: skip
    refused = remote("statuspage", "component", "create", "Blog", env=as_responder)
    assert refused.exit_code == 1
    assert "this needs the manager role" in refused.stderr
    degraded = remote.json(
        "statuspage", "component", "set-status", "Checkout", "degraded_performance",
        env=as_responder,
    )  # fmt: skip
    assert (degraded["service"], degraded["status"]) == ("orders", "degraded_performance")
    opened = remote.json(
        "statuspage", "incident", "open", "--name", "Slow checkout", "--body", "Looking.",
        "--impact", "minor", "--component", "Checkout=degraded_performance", env=as_responder,
    )  # fmt: skip
    draft = opened["updates"][0]["code"]
    denied = remote("statuspage", "approve", draft, "--json", env=as_responder)
    assert (denied.exit_code, json.loads(denied.stdout)["status"]) == (1, 403)
    published = remote.json("statuspage", "approve", draft, env=as_manager)
    served = httpx.get(
        f"{live_server.url}/api/v1/public-incidents/{opened['code']}", headers=manager.headers
    ).json()
    assert published == served
    assert served["updates"][0]["state"] == "published"
    overview = remote.json("statuspage", "overview", env=as_responder)
    assert overview == httpx.get(f"{live_server.url}/api/v1/status-overview",
                                 headers=responder.headers).json()  # fmt: skip
    assert overview["components"][0]["public_incidents"] == [opened["code"]]
    assert remote.json("statuspage", "incident", "list", "--open", env=as_manager) == [served]
    gone = remote.json("statuspage", "component", "delete", "Checkout", env=as_manager)
    assert gone["name"] == "Checkout"
    assert remote.json("statuspage", "component", "list", env=as_manager) == []


def test_the_private_page_locally(cli: Cli, admin_token: str, api: TestClient) -> None:
    headers = {"Authorization": f"Bearer {admin_token}"}
    body = {"name": "Docs", "position": 1}
    assert api.post("/api/v1/status-components", json=body, headers=headers).status_code == 201
    found = cli.json("statuspage", "overview")
    assert found == api.get("/api/v1/status-overview", headers=headers).json()
    assert [c["name"] for c in found["components"]] == ["Docs"]
    readable = cli.ok("statuspage", "overview").stdout
    assert "The public page says: All Systems Operational" in readable
