"""``warroom change`` and ``warroom window`` with ``--url --token`` against a real server on
loopback: the gate's 409 with its conflicts, the override, holds, suspects and windows, each
``--json`` document the API's own."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.conftest import LiveServer, User, make_user
from tests.integration.alerts.storm import seed_service
from tests.integration.cli.conftest import Cli
from warroom.access.rules import Role
from warroom.alerts.models import MaintenanceWindow
from warroom.changes.models import Change
from warroom.db import Base, transaction, utcnow


@pytest.fixture
def remote(live_app: FastAPI) -> Cli:
    """A CLI whose local database does not exist: everything must go over HTTP. The server
    knows payments, on pay-01 and pay-02."""
    with transaction(live_app.state.sessions) as session:
        seed_service(session, "payments", 1, ["pay-01", "pay-02"])
    return Cli("sqlite:///does-not-exist/never.db", CliRunner())


@pytest.fixture
def manager(live_app: FastAPI) -> User:
    return make_user(live_app, Role.manager, "Mia Remote")


@pytest.fixture
def responder(live_app: FastAPI) -> User:
    return make_user(live_app, Role.responder, "Rui Remote")


def env(server: LiveServer, user: User) -> dict[str, str]:
    return {"WARROOM_URL": server.url, "WARROOM_TOKEN": user.token}


def api(server: LiveServer, user: User, path: str) -> Any:
    """What the server's JSON API answers, to compare the CLI's ``--json`` with."""
    response = httpx.get(f"{server.url}/api/v1{path}", headers=user.headers)
    assert response.status_code == 200, response.text
    return response.json()


def count(app: FastAPI, model: type[Base]) -> int:
    with transaction(app.state.sessions) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def span(hours: float, length: float = 1) -> tuple[str, ...]:
    start = utcnow() + timedelta(hours=hours)
    return ("--start", start.isoformat(), "--end", (start + timedelta(hours=length)).isoformat())


def test_the_gate_over_http_refuses_then_takes_an_override(
    remote: Cli, live_server: LiveServer, manager: User, responder: User
) -> None:
    as_rui, as_mia = env(live_server, responder), env(live_server, manager)
    made = remote.json("change", "create", "--title", "Rotate TLS keys", *span(1),
                       "--service", "payments", "--submit", env=as_rui)  # fmt: skip
    ref = made["ref"]
    remote.ok("incident", "declare", "--title", "Card payments failing", "--severity", "SEV2",
              "--service", "payments", env=as_rui)  # fmt: skip

    found = remote.json("change", "conflicts", ref, env=as_rui)
    remote.ok("change", "approve", ref, env=as_mia)
    refused = remote("change", "set", ref, "--state", "in_progress", env=as_rui)
    problem = remote("change", "set", ref, "--state", "in_progress", "--json", env=as_rui)
    started = remote.json("change", "set", ref, "--state", "in_progress",
                          "--override", "the keys expire tonight", env=as_rui)  # fmt: skip
    shown = remote.json("change", "show", ref, env=as_rui)
    at_risk = remote.json("change", "at-risk", "INC-1", env=as_rui)

    assert [(c["reason"], c["incident"]) for c in found] == [("incident", "INC-1")]
    assert found == api(live_server, responder, f"/changes/{ref}/conflicts")
    assert refused.exit_code == 1
    assert "incident INC-1 (SEV2) is on payments: Card payments failing" in refused.stderr
    assert "--override" in refused.stderr
    assert problem.exit_code == 1
    body = json.loads(problem.stdout)
    assert (body["status"], body["title"], body["instance"]) == (
        409, "Blocked", f"/api/v1/changes/{ref}"
    )  # fmt: skip
    assert [c["incident"] for c in body["conflicts"]] == ["INC-1"]
    assert started["state"] == "in_progress"
    assert shown == api(live_server, responder, f"/changes/{ref}")
    assert shown["override_reason"] == "the keys expire tonight"
    assert shown["override_by"]["name"] == "Rui Remote"
    assert at_risk == api(live_server, responder, "/incidents/INC-1/changes")
    assert [r["change"]["ref"] for r in at_risk] == [ref]


def test_hold_release_suspects_and_marks_over_http(
    remote: Cli, live_app: FastAPI, live_server: LiveServer, manager: User
) -> None:
    as_mia = env(live_server, manager)
    at = (utcnow() - timedelta(minutes=20)).isoformat()
    deploy = remote.json("change", "record", "--summary", "payments v42", "--at", at,
                         "--service", "payments", env=as_mia)  # fmt: skip
    planned = remote.json("change", "create", "--title", "Resize the pool", *span(2),
                          "--asset", "pay-01", "--submit", env=as_mia)  # fmt: skip
    remote.ok("incident", "declare", "--title", "Card payments failing", "--severity", "SEV2",
              "--service", "payments", env=as_mia)  # fmt: skip

    held = remote.json("change", "hold", planned["ref"], "--reason", "payments are down",
                       "--incident", "INC-1", env=as_mia)  # fmt: skip
    released = remote.json("change", "release", planned["ref"], "--reason", "recovered",
                           env=as_mia)  # fmt: skip
    (suspect,) = remote.json("change", "suspects", "INC-1", env=as_mia)
    marked = remote.json("change", "mark", "INC-1", deploy["ref"], "--mark", "cause", env=as_mia)
    cleared = remote.ok("change", "mark", "INC-1", deploy["ref"], "--mark", "none", "--json",
                        env=as_mia)  # fmt: skip
    timeline = api(live_server, manager, "/incidents/INC-1/timeline")

    assert (deploy["state"], deploy["source"]) == ("completed", "api")
    assert (held["state"], held["held_from"]) == ("on_hold", "submitted")
    assert released["state"] == "submitted"
    assert suspect["change"]["ref"] == deploy["ref"]
    assert "same service: payments" in suspect["reasons"]
    assert marked[0]["mark"] == "cause"
    assert cleared.stdout == ""
    assert api(live_server, manager, "/incidents/INC-1/suspects")[0]["mark"] is None
    texts = [event["text"] for event in timeline]
    assert any("held change" in text and "payments are down" in text for text in texts)
    assert any("marked as cause" in text for text in texts)
    assert count(live_app, Change) == 2


def test_windows_over_http(
    remote: Cli, live_app: FastAPI, live_server: LiveServer, manager: User, responder: User
) -> None:
    as_rui, as_mia = env(live_server, responder), env(live_server, manager)
    start = utcnow() + timedelta(hours=24)
    backwards = ("--start", start.isoformat(), "--end", (start - timedelta(hours=1)).isoformat())

    wrong = remote("window", "create", "--name", "Oops", "--service", "payments", *backwards,
                   "--json", env=as_mia)  # fmt: skip
    refused = remote("window", "create", "--name", "Sale", "--kind", "freeze", *span(24, 48),
                     env=as_rui)  # fmt: skip
    freeze = remote.json("window", "create", "--name", "Year-end sale", "--kind", "freeze",
                         *span(24, 48), env=as_mia)  # fmt: skip
    listed = remote.json("window", "list", env=as_rui)
    shown = remote.json("window", "show", str(freeze["id"]), env=as_rui)
    planned = remote.json("change", "create", "--title", "Reindex", *span(30),
                          "--service", "payments", env=as_rui)  # fmt: skip
    not_theirs = remote("window", "delete", str(freeze["id"]), env=as_rui)

    assert wrong.exit_code == 1
    assert json.loads(wrong.stdout)["errors"][0]["field"] == "ends_at"
    assert refused.exit_code == 1
    assert "Forbidden: freeze windows need the manager role; you are responder" in refused.stderr
    assert listed == [freeze] == api(live_server, responder, "/windows")
    assert shown == freeze
    assert [c["reason"] for c in planned["conflicts"]] == ["freeze"]
    assert not_theirs.exit_code == 1
    deleted = remote.ok("window", "delete", str(freeze["id"]), env=as_mia)
    assert deleted.stdout == f"Deleted freeze window {freeze['id']} (Year-end sale).\n"
    assert count(live_app, MaintenanceWindow) == 0


def test_feed_and_a_viewer_token_over_http(
    remote: Cli, live_app: FastAPI, live_server: LiveServer
) -> None:
    viewer = make_user(live_app, Role.viewer, "Vic Viewer")
    as_vic = env(live_server, viewer)

    found = remote.json("change", "feed", env=as_vic)
    refused = remote("change", "create", "--title", "Mine", *span(1), env=as_vic)
    served = httpx.get(found["url"].replace("http://127.0.0.1:8080", live_server.url))

    assert found == api(live_server, viewer, "/changes-feed")
    assert found["webcal"].startswith("webcal://")
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("text/calendar")
    assert refused.exit_code == 1
    assert "this needs the responder role; you are viewer" in refused.stderr
    assert remote.json("change", "list", env=as_vic) == []
    missing = remote("change", "show", "CHG-99", env=as_vic)
    assert missing.exit_code == 1
    assert "no change CHG-99" in missing.stderr
