"""A responder imports a CSV file of public mentions on the Mentions page (headless Chromium),
finds the angry one waiting in the outreach queue, and marks it contacted with a note."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from tests.conftest import LiveServer, make_user
from warroom.access.rules import Role

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 10_000
ANGRY = "The Kestrel shop has been down for an hour. Useless, terrible service, I am furious!"
HAPPY = "Kestrel support sorted my order in minutes, great people."


def mentions_csv() -> bytes:
    stamp = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    rows = [f'"{HAPPY}",{stamp},@kim,https://social.example/1',
            f'"{ANGRY}",{stamp},@sam,https://social.example/2']  # fmt: skip
    return ("text,posted_at,author,url\n" + "\n".join(rows) + "\n").encode()


@pytest.fixture
def tab(browser: Any, live_server: LiveServer, live_app: FastAPI) -> Iterator[Any]:
    responder = make_user(live_app, Role.responder, "Rosa Responder")
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=email]", responder.email)
    page.fill("input[name=password]", responder.password)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{live_server.url}/")
    yield page
    context.close()


def test_a_responder_imports_mentions_and_answers_the_angry_one(
    tab: Any, live_server: LiveServer
) -> None:
    blocked: list[str] = []
    tab.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security" in msg.text else None
    )
    tab.click("nav.nav a:has-text('Mentions')")
    tab.wait_for_url(f"{live_server.url}/mentions")
    assert "Nobody is waiting for an answer." in tab.inner_text("#outreach-queue")

    upload = {"name": "mentions.csv", "mimeType": "text/csv", "buffer": mentions_csv()}
    tab.set_input_files("#csv-import input[name=file]", files=[upload])
    tab.fill("#csv-import input[name=source]", "survey")
    tab.click("#csv-import button:has-text('Import')")
    tab.wait_for_selector(".flash:has-text('Imported 2 new of 2 mentions; 1 queued')")

    queue = tab.locator("#outreach-queue li.mention")
    assert queue.count() == 1, "only the angry one needs an answer"
    angry = queue.first
    assert ANGRY in angry.inner_text()
    assert "@sam on survey" in angry.inner_text()
    angry.locator("input[name=note]").fill("Replied with the status page link")
    angry.get_by_role("button", name="Mark contacted").click()

    tab.wait_for_selector(".flash:has-text('Mention from @sam marked contacted.')")
    assert tab.locator("#outreach-queue li.mention").count() == 0
    tab.click("nav.cat-tabs a:has-text('Contacted')")
    tab.wait_for_url(f"{live_server.url}/mentions?outreach=contacted")
    answered = tab.locator("#outreach-queue li.mention").first
    assert "Replied with the status page link" in answered.inner_text()
    assert blocked == [], "the page must work under the CSP"
