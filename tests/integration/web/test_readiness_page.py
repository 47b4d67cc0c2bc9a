"""The readiness dashboard: score, trend, findings by severity with hints, filter by check."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.conftest import User
from tests.integration.catalog.test_readiness import seed_plan
from tests.integration.web.helpers import sign_in

FINDING = re.compile(r'data-finding="([^"]+)" data-check="([^"]+)"')


def findings(page: str) -> list[tuple[str, str]]:
    return [(html.unescape(i), c) for i, c in FINDING.findall(page)]


def section(page: str, finding_id: str) -> str:
    start = page.index(f'data-finding="{finding_id}"')
    return html.unescape(page[start : page.index("</li>", start)])


def test_the_page_lists_the_gaps_with_hints(client: TestClient, admin: User, viewer: User) -> None:
    seed_plan(client, admin)
    sign_in(client, viewer)
    page = client.get("/readiness")

    assert page.status_code == 200
    text = page.text
    assert 'href="/readiness" aria-current="page">Readiness</a>' in text
    score = re.search(r'id="score">(\d+)<', text)
    assert score is not None
    assert 0 <= int(score.group(1)) <= 60
    found = findings(text)
    assert ("eol_software:sales-01:av-engine@8.5.0", "eol_software") in found
    card = section(text, "eol_software:sales-01:av-engine@8.5.0")
    assert "sales-01" in card
    assert "What to do:</strong> upgrade av-engine 8.5.0 to 9.2" in card
    # Worst first: the critical group comes before the high one.
    assert text.index('id="group-critical"') < text.index('id="group-high"')
    assert found[0][1] == "internet_facing_eol"


def test_filtering_by_check_shows_only_that_check(
    client: TestClient, admin: User, viewer: User
) -> None:
    seed_plan(client, admin)
    sign_in(client, viewer)
    page = client.get("/readiness?check=eol_software").text

    assert {c for _, c in findings(page)} == {"eol_software"}
    assert len(findings(page)) == 2
    assert 'href="/readiness?check=eol_software" aria-current="page"' in page
    every = findings(client.get("/readiness?check=nonsense").text)
    assert {"no_runbook", "eol_software", "internet_facing_eol"} <= {c for _, c in every}


def test_each_visit_adds_a_point_to_the_trend(
    client: TestClient, admin: User, viewer: User
) -> None:
    seed_plan(client, admin)
    sign_in(client, viewer)
    first = client.get("/readiness").text
    assert "Score over the last 1 run:" in first
    assert 'id="delta"' not in first
    patch = {"runbook": "https://wiki.example/sales-ordering"}
    client.patch("/api/v1/services/sales-ordering", json=patch, headers=admin.headers)
    second = client.get("/readiness").text

    title = re.search(r"Score over the last 2 runs: (\d+), (\d+)<", second)
    assert title is not None
    before, after = int(title.group(1)), int(title.group(2))
    assert after > before
    assert f"+{after - before} since the previous run" in second
    points = re.search(r'<polyline[^>]* points="([^"]+)"', second)
    assert points is not None
    assert len(points.group(1).split()) == 2


def test_the_page_needs_a_sign_in(client: TestClient) -> None:
    answer = client.get("/readiness", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=%2Freadiness")
