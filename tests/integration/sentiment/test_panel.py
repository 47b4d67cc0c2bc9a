"""The war room's public sentiment panel (SQLite and PostgreSQL): absent without mentions,
then a chart and the angriest post once mentions arrive."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.web.helpers import declare, sign_in


def test_the_room_charts_mentions_once_there_are_some(
    client: TestClient, admin: User, clock: Clock
) -> None:
    csrf = sign_in(client, admin)
    ref = declare(client, csrf, severity="SEV1")
    assert 'id="public-sentiment"' not in client.get(f"/incidents/{ref}").text
    clock.advance(minutes=10)
    posted = (clock.now - timedelta(minutes=2)).isoformat()
    texts = ["Checkout is broken again, awful and infuriating!", "is checkout down for anyone?"]
    body = {"source": "social", "mentions": [{"text": t, "posted_at": posted} for t in texts]}
    assert client.post("/api/v1/mentions", json=body, headers=admin.headers).status_code == 201
    html = client.get(f"/incidents/{ref}").text
    assert 'id="public-sentiment"' in html
    assert "2 mentions, 50% negative" in html
    assert html.count('<rect class="volume"') >= 1
    assert "Checkout is broken again, awful and infuriating!" in html
