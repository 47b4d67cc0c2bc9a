"""The public status documents answered from memory.

The page, its JSON and its feeds are the same for every reader and are read far more often
than they change: during an outage, every customer's browser and widget polls them. Building
the page reads the database and renders 90-day bars; answering from memory costs almost
nothing. A document is rebuilt (through its route, so there is one way to make it) when this
process commits a change to the public page, and in any case after ``ttl`` seconds, so a change
made by another process (another worker, the CLI) shows within that time. Clients are told
to cache longer than that anyway (``Cache-Control``).

It sits outside the request log: answers from memory are not logged one by one (at thousands
a second that would be the main cost) and carry no request id. Only plain GETs of the listed
paths are kept: with a query string, a HEAD, or any answer but a
200 with an ETag, the request goes to the app as usual. Nothing here depends on who asks; the
public routes never do either (no cookie, no session).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from warroom.events import Dispatcher, DomainEvent

Clock = Callable[[], float]
Headers = list[tuple[bytes, bytes]]
# What a 304 keeps of the 200's headers (RFC 9110 15.4.5).
_NOT_MODIFIED_KEEP = {b"etag", b"cache-control", b"access-control-allow-origin", b"vary"}


@dataclass(frozen=True)
class Entry:
    headers: Headers
    body: bytes
    etag: bytes
    made_at: float
    generation: int


class PublicCache:
    def __init__(
        self,
        app: ASGIApp,
        *,
        paths: frozenset[str],
        ttl: float,
        dispatcher: Dispatcher | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self.app, self.paths, self.ttl, self.clock = app, paths, ttl, clock
        self.entries: dict[str, Entry] = {}
        self.generation = 0
        if dispatcher is not None:
            dispatcher.subscribe("*", self._on_event)

    def _on_event(self, event: DomainEvent) -> None:
        if event.name.startswith("statuspage."):
            self.generation += 1  # every kept document is now stale

    def keeps(self, scope: Scope) -> bool:
        return (
            self.ttl > 0
            and scope["type"] == "http"
            and scope["method"] == "GET"
            and not scope.get("query_string")
            and scope["path"] in self.paths
        )

    def fresh(self, path: str) -> Entry | None:
        entry = self.entries.get(path)
        if entry is None or entry.generation != self.generation:
            return None
        return entry if self.clock() - entry.made_at < self.ttl else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.keeps(scope):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        entry = self.fresh(path)
        if entry is not None:
            await _answer(entry, _if_none_match(scope), send)
            return
        await self._fill(path, scope, receive, send)

    async def _fill(self, path: str, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer through the app, keeping a 200 with an ETag for the next readers."""
        # Taken before the app reads: a change committed meanwhile leaves this copy stale.
        generation, made_at = self.generation, self.clock()
        start: Message | None = None
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, keep)
        if start is None or start["status"] != 200:
            return
        # The filling request's own id is not every reader's: kept copies go without one.
        headers: Headers = [(k, v) for k, v in start.get("headers", []) if k != b"x-request-id"]
        etag = dict(headers).get(b"etag")
        if etag is not None:
            self.entries[path] = Entry(headers, b"".join(chunks), etag, made_at, generation)


def _if_none_match(scope: Scope) -> bytes | None:
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            return bytes(value)
    return None


def _matches(header: bytes | None, etag: bytes) -> bool:
    if not header:
        return False
    tags = {t.strip().removeprefix(b"W/") for t in header.split(b",")}
    return b"*" in tags or etag in tags


async def _answer(entry: Entry, if_none_match: bytes | None, send: Send) -> None:
    if _matches(if_none_match, entry.etag):
        kept = [(k, v) for k, v in entry.headers if k in _NOT_MODIFIED_KEEP]
        await send({"type": "http.response.start", "status": 304, "headers": kept})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200, "headers": entry.headers})
    await send({"type": "http.response.body", "body": entry.body})
