"""The dashboard and the incident list: grouping, "my roles", filters and pages."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.web.helpers import declare, post, sign_in


def _refs(html: str) -> list[str]:
    return re.findall(r'<span class="ref">(INC-\d+)</span>', html)


def test_dashboard_groups_active_incidents_and_shows_my_roles(
    client: TestClient, app: FastAPI, responder: User, admin: User
) -> None:
    csrf = sign_in(client, responder)
    sev3 = declare(client, csrf, severity="SEV3", title="Slow search")
    sev1 = declare(client, csrf, severity="SEV1", title="Checkout down")  # responder is IC
    other = declare(client, csrf, severity="SEV2", title="Other IC", commander=admin.email)
    done = declare(client, csrf, severity="SEV4", title="Resolved already")
    post(client, f"/incidents/{done}/status", csrf, status="resolved", version=1)

    page = client.get("/").text
    active, mine = page.split("<h2>My roles</h2>")
    assert _refs(active) == [sev1, other, sev3]  # most severe first
    assert "Resolved already" not in page
    assert 'id="group-SEV1"' in active
    assert 'id="group-SEV4"' not in active
    assert f">{sev1}</a> <strong>Incident commander</strong>" in mine
    assert other not in mine


def test_list_filters_by_status_severity_and_kind(client: TestClient, responder: User) -> None:
    csrf = sign_in(client, responder)
    a = declare(client, csrf, severity="SEV3", title="Alpha")
    b = declare(client, csrf, severity="SEV2", kind="security", title="Beta")
    post(client, f"/incidents/{a}/status", csrf, status="resolved", version=1)

    assert _refs(client.get("/incidents").text) == [b, a]
    assert _refs(client.get("/incidents?status=active").text) == [b]
    assert _refs(client.get("/incidents?status=resolved").text) == [a]
    assert _refs(client.get("/incidents?severity=SEV3&severity=SEV2").text) == [b, a]
    assert _refs(client.get("/incidents?kind=security").text) == [b]
    bad = client.get("/incidents?status=sleeping")
    assert bad.status_code == 200
    assert "choose from active" in bad.text


def test_list_since_uses_the_viewers_day(client: TestClient, responder: User, clock: Clock) -> None:
    csrf = sign_in(client, responder)
    old = declare(client, csrf, title="Old")
    clock.advance(days=2)
    new = declare(client, csrf, title="New")
    assert _refs(client.get("/incidents?since=2026-11-24").text) == [new]
    assert _refs(client.get("/incidents?since=2026-11-23").text) == [new, old]


def test_list_pages_with_a_cursor(client: TestClient, responder: User) -> None:
    csrf = sign_in(client, responder)
    refs = [declare(client, csrf, severity="SEV4", title=f"n{i}") for i in range(52)]
    first = client.get("/incidents?severity=SEV4").text
    assert _refs(first) == refs[::-1][:50]
    older = re.search(r'href="([^"]+)" rel="next"', first)
    assert older is not None
    second = client.get(older.group(1).replace("&amp;", "&")).text
    assert _refs(second) == refs[::-1][50:]
    assert 'rel="next"' not in second
    bad = client.get("/incidents?cursor=garbage")
    assert "not a cursor this server issued" in bad.text
