"""The public documents are answered from memory between changes: a change committed in this
process shows at once, any other within the time-to-live, and only plain 200s are kept."""

from __future__ import annotations

import hashlib

from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient

from warroom.events import Dispatcher, DomainEvent
from warroom.statuspage.public_cache import PublicCache


class Tick:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def build(ttl: float = 5.0) -> tuple[TestClient, dict[str, str], Dispatcher, Tick]:
    """An app whose /status answers whatever ``state["body"]`` holds right now."""
    state = {"body": "one", "built": "0"}
    app = FastAPI()

    @app.get("/status")
    def status(request: Request) -> Response:
        state["built"] = str(int(state["built"]) + 1)
        body = state["body"].encode()
        tag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        return Response(body, headers={"ETag": tag, "Cache-Control": "public, max-age=30"})

    @app.get("/missing")
    def missing() -> Response:
        return Response("gone", status_code=404)

    dispatcher, tick = Dispatcher(), Tick()
    app.add_middleware(
        PublicCache,
        paths=frozenset({"/status", "/missing"}),
        ttl=ttl,
        dispatcher=dispatcher,
        clock=tick,
    )
    return TestClient(app), state, dispatcher, tick


def test_readers_get_the_kept_copy_until_the_time_to_live_passes() -> None:
    client, state, _dispatcher, tick = build()
    assert client.get("/status").text == "one"
    state["body"] = "two"  # changed elsewhere: nobody here was told
    tick.now += 4.9
    assert client.get("/status").text == "one"
    assert state["built"] == "1"
    tick.now += 0.2
    assert client.get("/status").text == "two"


def test_a_change_published_here_shows_at_once() -> None:
    client, state, dispatcher, _tick = build()
    client.get("/status")
    state["body"] = "two"
    dispatcher.publish(DomainEvent("statuspage.published", "abc"))
    assert client.get("/status").text == "two"


def test_other_events_leave_the_copy_alone() -> None:
    client, state, dispatcher, _tick = build()
    client.get("/status")
    state["body"] = "two"
    dispatcher.publish(DomainEvent("incident.updated", "INC-1"))
    assert client.get("/status").text == "one"


def test_a_kept_copy_answers_a_matching_if_none_match_with_304() -> None:
    client, _state, _dispatcher, _tick = build()
    first = client.get("/status")
    again = client.get("/status", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["cache-control"] == "public, max-age=30"
    assert "content-type" not in again.headers


def test_query_strings_errors_and_a_zero_time_to_live_are_not_kept() -> None:
    client, state, _dispatcher, _tick = build()
    client.get("/status?x=1")
    client.get("/status?x=1")
    assert state["built"] == "2"
    assert client.get("/missing").status_code == 404
    off, state_off, _d, _t = build(ttl=0)
    off.get("/status")
    off.get("/status")
    assert state_off["built"] == "2"
