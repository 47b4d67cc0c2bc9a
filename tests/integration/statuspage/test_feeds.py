"""The status page's history feeds, read with a real feed parser on SQLite and PostgreSQL: valid
Atom and RSS, one entry per published incident or maintenance with its published updates, and
nothing of drafts."""

from __future__ import annotations

from typing import Any

import feedparser
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.integration.statuspage.public_helpers import DRAFT_BODY, DRAFT_NAME, Seeded, seed

FEEDS = {"/history.atom": "application/atom+xml", "/history.rss": "application/rss+xml"}


@pytest.fixture
def seeded(app: FastAPI, clock: Clock) -> Seeded:
    return seed(app, clock, internal_ref="")


def parsed(client: TestClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == FEEDS[path]
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def text(entry: Any) -> str:
    """The entry's HTML: Atom's content, RSS's description."""
    return str(entry.content[0].value if "content" in entry else entry.description)


@pytest.mark.parametrize("path", list(FEEDS))
def test_one_entry_per_published_incident_newest_first(
    client: TestClient, seeded: Seeded, path: str
) -> None:
    feed = parsed(client, path)
    assert feed.version == ("atom10" if path.endswith("atom") else "rss20")
    assert feed.feed.title == "Status - Incident history"
    assert feed.feed.link.endswith("/status")
    titles = [e.title for e in feed.entries]
    # The two maintenances were published last, at the same minute; then the outage, then
    # the slow search.
    assert sorted(titles[:2]) == ["Cache upgrade", "Index rebuild"]
    assert titles[2:] == ["Checkout unavailable", "Slow search"]
    assert DRAFT_NAME not in titles

    by_title = {e.title: e for e in feed.entries}
    slow = by_title["Slow search"]
    assert slow.link.endswith(f"/status/incidents/{seeded.resolved}")
    body = text(slow)
    # Both updates, newest first, with their status words.
    assert body.index("Resolved") < body.index("Fast again.") < body.index("Investigating")
    assert body.index("Investigating") < body.index("Searches are slow.")
    if path.endswith("atom"):  # RSS items carry only their publication date
        assert slow.published_parsed < slow.updated_parsed

    outage = text(by_title["Checkout unavailable"])
    assert "Payments fail for every customer" in outage
    assert DRAFT_BODY not in outage
    assert "Identified" not in outage


@pytest.mark.parametrize("path", list(FEEDS))
def test_an_empty_page_has_a_valid_empty_feed(client: TestClient, path: str) -> None:
    feed = parsed(client, path)
    assert feed.entries == []
    assert client.get(path).content == client.get(path).content  # no clock in the bytes
