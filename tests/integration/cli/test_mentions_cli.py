"""``warroom mention`` on the local database (both kinds) and over HTTP against a real server on
loopback: a CSV file taken in (all of it, or none with the bad line named), mentions scored and
tied to the incident they were posted during, the outreach queue most negative first, the
incident's picture, and the feeds. Each ``--json`` document is the API's own."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.conftest import LiveServer, make_user
from tests.integration.cli.conftest import Cli
from warroom.access.rules import Role
from warroom.db import utcnow
from warroom.sentiment.models import Mention

ANGRY = "The Kestrel shop has been down for an hour. Useless [/] service, I am furious!"
WORST = "Orders failing again. Worst outage ever, I hate this, awful!"
CALM = "Anyone else unable to order from Kestrel right now?"
KENJI = ("--as", "kenji@example.com")  # a responder in Tokyo
VERA = ("--as", "vera@example.com")  # a viewer


def csv_file(folder: Path, *rows: tuple[str, str], name: str = "mentions.csv") -> Path:
    """A CSV export with a header, one mention per ``(text, posted_at)``."""
    lines = ["text,posted_at,author", *(f'"{text}",{at},@fan' for text, at in rows)]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problem(cli: Cli, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = cli(*args, "--json", env=env)
    assert result.exit_code == 1, result.stdout
    body: dict[str, Any] = json.loads(result.stdout)
    return body


def declare(cli: Cli, env: dict[str, str] | None = None) -> str:
    made = cli.json("incident", "declare", "--title", "Orders failing", "--severity", "SEV1",
                    "--service", "orders", env=env)  # fmt: skip
    return str(made["ref"])


def test_a_csv_file_is_taken_in_whole_or_not_at_all_naming_the_bad_line(
    cli: Cli, catalog: None, tmp_path: Path
) -> None:
    ref = declare(cli)
    now = utcnow().isoformat()
    bad = csv_file(tmp_path, (CALM, now), ("no time given", ""), name="bad.csv")
    good = csv_file(tmp_path, (ANGRY, now), (CALM, now), (ANGRY, now))

    refused = cli("mention", "import", str(bad), *KENJI)
    body = problem(cli, "mention", "import", str(bad))
    assert refused.exit_code == 1
    assert "line 3, posted_at" in refused.stderr
    assert body["errors"] == [{"field": "file", "detail": "line 3, posted_at: Field required"}]
    assert cli.count(Mention) == 0

    # The same mention twice in one file, and the file again, are each stored once.
    taken = cli.json("mention", "import", str(good), "--source", "survey", *KENJI)
    assert taken == {"received": 3, "new": 2, "queued": 1}
    assert cli.json("mention", "import", str(good), "--source", "survey")["new"] == 0
    readable = cli.ok("mention", "import", str(good), "--source", "other").stdout
    assert "3 mention(s), 2 new (1 seen before)" in readable
    assert "1 queued for outreach" in readable
    viewer = cli("mention", "import", str(good), *VERA)
    assert viewer.exit_code == 1
    assert "needs the responder role; you are viewer" in viewer.stderr
    missing = cli("mention", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2
    incident = cli.json("mention", "incident", ref)
    assert (incident["total"], incident["negative"], incident["queued"]) == (4, 2, 2)


def test_the_outreach_queue_most_negative_first_then_worked(
    cli: Cli, catalog: None, tmp_path: Path, api: TestClient, admin_token: str
) -> None:
    ref = declare(cli)
    cli.ok("mention", "import", str(csv_file(tmp_path, (ANGRY, utcnow().isoformat()))))
    # Kenji types the time as his clock in Tokyo shows it.
    tokyo = (utcnow() + timedelta(minutes=1)).astimezone(ZoneInfo("Asia/Tokyo"))
    typed = tokyo.replace(tzinfo=None, microsecond=0).isoformat()
    added = cli.json("mention", "add", "--text", WORST, "--at", typed, "--author", "@pat",
                     "--link", "https://social.example/pat/1", *KENJI)  # fmt: skip
    assert added == {"received": 1, "new": 1, "queued": 1}

    queue = cli.json("mention", "queue")
    assert [m["text"] for m in queue] == [WORST, ANGRY]
    assert queue[0]["score"] < queue[1]["score"] < -0.6
    assert {m["incident"] for m in queue} == {ref}
    assert datetime.fromisoformat(queue[0]["posted_at"]) == tokyo.replace(microsecond=0)
    admin = {"Authorization": f"Bearer {admin_token}"}
    assert queue == api.get("/api/v1/mentions?outreach=queued", headers=admin).json()
    table = cli.ok("mention", "queue", "--tz", "UTC").stdout
    assert table.index("Worst outage ever") < table.index("Useless [/] service")

    worst = str(queue[0]["id"])
    refused = cli("mention", "set", worst, "--status", "contacted", *VERA)
    assert "needs the responder role; you are viewer" in refused.stderr
    done = cli.json("mention", "set", worst, "--status", "Contacted", "--note", "Replied", *KENJI)
    assert (done["outreach"], done["outreach_note"]) == ("contacted", "Replied")
    assert [m["text"] for m in cli.json("mention", "queue")] == [ANGRY]
    contacted = cli.json("mention", "queue", "--status", "contacted", "--status", "resolved")
    assert [m["id"] for m in contacted] == [done["id"]]
    assert (
        problem(cli, "mention", "set", worst, "--status", "done")["errors"][0]["field"] == "status"
    )
    assert problem(cli, "mention", "set", "999", "--status", "ignored")["status"] == 404
    assert problem(cli, "mention", "queue", "--status", "angry")["errors"][0]["field"].startswith(
        "outreach"
    )


def test_the_incident_picture_and_the_feeds(
    cli: Cli, catalog: None, tmp_path: Path, api: TestClient, admin_token: str
) -> None:
    ref = declare(cli)
    now = utcnow().isoformat()
    cli.ok("mention", "import", str(csv_file(tmp_path, (ANGRY, now), (CALM, now), (WORST, now))))

    found = cli.json("mention", "incident", ref)
    admin = {"Authorization": f"Bearer {admin_token}"}
    answer = api.get(f"/api/v1/incidents/{ref}/sentiment", headers=admin).json()
    assert found["buckets"][:1] == answer["buckets"][:1]
    assert {k: v for k, v in found.items() if k != "buckets"} == {
        k: v for k, v in answer.items() if k != "buckets"
    }
    assert (found["total"], found["negative"], found["queued"]) == (3, 2, 2)
    assert [m["text"] for m in found["worst"]] == [WORST, ANGRY]
    chart = cli.ok("mention", "incident", ref, "--tz", "UTC").stdout
    assert f"{ref}: 3 mention(s), 2 negative (67%), 2 queued for outreach" in chart
    assert "3 (2 negative)" in chart
    assert "█" * 27 + "░" * 13 in chart  # two thirds of the bar are negative

    refused = cli("mention", "feed", "add", "--name", "news", "--link", "https://n.example/q.rss",
                  *KENJI)  # fmt: skip
    assert "needs the manager role; you are responder" in refused.stderr
    bad = problem(cli, "mention", "feed", "add", "--name", "news", "--link", "ftp://n.example")
    assert [e["field"] for e in bad["errors"]] == ["url"]
    made = cli.json("mention", "feed", "add", "--name", "news", "--link", "https://n.example/q.rss")
    assert (made["name"], made["polled_at"]) == ("news", None)
    assert problem(cli, "mention", "feed", "add", "--name", "news", "--link",
                   "https://other.example/")["status"] == 409  # fmt: skip
    assert cli.json("mention", "feed", "list", *VERA) == [made]
    removed = cli.ok("mention", "feed", "remove", str(made["id"]))
    assert removed.stdout == f"Removed feed {made['id']} (news).\n"
    assert cli.json("mention", "feed", "list") == []
    assert problem(cli, "mention", "feed", "remove", str(made["id"]))["status"] == 404


def test_the_same_commands_over_http_print_the_api_documents(
    live_app: FastAPI, live_server: LiveServer, tmp_path: Path
) -> None:
    manager = make_user(live_app, Role.manager, "Mia Remote")
    responder = make_user(live_app, Role.responder, "Rui Remote")
    viewer = make_user(live_app, Role.viewer, "Vic Remote")
    remote = Cli("sqlite:///does-not-exist/never.db", CliRunner())  # only HTTP can work
    as_rui = {"WARROOM_URL": live_server.url, "WARROOM_TOKEN": responder.token}
    as_mia = {"WARROOM_URL": live_server.url, "WARROOM_TOKEN": manager.token}
    as_vic = {"WARROOM_URL": live_server.url, "WARROOM_TOKEN": viewer.token}

    def api(path: str) -> Any:
        answer = httpx.get(f"{live_server.url}/api/v1{path}", headers=responder.headers)
        assert answer.status_code == 200, answer.text
        return answer.json()

    httpx.post(f"{live_server.url}/api/v1/services", json={"name": "orders", "tier": 1},
               headers=manager.headers).raise_for_status()  # fmt: skip
    ref = declare(remote, as_rui)
    now = utcnow().isoformat()
    bad = csv_file(tmp_path, (CALM, now), (ANGRY, "yesterday"), name="bad.csv")
    good = csv_file(tmp_path, (ANGRY, now), (CALM, now), (WORST, now))

    refused = problem(remote, "mention", "import", str(bad), env=as_rui)
    taken = remote.json("mention", "import", str(good), "--source", "survey", env=as_rui)
    queue = remote.json("mention", "queue", env=as_vic)
    done = remote.json("mention", "set", str(queue[0]["id"]), "--status", "resolved", env=as_rui)
    picture = remote.json("mention", "incident", ref, env=as_vic)
    feed = remote.json("mention", "feed", "add", "--name", "news", "--link",
                       "https://n.example/q.rss", env=as_mia)  # fmt: skip
    not_theirs = remote("mention", "feed", "remove", str(feed["id"]), env=as_rui)

    assert refused["status"] == 422
    assert refused["errors"][0]["detail"].startswith("line 3, posted_at")
    assert taken == {"received": 3, "new": 3, "queued": 2}
    assert [m["text"] for m in queue] == [WORST, ANGRY]
    assert [m["source"] for m in queue] == ["survey", "survey"]
    assert done["outreach"] == "resolved"
    assert remote.json("mention", "queue", env=as_vic) == api("/mentions?outreach=queued")
    assert picture == api(f"/incidents/{ref}/sentiment") | {"buckets": picture["buckets"]}
    assert (picture["total"], picture["queued"]) == (3, 1)
    assert remote.json("mention", "feed", "list", env=as_vic) == [feed] == api("/mention-feeds")
    assert not_theirs.exit_code == 1
    assert "manager" in not_theirs.stderr
    gone = remote.ok("mention", "feed", "remove", str(feed["id"]), "--json", env=as_mia)
    assert gone.stdout == ""  # the API answers 204
    assert api("/mention-feeds") == []
