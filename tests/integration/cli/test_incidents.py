"""``warroom incident …`` on the local database: JSON equal to the API's, errors that name
the field, and nothing written when a command fails."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.cli.conftest import Cli
from warroom.incidents.models import Incident, TimelineEvent

pytestmark = pytest.mark.usefixtures("catalog")


def declare(cli: Cli, *extra: str) -> dict[str, Any]:
    args = ("incident", "declare", "--title", "Orders failing", "--severity", "SEV1")
    data: dict[str, Any] = cli.json(*args, "--service", "orders", *extra)
    return data


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_declare_as_the_first_admin_by_default(cli: Cli) -> None:
    made = declare(cli, "--service", "web-shop", "--description", "checkout 500s")

    assert made["ref"].startswith("INC-")
    assert made["status"] == "triage"
    assert made["services"] == ["orders", "web-shop"]
    assert made["reporter"]["email"] == "ada@example.com"
    assert made["commander"]["email"] == "ada@example.com"  # a SEV1 always has one
    assert made["description"] == "checkout 500s"


def test_declare_names_the_commander_and_the_acting_person(cli: Cli) -> None:
    made = declare(cli, "--commander", "kenji@example.com", "--as", "kenji@example.com")

    assert made["commander"]["email"] == "kenji@example.com"
    assert made["reporter"]["email"] == "kenji@example.com"


def test_show_json_is_the_api_document(cli: Cli, admin_token: str, api: TestClient) -> None:
    ref = declare(cli)["ref"]
    cli.ok("incident", "note", ref, "Rolled back deploy 4411")

    shown = cli.json("incident", "show", ref)

    assert shown == api.get(f"/api/v1/incidents/{ref}", headers=bearer(admin_token)).json()


def test_list_filters_and_pages_like_the_api(cli: Cli, admin_token: str, api: TestClient) -> None:
    first = declare(cli)["ref"]
    second = cli.json(
        "incident", "declare", "--title", "Slow search", "--severity", "sev3",
        "--service", "web-shop",
    )["ref"]  # fmt: skip
    cli.ok("incident", "resolve", first)

    active = cli.json("incident", "list", "--status", "active")
    sev1 = cli.json("incident", "list", "--severity", "SEV1", "--service", "orders")
    page = cli.json("incident", "list", "--limit", "1")
    rest = cli.json("incident", "list", "--limit", "1", "--cursor", page["next_cursor"])

    assert [i["ref"] for i in active["items"]] == [second]
    assert [i["ref"] for i in sev1["items"]] == [first]
    assert [i["ref"] for i in page["items"] + rest["items"]] == [second, first]
    assert rest["next_cursor"] is None
    from_api = api.get("/api/v1/incidents?status=active", headers=bearer(admin_token)).json()
    assert active == from_api


def test_list_since_keeps_newer_incidents(cli: Cli) -> None:
    declare(cli)
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()

    assert cli.json("incident", "list", "--since", "2020-01-01T00:00")["items"]
    assert cli.json("incident", "list", "--since", future)["items"] == []


def test_update_changes_fields_and_records_why(cli: Cli) -> None:
    ref = declare(cli)["ref"]

    changed = cli.json(
        "incident", "update", ref, "--status", "identified", "--severity", "SEV2",
        "--title", "Orders failing in EU", "--service", "web-shop", "--version", "1",
        "--message", "bad deploy found",
    )  # fmt: skip

    assert changed["status"] == "identified"
    assert changed["severity"] == "SEV2"
    assert changed["title"] == "Orders failing in EU"
    assert changed["services"] == ["web-shop"]
    assert changed["acknowledged_at"] is not None
    assert changed["version"] > 1
    texts = [e["text"] for e in cli_timeline(cli, ref)]
    assert "Status triage → identified: bad deploy found" in texts


def cli_timeline(cli: Cli, ref: str) -> list[dict[str, Any]]:
    def events(session: Any) -> list[dict[str, Any]]:
        rows = session.query(TimelineEvent).filter_by(incident_id=int(ref[4:])).all()
        return [{"text": r.text, "occurred_at": r.occurred_at} for r in rows]

    return cli.run(events)


def test_note_can_be_back_dated(cli: Cli) -> None:
    ref = declare(cli)["ref"]
    when = (datetime.now(UTC) - timedelta(minutes=30)).replace(microsecond=0)

    note = cli.json("incident", "note", ref, "Error rate spiked", "--at", when.isoformat())

    assert note["kind"] == "note"
    assert note["text"] == "Error rate spiked"
    assert datetime.fromisoformat(note["occurred_at"]) == when
    assert datetime.fromisoformat(note["recorded_at"]) > when


def test_note_time_without_offset_is_read_in_the_viewers_zone(cli: Cli) -> None:
    ref = declare(cli)["ref"]
    local = (datetime.now(UTC) - timedelta(hours=2)).astimezone(UTC).replace(microsecond=0)
    tokyo = local + timedelta(hours=9)  # Asia/Tokyo has no daylight saving time

    note = cli.json(
        "incident", "note", ref, "paged", "--at", tokyo.replace(tzinfo=None).isoformat(),
        "--as", "kenji@example.com",
    )  # fmt: skip

    assert datetime.fromisoformat(note["occurred_at"]) == local


def test_resolve_sets_status_and_milestone(cli: Cli) -> None:
    ref = declare(cli)["ref"]

    resolved = cli.json("incident", "resolve", ref, "--message", "fixed forward")

    assert resolved["status"] == "resolved"
    assert resolved["resolved_at"] is not None
    assert resolved["mitigated_at"] is not None


def test_readable_output_shows_times_in_the_viewers_zone(cli: Cli) -> None:
    ref = declare(cli)["ref"]

    tokyo = cli.ok("incident", "show", ref, "--as", "kenji@example.com").stdout
    berlin = cli.ok("incident", "show", ref, "--tz", "Europe/Berlin").stdout
    listed = cli.ok("incident", "list").stdout

    assert "Orders failing" in tokyo
    assert "JST" in tokyo
    assert "Timeline" in tokyo
    assert ("CET" in berlin) or ("CEST" in berlin)
    assert ref in listed
    assert "UTC" in listed  # the first admin's zone


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("--severity", "SEV9"), "severity"),
        (("--severity", "SEV1", "--service", "nope"), "services"),
        (("--severity", "SEV1", "--kind", "weather"), "kind"),
        (("--severity", "SEV1", "--commander", "ghost@example.com"), "commander"),
    ],
)
def test_bad_declarations_name_the_field_and_write_nothing(
    cli: Cli, args: tuple[str, ...], field: str
) -> None:
    result = cli("incident", "declare", "--title", "Broken", *args)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert field in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert cli.count(Incident) == 0


def test_illegal_transition_names_status_and_changes_nothing(cli: Cli) -> None:
    ref = declare(cli)["ref"]
    events = cli.count(TimelineEvent)

    plain = cli("incident", "update", ref, "--status", "closed", "--message", "done")
    as_json = cli("incident", "update", ref, "--status", "closed", "--json")

    assert plain.exit_code == 1
    assert "status" in plain.stderr
    assert "cannot go from triage to closed" in plain.stderr
    assert as_json.exit_code == 1
    problem = json.loads(as_json.stdout)
    assert problem["status"] == 422
    assert problem["errors"] == [{"field": "status", "detail": problem["errors"][0]["detail"]}]
    assert cli.json("incident", "show", ref)["status"] == "triage"
    assert cli.count(TimelineEvent) == events


def test_stale_version_is_an_edit_conflict(cli: Cli) -> None:
    ref = declare(cli)["ref"]
    cli.ok("incident", "update", ref, "--status", "investigating", "--version", "1")

    stale = cli("incident", "update", ref, "--title", "Renamed", "--version", "1")

    assert stale.exit_code == 1
    assert "Edit conflict" in stale.stderr
    assert cli.json("incident", "show", ref)["title"] == "Orders failing"


def test_unknown_incident_and_unknown_actor_and_low_role(cli: Cli) -> None:
    missing = cli("incident", "show", "INC-999")
    stranger = cli("incident", "list", "--as", "who@example.com")
    viewer = cli(
        "incident", "declare", "--title", "x", "--severity", "SEV4", "--as", "vera@example.com"
    )

    assert missing.exit_code == 1
    assert "INC-999" in missing.stderr
    assert stranger.exit_code == 1
    assert "as" in stranger.stderr
    assert viewer.exit_code == 1
    assert "responder" in viewer.stderr
    assert cli.count(Incident) == 0


def test_usage_errors_exit_2(cli: Cli) -> None:
    ref = declare(cli)["ref"]

    assert cli("incident", "update", ref).exit_code == 2  # nothing to change
    assert cli("incident", "declare", "--severity", "SEV1").exit_code == 2  # no title
    assert cli("incident", "list", "--limit", "lots").exit_code == 2
    assert cli("incident", "list", "--url", "http://127.0.0.1:9").exit_code == 2  # no token


def test_a_restricted_incident_is_not_listed_or_shown_to_a_non_member(cli: Cli) -> None:
    made = declare(cli, "--kind", "security", "--title", "Stolen VPN account", "--as",
                   "kenji@example.com")  # fmt: skip
    assert made["restricted"] is True
    vera = ("--as", "vera@example.com")
    listed = cli.json("incident", "list", *vera)
    assert made["ref"] not in str(listed)
    shown = cli("incident", "show", made["ref"], *vera)
    assert shown.exit_code != 0
    assert "Stolen VPN account" not in shown.stdout + shown.stderr
    assert made["ref"] in str(cli.json("incident", "list", "--as", "kenji@example.com"))
    opened = cli.json("incident", "update", made["ref"], "--open", "--message", "told all staff",
                      "--as", "kenji@example.com")  # fmt: skip
    assert opened["restricted"] is False
    assert made["ref"] in str(cli.json("incident", "list", *vera))
