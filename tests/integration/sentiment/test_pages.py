"""The mentions page on SQLite and PostgreSQL: the outreach queue (most negative first, each
with its incident, score and source), answering a mention, the CSV import (a bad line named,
nothing stored), and the feeds polled; each role sees only what it may do."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from tests.conftest import Clock, User, make_user
from tests.integration.incidents.helpers import declare, seed_catalog
from tests.integration.web.helpers import post, sign_in
from warroom.access.rules import Role
from warroom.db import transaction
from warroom.sentiment.models import Mention, MentionFeed

ANGRY = "The Kestrel shop has been down for an hour. Useless, terrible service, I am furious!"
WORSE = "Kestrel lost my order, charged me twice and support is awful. Horrible, hateful mess!"
CALM = "Anyone else unable to order from Kestrel right now?"


def signed_in(app: FastAPI, user: User) -> tuple[TestClient, str]:
    browser = TestClient(app, raise_server_exceptions=False)
    return browser, sign_in(browser, user)


def upload(browser: TestClient, csrf: str, content: str, source: str = "survey") -> Response:
    files = {"file": ("mentions.csv", content.encode(), "text/csv")}
    data = {"csrf": csrf, "source": source}
    answer: Response = browser.post("/mentions/csv", data=data, files=files, follow_redirects=False)
    return answer


def add_feed(browser: TestClient, csrf: str, name: str, url: str) -> Response:
    # Not ``post``: its own ``url`` parameter would take the form's.
    data = {"csrf": csrf, "name": name, "url": url}
    answer: Response = browser.post("/mentions/feeds", data=data, follow_redirects=False)
    return answer


def csv_of(clock: Clock, *rows: tuple[str, str]) -> str:
    stamp = (clock.now - timedelta(minutes=1)).isoformat()
    lines = [f'"{text}",{stamp},{author},https://social.example/{n}'
             for n, (text, author) in enumerate(rows)]  # fmt: skip
    return "text,posted_at,author,url\n" + "\n".join(lines) + "\n"


def queue_texts(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'<p class="mention-text">“([^<]*)”</p>', html)]


def mention_row(html: str, text: str) -> str:
    for found in re.findall(r'<li class="row-item mention.*?</li>', html, re.S):
        if text in unescape(found):
            return str(unescape(found))
    raise AssertionError(f"no mention {text!r} listed")


def mentions(app: FastAPI) -> dict[str, Mention]:
    with transaction(app.state.sessions) as session:
        rows = list(session.scalars(select(Mention)))
        session.expunge_all()
        return {m.text: m for m in rows}


def feed_count(app: FastAPI) -> int:
    with transaction(app.state.sessions) as session:
        return session.scalar(select(func.count()).select_from(MentionFeed)) or 0


def test_a_csv_upload_fills_the_queue_most_negative_first_with_the_incident(
    client: TestClient, app: FastAPI, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    ref = declare(client, admin, severity="SEV1", services=["orders"])["ref"]
    clock.advance(minutes=20)
    browser, csrf = signed_in(app, responder)

    done = upload(browser, csrf, csv_of(clock, (CALM, "@kim"), (ANGRY, "@sam"), (WORSE, "@lee")))
    assert done.status_code == 303
    page = browser.get(done.headers["location"]).text
    assert "Imported 3 new of 3 mentions; 2 queued for outreach." in unescape(page)
    assert queue_texts(page) == [WORSE, ANGRY], "the calm one needs no answer"
    stored = mentions(app)
    assert stored[WORSE].score < stored[ANGRY].score < -0.6
    row = mention_row(page, ANGRY)
    assert f'href="/incidents/{ref}"' in row
    assert "@sam on survey" in row
    assert f"score {stored[ANGRY].score:.2f}" in re.sub(r"<[^>]+>", "", row)
    assert 'href="https://social.example/1"' in row

    again = upload(browser, csrf, csv_of(clock, (ANGRY, "@sam")))
    assert "Imported 0 new of 1 mentions" in unescape(browser.get(again.headers["location"]).text)


def test_a_bad_line_is_named_and_nothing_is_stored(
    app: FastAPI, client: TestClient, responder: User, clock: Clock
) -> None:
    browser, csrf = signed_in(app, responder)
    good = csv_of(clock, (ANGRY, "@sam"))
    bad = good + "no time given,,@kim\n"

    refused = upload(browser, csrf, bad)
    assert refused.status_code == 422
    assert re.search(r'<span class="field-error">line 3, posted_at: [^<]+</span>', refused.text)
    assert 'value="survey"' in refused.text, "the source typed is kept"
    assert mentions(app) == {}
    headless = upload(browser, csrf, "words,when\nhello,now\n")
    assert headless.status_code == 422
    assert "the header needs posted_at, text" in headless.text
    assert mentions(app) == {}


def test_a_responder_marks_a_mention_contacted_with_a_note(
    app: FastAPI, client: TestClient, responder: User, clock: Clock
) -> None:
    browser, csrf = signed_in(app, responder)
    upload(browser, csrf, csv_of(clock, (ANGRY, "@sam")))
    angry = mentions(app)[ANGRY]

    note = "Sent a direct message with the refund link"
    answer = post(browser, f"/mentions/{angry.id}/outreach", csrf, status="contacted", note=note)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/mentions?outreach=queued"
    page = browser.get(answer.headers["location"]).text
    assert "Mention from @sam marked contacted." in page
    assert queue_texts(page) == []
    after = mentions(app)[ANGRY]
    assert (after.outreach, after.outreach_note) == ("contacted", note)
    assert after.outreach_by_id == responder.person_id
    contacted = browser.get("/mentions?outreach=contacted").text
    assert note in mention_row(contacted, ANGRY)
    buttons = re.findall(r'name="status" value="(\w+)"', mention_row(contacted, ANGRY))
    assert buttons == ["resolved", "ignored"], "no button for what it is already"

    made_up = post(browser, f"/mentions/{angry.id}/outreach", csrf, status="forgotten")
    assert made_up.status_code == 422
    assert mentions(app)[ANGRY].outreach == "contacted"


def test_a_viewer_reads_the_queue_without_forms_and_forged_posts_are_refused(
    app: FastAPI, client: TestClient, responder: User, viewer: User, clock: Clock
) -> None:
    uploader, token = signed_in(app, responder)
    upload(uploader, token, csv_of(clock, (ANGRY, "@sam")))
    angry = mentions(app)[ANGRY]
    browser, csrf = signed_in(app, viewer)

    page = browser.get("/mentions").text
    assert queue_texts(page) == [ANGRY]
    assert 'action="/mentions' not in page, "a viewer is offered no form"
    assert (
        post(browser, f"/mentions/{angry.id}/outreach", csrf, status="ignored").status_code == 403
    )
    assert upload(browser, csrf, csv_of(clock, (WORSE, "@lee"))).status_code == 403
    forged = uploader.post(
        f"/mentions/{angry.id}/outreach", data={"status": "ignored"}, follow_redirects=False
    )
    assert forged.status_code == 403
    assert set(mentions(app)) == {ANGRY}
    assert mentions(app)[ANGRY].outreach == "queued"
    wrong = browser.get("/mentions?outreach=everything")
    assert "choose from queued" in wrong.text


def test_managers_add_and_remove_feeds_and_see_their_last_poll(
    app: FastAPI, client: TestClient, responder: User
) -> None:
    manager = make_user(app, Role.manager, "Mona Manager")
    browser, csrf = signed_in(app, manager)
    url = "https://news.example.com/search.rss?q=kestrel"

    added = add_feed(browser, csrf, "news: kestrel", url)
    assert added.status_code == 303
    page = browser.get("/mentions").text
    row = re.search(r'<tr id="feed-(\d+)".*?</tr>', page, re.S)
    assert row, "the feed is listed"
    assert "news: kestrel" in row.group(0)
    assert "not yet" in row.group(0), "never polled"

    twice = add_feed(browser, csrf, "news: kestrel", url)
    assert twice.status_code == 409
    bad = add_feed(browser, csrf, "other", "gopher://x")
    assert bad.status_code == 422
    assert 'value="gopher://x"' in bad.text
    assert re.search(r'<span class="field-error">[^<]+</span>', bad.text)
    assert feed_count(app) == 1

    other, token = signed_in(app, responder)
    assert 'action="/mentions/feeds' not in other.get("/mentions").text
    refused = post(other, f"/mentions/feeds/{row.group(1)}/delete", token)
    assert refused.status_code == 403
    assert post(browser, f"/mentions/feeds/{row.group(1)}/delete", csrf).status_code == 303
    assert feed_count(app) == 0
