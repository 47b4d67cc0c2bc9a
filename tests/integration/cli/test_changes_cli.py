"""``warroom change`` and ``warroom window`` on the local database (both kinds): the gate that
refuses a start during an incident until someone overrides it, holds, suspects and their marks,
and the calendar's windows."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.integration.alerts.storm import seed_service
from tests.integration.cli.conftest import Cli
from warroom.alerts.models import MaintenanceWindow
from warroom.changes.models import Change
from warroom.db import utcnow


def iso(moment: datetime) -> str:
    return moment.isoformat()


def seed_payments(cli: Cli) -> None:
    """payments runs on pay-01 and pay-02."""

    def seed(session: Session) -> None:
        seed_service(session, "payments", 1, ["pay-01", "pay-02"])

    cli.run(seed)


def plan(cli: Cli, title: str, *extra: str, hours: float = 1) -> dict[str, Any]:
    """A normal change on payments starting in ``hours``, for an hour, submitted."""
    start = utcnow() + timedelta(hours=hours)
    span = ("--start", iso(start), "--end", iso(start + timedelta(hours=1)))
    made: dict[str, Any] = cli.json(
        "change", "create", "--title", title, *span, "--service", "payments", "--submit", *extra
    )
    return made


def declare(cli: Cli, title: str = "Card payments failing") -> str:
    declared = cli.json(
        "incident", "declare", "--title", title, "--severity", "SEV2", "--service", "payments"
    )
    return str(declared["ref"])


def test_the_gate_refuses_a_start_during_an_incident_until_someone_overrides_it(
    cli: Cli, admin_token: str
) -> None:
    seed_payments(cli)
    made = plan(cli, "Rotate TLS keys", "--backout", "restore the old keys")
    ref = made["ref"]
    incident = declare(cli)

    found = cli.json("change", "conflicts", ref)
    cli.ok("change", "approve", ref, "--comment", "low traffic then")
    refused = cli("change", "set", ref, "--state", "in_progress")
    problem = cli("change", "set", ref, "--state", "in-progress", "--json")
    still = cli.json("change", "show", ref)

    assert made["state"] == "submitted"
    assert made["scope"]["hosts"] == ["pay-01", "pay-02"]
    assert made["conflicts"] == []
    assert [(c["reason"], c["severity"], c["incident"]) for c in found] == [
        ("incident", "critical", incident)
    ]
    assert "Card payments failing" in found[0]["detail"]
    assert refused.exit_code == 1
    assert f"incident {incident} (SEV2) is on payments" in refused.stderr
    assert "--override" in refused.stderr
    assert problem.exit_code == 1
    body = json.loads(problem.stdout)
    assert (body["status"], body["title"]) == (409, "Blocked")
    assert [c["incident"] for c in body["conflicts"]] == [incident]
    assert still["state"] == "approved"
    assert [a["decision"] for a in still["approvals"]] == ["approved"]

    started = cli.json(
        "change", "set", ref, "--state", "in_progress", "--override", "the keys expire tonight"
    )
    shown = cli.json("change", "show", ref)
    readable = cli.ok("change", "show", ref).stdout
    at_risk = cli.json("change", "at-risk", incident)
    listed = cli.json("change", "list", "--state", "in_progress")

    assert started["state"] == "in_progress"
    assert started["override_reason"] == "the keys expire tonight"
    assert shown["override_by"]["email"] == "ada@example.com"
    assert started["actual_start"] is not None
    assert "override" in [item["kind"] for item in started["log"]]
    assert "the keys expire tonight" in readable
    assert "restore the old keys" in readable
    assert [(r["change"]["ref"], r["conflict"]["reason"]) for r in at_risk] == [(ref, "incident")]
    assert [c["ref"] for c in listed] == [ref]
    assert cli.json("change", "list", "--state", "draft") == []


def test_a_hold_is_noted_on_the_incident_and_released_back(cli: Cli, catalog: None) -> None:
    seed_payments(cli)
    ref = plan(cli, "Resize the payments pool")["ref"]
    incident = declare(cli)

    refused = cli("change", "hold", ref, "--reason", "not now", "--as", "vera@example.com")
    held = cli.json("change", "hold", ref, "--reason", "payments are down", "--incident", incident)
    timeline = cli.ok("incident", "show", incident).stdout
    released = cli.json("change", "release", ref, "--reason", "payments recovered")
    again = cli("change", "release", ref, "--reason", "twice")

    assert refused.exit_code == 1
    assert "needs the responder role; you are viewer" in refused.stderr
    assert (held["state"], held["held_from"]) == ("on_hold", "submitted")
    assert f"held change {ref} 'Resize the payments pool': payments are down" in timeline
    assert (released["state"], released["held_from"]) == ("submitted", None)
    assert [i["kind"] for i in released["log"]][-2:] == ["state_changed", "released"]
    assert again.exit_code == 1
    assert "is not on hold" in again.stderr


def test_a_recorded_deploy_is_the_incidents_suspect_and_can_be_marked_the_cause(
    cli: Cli, admin_token: str
) -> None:
    seed_payments(cli)
    at = iso(utcnow() - timedelta(minutes=30))
    deploy = ("change", "record", "--summary", "payments v42", "--at", at, "--service", "payments",
              "--external-id", "ci-981")  # fmt: skip
    recorded = cli.json(*deploy)
    retried = cli.json(*deploy)
    ref = recorded["ref"]
    incident = declare(cli)

    (suspect,) = cli.json("change", "suspects", incident)
    marked = cli.json("change", "mark", incident, ref, "--mark", "cause", "--note", "5xx from v42")
    readable = cli.ok("change", "suspects", incident).stdout
    cleared = cli.ok("change", "mark", incident, ref, "--mark", "none", "--json")
    unmarked = cli.json("change", "suspects", incident)
    wrong = cli("change", "mark", incident, ref, "--mark", "culprit")

    assert (recorded["state"], recorded["type"]) == ("completed", "standard")
    assert retried["ref"] == ref  # the same external id records the deploy once
    assert cli.count(Change) == 1
    assert suspect["change"]["ref"] == ref
    assert "same service: payments" in suspect["reasons"]
    assert (marked[0]["mark"], marked[0]["note"]) == ("cause", "5xx from v42")
    assert marked[0]["marked_by"]["email"] == "ada@example.com"
    assert "cause" in readable
    assert "5xx from v42" in readable
    assert cleared.stdout == ""
    assert unmarked[0]["mark"] is None
    assert wrong.exit_code == 1
    assert "mark: must be suspect, cause or none" in wrong.stderr


def test_windows_freeze_a_planned_change_and_repeat(cli: Cli, catalog: None) -> None:
    seed_payments(cli)
    ref = plan(cli, "Reindex payments", hours=30)["ref"]
    start = utcnow() + timedelta(hours=24)
    span = ("--start", iso(start), "--end", iso(start + timedelta(days=2)))

    early = iso(start - timedelta(hours=1))
    backwards = cli("window", "create", "--name", "Oops", "--kind", "freeze",
                    "--start", iso(start), "--end", early, "--json")  # fmt: skip
    by_responder = cli("window", "create", "--name", "Sale", "--kind", "freeze", *span,
                       "--as", "kenji@example.com")  # fmt: skip
    freeze = cli.json("window", "create", "--name", "Year-end sale", "--kind", "freeze", *span,
                      "--reason", "peak trade")  # fmt: skip
    weekly = cli.json("window", "create", "--name", "Saturday patching", *span[:2],
                      "--end", iso(start + timedelta(hours=2)), "--service", "payments",
                      "--rrule", "FREQ=WEEKLY;BYDAY=SA")  # fmt: skip
    found = cli.json("change", "conflicts", ref)
    freezes = cli.json("window", "list", "--kind", "freeze")
    shown = cli.ok("window", "show", str(weekly["id"])).stdout

    assert backwards.exit_code == 1
    assert json.loads(backwards.stdout)["errors"] == [
        {"field": "ends_at", "detail": "must be after starts_at"}
    ]
    assert by_responder.exit_code == 1
    assert "freeze windows need the manager role; you are responder" in by_responder.stderr
    assert ("freeze", "high") in [(c["reason"], c["severity"]) for c in found]
    assert "Year-end sale" in next(c["detail"] for c in found if c["reason"] == "freeze")
    assert [w["name"] for w in freezes] == ["Year-end sale"]
    assert freeze["services"] == freeze["assets"] == []
    assert len(weekly["next"]) == 5
    assert "FREQ=WEEKLY;BYDAY=SA" in shown
    assert "Next occurrences" in shown
    deleted = cli.ok("window", "delete", str(freeze["id"]))
    assert deleted.stdout == f"Deleted freeze window {freeze['id']} (Year-end sale).\n"
    assert cli.count(MaintenanceWindow) == 1
    assert "freeze" not in [c["reason"] for c in cli.json("change", "conflicts", ref)]


def test_times_without_an_offset_are_the_viewers_and_bad_ones_name_the_option(
    cli: Cli, admin_token: str
) -> None:
    seed_payments(cli)
    tokyo = ("--tz", "Asia/Tokyo")
    made = cli.json("change", "create", "--title", "Tokyo morning", "--service", "payments",
                    "--start", "2030-01-01T09:00", "--end", "2030-01-01T10:00", *tokyo)  # fmt: skip
    garbled = cli("change", "create", "--title", "X", "--start", "tomorrow",
                  "--end", "2030-01-01T10:00Z")  # fmt: skip
    backwards = cli("change", "create", "--title", "X", "--start", "2030-01-01T10:00Z",
                    "--end", "2030-01-01T09:00Z")  # fmt: skip
    nothing = cli("change", "set", made["ref"])

    assert datetime.fromisoformat(made["planned_start"]) == datetime(2030, 1, 1, tzinfo=UTC)
    assert made["state"] == "draft"
    assert "2030-01-01 09:00 JST" in cli.ok("change", "show", made["ref"], *tokyo).stdout
    assert garbled.exit_code == 1
    assert "start: 'tomorrow' is not an ISO 8601 time" in garbled.stderr
    assert backwards.exit_code == 1
    assert "planned_end: must be after the start" in backwards.stderr
    assert nothing.exit_code == 1
    assert "nothing to change" in nothing.stderr
    assert cli.count(Change) == 1


def test_the_feed_address_is_the_servers_and_serves_the_calendar(
    cli: Cli, admin_token: str, api: TestClient
) -> None:
    seed_payments(cli)
    plan(cli, "Rotate TLS keys")
    headers = {"Authorization": f"Bearer {admin_token}"}

    found = cli.json("change", "feed")
    printed = cli.ok("change", "feed").stdout.splitlines()
    served = api.get(found["url"].removeprefix("http://127.0.0.1:8080"))

    assert found == api.get("/api/v1/changes-feed", headers=headers).json()
    assert printed == [found["url"], found["webcal"]]
    assert served.status_code == 200
    assert "Rotate TLS keys" in served.text
