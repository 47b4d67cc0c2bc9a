"""``warroom schedule`` and ``warroom oncall now`` on the local database (both kinds) and with
``--url --token`` against a real server: what a person types, and the API's documents with
``--json``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import LiveServer, User, make_user
from tests.integration.cli.conftest import Cli
from warroom.access.rules import Role
from warroom.catalog.service import access_service
from warroom.db import utcnow
from warroom.oncall.models import (
    EscalationPolicy,
    EscalationStep,
    EscalationTarget,
    Schedule,
    ScheduleOverride,
    ServicePolicy,
)

LAYERS = """\
# Kenji answers on weekdays, office hours, Tokyo time; Ada the rest of the week.
name: Orders
timezone: Asia/Tokyo
layers:
  - name: nights
    rotation: weekly
    starts: 2026-11-02T09:00
    participants: [ada@example.com]
  - name: office
    rotation: daily
    starts: 2026-11-02T09:00
    participants: [kenji@example.com]
    restrictions:
      - days: [0, 1, 2, 3, 4]
        start: 09:00
        end: 17:00
"""


@pytest.fixture
def layers_file(tmp_path: Path) -> Path:
    path = tmp_path / "orders.yaml"
    path.write_text(LAYERS, encoding="utf-8")
    return path


def test_a_schedule_from_a_yaml_file_with_an_override_on_the_local_database(
    cli: Cli, catalog: None, api: TestClient, admin_token: str, layers_file: Path
) -> None:
    made = cli.json("schedule", "create", "--file", str(layers_file))
    headers = {"Authorization": f"Bearer {admin_token}"}
    override = cli.json("schedule", "override", "add", "Orders", "--person", "kenji@example.com",
                        "--start", "2026-11-28T00:00:00+09:00", "--hours", "48",
                        "--note", "weekend swap")  # fmt: skip
    # Tuesday 24 Nov 10:00 Tokyo: office hours, Kenji; Saturday 28th: the override, Kenji.
    office = cli.json("oncall", "now", "--schedule", "Orders", "--at", "2026-11-24T01:00:00Z")
    weekend = cli.json("oncall", "now", "--schedule", str(made["id"]),
                       "--at", "2026-11-28T12:00:00+09:00")  # fmt: skip
    night = cli.ok("oncall", "now", "--schedule", "Orders", "--at", "2026-11-24T20:00:00+09:00")
    shown = cli.ok("schedule", "show", "Orders", "--tz", "Asia/Tokyo").stdout
    gaps = cli.json("schedule", "gaps", "Orders", "--start", "2026-11-23T00:00:00Z")

    assert made["layers"][1]["restrictions"] == [
        {"days": [0, 1, 2, 3, 4], "start": "09:00:00", "end": "17:00:00"}  # 17:00 read as a time
    ]
    assert made == api.get(f"/api/v1/schedules/{made['id']}", headers=headers).json() | {
        "overrides": []
    }
    assert override["note"] == "weekend swap"
    assert office["person"]["email"] == "kenji@example.com"
    assert office["source"] == "layer"
    assert weekend["source"] == "override"
    assert "Ada" in night.stdout
    assert "office" in shown
    assert "kenji@example.com" in shown
    assert gaps == []  # Ada's layer covers every hour
    cli.ok("schedule", "override", "delete", "Orders", str(override["id"]))
    assert cli.count(ScheduleOverride) == 0


def test_bad_schedules_and_roles_are_refused_with_the_field_named(
    cli: Cli, catalog: None, tmp_path: Path
) -> None:
    empty = cli("schedule", "create", "--name", "Empty", "--rotation", "weekly",
                "--starts", "2026-11-02T09:00", "--json")  # fmt: skip
    none = cli("schedule", "create", "--name", "Nobody", "--rotation", "daily",
               "--starts", "2026-11-02T09:00", "--participant", "ghost@example.com")  # fmt: skip
    as_viewer = cli("schedule", "create", "--name", "Mine", "--rotation", "daily",
                    "--starts", "2026-11-02T09:00", "--participant", "vera@example.com",
                    "--as", "vera@example.com")  # fmt: skip
    broken = tmp_path / "broken.yaml"
    broken.write_text("layers: [", encoding="utf-8")
    unreadable = cli("schedule", "create", "--name", "X", "--file", str(broken))

    assert empty.exit_code == 1
    problem: dict[str, Any] = json.loads(empty.stdout)
    assert problem["errors"] == [
        {"field": "layers[0].participants", "detail": "a rotation needs at least one participant"}
    ]
    assert none.exit_code == 1
    assert "layers[0].participants[0]" in none.stderr
    assert as_viewer.exit_code == 1
    assert "this needs the manager role; you are viewer" in as_viewer.stderr
    assert unreadable.exit_code == 1
    assert "file" in unreadable.stderr
    assert cli.count(Schedule) == 0
    both = cli("oncall", "now", "--service", "orders", "--schedule", "Orders")
    assert both.exit_code == 1
    assert "not both" in both.stderr


@pytest.fixture
def remote(live_app: FastAPI) -> Cli:
    """A CLI whose local database does not exist: everything must go over HTTP."""
    return Cli("sqlite:///does-not-exist/never.db", CliRunner())


def test_schedule_commands_over_http_print_what_the_api_returns(
    remote: Cli, live_app: FastAPI, live_server: LiveServer, tmp_path: Path
) -> None:
    manager = make_user(live_app, Role.manager, "Mia Remote")
    ann = make_user(live_app, Role.responder, "Ann Remote")
    target = ("--url", live_server.url, "--token", manager.token)
    made = remote.json("schedule", "create", "--name", "Support", "--rotation", "custom",
                       "--shift-hours", "12", "--starts", "2026-11-02T08:00",
                       "--timezone", "Europe/Paris", "--participant", ann.email,
                       "--participant", manager.email, *target)  # fmt: skip
    listed = remote.json("schedule", "list", *target)
    now = remote.json("oncall", "now", *target)
    at = remote.json("oncall", "now", "--schedule", "Support", "--at", "2026-11-02T07:30:00Z",
                     *target)  # fmt: skip
    shifts = remote.json("schedule", "shifts", "Support", "--start", "2026-11-02T07:00:00Z",
                         "--days", "1", *target)  # fmt: skip
    ics = tmp_path / "support.ics"
    remote.ok("schedule", "export", "Support", "--weeks", "1", "-o", str(ics), *target)
    too_long = remote("schedule", "shifts", "Support", "--days", "120", *target)

    def served(path: str) -> Any:
        response = httpx.get(f"{live_server.url}/api/v1{path}", headers=manager.headers)
        assert response.status_code == 200, response.text
        return response.json()

    assert made["layers"][0]["shift_seconds"] == 12 * 3600
    assert listed == served("/schedules")
    assert [s["schedule"]["name"] for s in now["schedules"]] == ["Support"]
    assert at["person"]["email"] == ann.email  # 08:30 Paris: the first 12-hour shift
    assert [(s["person"]["email"], s["starts_at"]) for s in shifts] == [
        (ann.email, "2026-11-02T07:00:00Z"),
        (manager.email, "2026-11-02T19:00:00Z"),
    ]
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert len(events) in (14, 15)  # two shifts a day for a week, cut at now and a week on
    assert too_long.exit_code == 1
    assert "at most 90 days" in too_long.stderr
    remote.ok("schedule", "delete", "Support", *target)
    assert remote.json("schedule", "list", *target) == []


def test_a_viewer_token_reads_but_cannot_write_over_http(
    remote: Cli, live_app: FastAPI, live_server: LiveServer
) -> None:
    viewer: User = make_user(live_app, Role.viewer, "Vic Viewer")
    target = ("--url", live_server.url, "--token", viewer.token)
    refused = remote("schedule", "create", "--name", "X", "--rotation", "daily", "--starts",
                     "2026-11-02T09:00", "--participant", viewer.email, *target)  # fmt: skip
    missing = remote("schedule", "show", "nope", *target)

    assert refused.exit_code == 1
    assert "manager" in refused.stderr
    assert missing.exit_code == 1
    assert "no schedule 'nope'" in missing.stderr
    assert remote.json("oncall", "now", *target)["schedules"] == []


def _page_orders_through(schedule_id: int) -> Callable[[Session], None]:
    """An escalation policy for the ``orders`` service whose one step pages the schedule."""

    def seed(session: Session) -> None:
        orders = access_service(session=session, name="orders")
        step = EscalationStep(targets=[EscalationTarget(schedule_id=schedule_id)])
        now = utcnow()
        chosen = EscalationPolicy(name="Orders", steps=[step], created_at=now, updated_at=now)
        session.add(ServicePolicy(service=orders, policy=chosen))

    return seed


def test_oncall_now_for_a_service_and_readiness_coverage_on_the_local_database(
    cli: Cli, catalog: None
) -> None:
    made = cli.json("schedule", "create", "--name", "Orders", "--rotation", "weekly", "--starts",
                    "2026-11-02T09:00", "--participant", "kenji@example.com")  # fmt: skip
    cli.run(_page_orders_through(made["id"]))
    now = cli.json("oncall", "now", "--service", "orders")
    readable = cli.ok("oncall", "now", "--service", "orders").stdout
    report = cli.json("readiness")
    missing = {f["subject"] for f in report["findings"] if f["check"] == "no_oncall"}

    (orders,) = now["services"]
    assert orders["policy"] == "Orders"
    assert [(p["person"]["email"], p["via"]) for p in orders["people"]] == [
        ("kenji@example.com", "schedule Orders")
    ]
    assert "Kenji Sato (schedule Orders)" in readable
    assert missing == {"web-shop"}  # orders is paged at every hour; web-shop has no policy
