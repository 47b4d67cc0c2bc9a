"""The sentiment watch on SQLite and PostgreSQL: mentions by API, CSV and a polled Atom feed
(a real HTTP server on loopback, with ETag), scored with VADER, tied to the incident they were
posted during, the strongly negative ones queued for outreach, and the incident's chart."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.incidents.helpers import declare, seed_catalog
from warroom.jobs import worker_jobs
from warroom.oncall.worker import Worker

ANGRY = "The Kestrel shop has been down for an hour. Useless, terrible service, I am furious!"
CALM = "Anyone else unable to order from Kestrel right now?"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def post(client: TestClient, user: User, clock: Clock, *texts: str, source: str = "x") -> Any:
    items = [{"text": t, "posted_at": (clock.now - timedelta(minutes=1)).isoformat()}
             for t in texts]  # fmt: skip
    body = {"source": source, "mentions": items}
    return ok(client.post("/api/v1/mentions", json=body, headers=user.headers), 201)


def test_mentions_are_scored_tied_to_the_incident_and_the_angry_ones_queued(
    client: TestClient, admin: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    ref = declare(client, admin, severity="SEV1", services=["orders"])["ref"]
    clock.advance(minutes=20)
    assert post(client, admin, clock, ANGRY, CALM) == {"received": 2, "new": 1 + 1, "queued": 1}
    assert post(client, admin, clock, ANGRY)["new"] == 0  # a resend is stored once
    queue = ok(client.get("/api/v1/mentions?outreach=queued", headers=admin.headers))
    assert [(m["text"], m["label"], m["incident"]) for m in queue] == [(ANGRY, "negative", ref)]
    assert queue[0]["score"] < -0.6
    done = {"status": "contacted", "note": "Replied with the status page link"}
    changed = client.patch(f"/api/v1/mentions/{queue[0]['id']}", json=done, headers=admin.headers)
    assert ok(changed)["outreach"] == "contacted"
    assert ok(client.get("/api/v1/mentions?outreach=queued", headers=admin.headers)) == []

    picture = ok(client.get(f"/api/v1/incidents/{ref}/sentiment", headers=admin.headers))
    assert (picture["total"], picture["negative"]) == (2, 1)
    assert picture["negative_share"] == 0.5
    busy = [b for b in picture["buckets"] if b["count"]]
    assert [(b["count"], b["negative"]) for b in busy] == [(2, 1)]
    assert [m["text"] for m in picture["worst"]] == [ANGRY]


def test_a_csv_import_names_a_bad_line_and_stores_nothing_then_imports(
    client: TestClient, admin: User, clock: Clock
) -> None:
    stamp = clock.now.isoformat()
    bad = f"text,posted_at,author\nfine,{stamp},a\nno time,,b\n"
    headers = admin.headers | {"Content-Type": "text/csv"}
    refused = client.post("/api/v1/mentions/csv?source=survey", content=bad, headers=headers)
    assert refused.status_code == 422
    assert "line 3" in refused.text
    assert ok(client.get("/api/v1/mentions", headers=admin.headers)) == []
    good = f'text,posted_at,author,url\n"{ANGRY}",{stamp},@sam,https://x.example/1\n'
    made = ok(client.post("/api/v1/mentions/csv?source=survey", content=good, headers=headers),
              201)  # fmt: skip
    assert made == {"received": 1, "new": 1, "queued": 1}


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>search: kestrel</title><id>urn:s</id>
<updated>2026-11-23T21:59:00Z</updated>
<entry><id>urn:post:1</id><title>Kestrel checkout broken</title>
<updated>2026-11-23T21:59:00Z</updated><author><name>pat</name></author>
<summary type="html">&lt;p&gt;Worst outage ever, I hate this, awful!&lt;/p&gt;</summary>
<link href="https://social.example/pat/1"/></entry>
</feed>"""


@contextmanager
def feed_server() -> Iterator[tuple[str, list[str]]]:
    """Serves ATOM with an ETag, answering 304 to a request that sends it back."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.headers.get("If-None-Match") or "")
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/atom+xml")
            self.send_header("ETag", '"v1"')
            self.end_headers()
            self.wfile.write(ATOM)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/search.atom", seen
    finally:
        server.shutdown()
        server.server_close()


def test_the_worker_polls_a_feed_once_per_interval_and_an_unchanged_feed_costs_nothing(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    settings = app.state.settings.model_copy(update={"worker_interval_seconds": 1e-6})
    worker = Worker.build(
        app.state.sessions, clock, settings, app.state.secret_key, worker_jobs(settings)
    )
    with feed_server() as (url, seen):
        body = {"name": "social search", "url": url}
        ok(client.post("/api/v1/mention-feeds", json=body, headers=admin.headers), 201)
        worker.tick()
        worker.tick()  # within the interval: not fetched again
        clock.advance(minutes=6)
        worker.tick()  # fetched with the ETag: 304
    assert seen == ["", '"v1"']
    (mention,) = ok(client.get("/api/v1/mentions", headers=admin.headers))
    assert mention["text"] == "Kestrel checkout broken. Worst outage ever, I hate this, awful!"
    assert mention["url"] == "https://social.example/pat/1"
    assert mention["outreach"] == "queued"
    (feed,) = ok(client.get("/api/v1/mention-feeds", headers=admin.headers))
    assert feed["last_error"] is None


def test_the_scorer_is_replaceable(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    class Gloomy:
        def score(self, text: str) -> float:
            return -1.0

    app.state.scorer = Gloomy()
    assert post(client, admin, clock, "lovely weather")["queued"] == 1
