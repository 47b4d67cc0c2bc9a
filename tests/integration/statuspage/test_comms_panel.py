"""The war room's communications panel (SQLite and PostgreSQL): a SEV1 shows when its next
update is due, turns overdue when the cadence passes, and the one form sends an update to the
audiences ticked, restarting the clock."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock, User
from tests.integration.web.helpers import declare, post, sign_in
from warroom.db import transaction
from warroom.statuspage.models import CommsUpdate


def panel(client: TestClient, ref: str) -> str:
    html = client.get(f"/incidents/{ref}").text
    found = re.search(r'<section[^>]* id="communications".*?</section>', html, re.S)
    assert found, "no communications panel"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))


def test_the_panel_counts_down_turns_overdue_and_sends_an_update(
    app: FastAPI, client: TestClient, responder: User, clock: Clock
) -> None:
    csrf = sign_in(client, responder)
    ref = declare(client, csrf, severity="SEV1")
    shown = panel(client, ref)
    assert "an update every 30 min for a SEV1" in shown
    assert "Next update due at 22:30 (in 30 min)" in shown
    clock.advance(minutes=34)
    assert "Update overdue by 4 min" in panel(client, ref)

    fields = {"audiences": ["stakeholders"], "what_happened": "Checkout fails.",
              "doing": "Rolling back release 4.2.", "next_in": "15"}  # fmt: skip
    answer = post(client, f"/incidents/{ref}/comms-updates", csrf, **fields)
    assert answer.status_code == 303
    assert answer.headers["location"].endswith("#communications")
    shown = panel(client, ref)
    assert "Next update due at 22:49 (in 15 min)" in shown
    assert "Checkout fails." in shown
    with transaction(app.state.sessions) as session:
        (row,) = session.scalars(select(CommsUpdate)).all()
        assert row.audiences == ["stakeholders"]


def test_a_form_without_an_audience_sends_nothing_and_says_why(
    app: FastAPI, client: TestClient, responder: User, clock: Clock
) -> None:
    csrf = sign_in(client, responder)
    ref = declare(client, csrf, severity="SEV2")
    fields = {"what_happened": "Slow.", "doing": "Looking.", "next_in": "30"}
    answer = post(client, f"/incidents/{ref}/comms-updates", csrf, **fields)
    assert answer.status_code == 303
    html = client.get(answer.headers["location"].split("#")[0]).text
    assert "Not sent: audiences" in html
    with transaction(app.state.sessions) as session:
        assert session.scalars(select(CommsUpdate)).all() == []
