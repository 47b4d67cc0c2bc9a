"""The public HTML page on SQLite and PostgreSQL: components by group with their uptime bars, a
quiet component hidden until it degrades, history, one page per published incident (and none
for a draft), and the static export's documents byte for byte what the routes serve."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.integration.statuspage.public_helpers import seed
from warroom.db import transaction
from warroom.statuspage import components
from warroom.statuspage.public import JSON_DOCUMENTS
from warroom.statuspage.public_site import documents
from warroom.statuspage.rules import ComponentStatus
from warroom.statuspage.schemas import ComponentIn


def section(html: str, ident: str) -> str:
    found = re.search(rf'<section id="{ident}".*?</section>', html, re.DOTALL)
    assert found, f"no section {ident}"
    return found.group(0)


def quiet_component(app: FastAPI, clock: Clock) -> None:
    data = ComponentIn(name="Webhooks", position=9, only_show_if_degraded=True)
    with transaction(app.state.sessions) as session:
        components.do_create_component(session=session, data=data, now=clock.now)


def test_the_page_shows_groups_bars_and_history(
    app: FastAPI, client: TestClient, clock: Clock
) -> None:
    seeded = seed(app, clock, internal_ref="")
    quiet_component(app, clock)
    html = client.get("/status").text
    assert "Major System Outage" in section(html, "overall")
    shown = section(html, "components")
    assert shown.index("Shop") < shown.index("Checkout") < shown.index("Search")
    assert f'id="group-{seeded.codes["Shop"]}" data-status="major_outage"' in shown
    assert shown.count('<svg class="sp-bars"') == 3
    assert shown.count("<rect ") == 3 * 90
    assert "Webhooks" not in shown  # operational, and shown only when degraded
    assert "Index rebuild" in section(html, "maintenance-upcoming")
    assert "Cache upgrade" in section(html, "maintenance-active")
    assert "Slow search" in section(html, "history")

    clock.advance(minutes=1)
    with transaction(app.state.sessions) as session:
        hooks = components.access_component(session=session, ref="Webhooks")
        status = ComponentStatus.partial_outage
        components.do_set_status(session=session, component=hooks, status=status, now=clock.now)
    assert "Webhooks" in section(client.get("/status").text, "components")


def test_one_page_per_published_incident(app: FastAPI, client: TestClient, clock: Clock) -> None:
    seeded = seed(app, clock, internal_ref="")
    page = client.get(f"/status/incidents/{seeded.resolved}")
    assert page.status_code == 200
    assert "Fast again." in page.text
    assert "Searches are slow." in page.text
    for code in (seeded.draft, "nosuchcode00"):
        missing = client.get(f"/status/incidents/{code}")
        assert missing.status_code == 404
        assert "Not found" in missing.text


def test_the_export_serves_the_same_bytes(app: FastAPI, client: TestClient, clock: Clock) -> None:
    seed(app, clock, internal_ref="")
    with transaction(app.state.sessions) as session:
        served = documents(session, app.state.settings, clock.now)
    assert set(JSON_DOCUMENTS) | {"/history.atom", "/history.rss", "/status"} <= set(served)
    assert len([p for p in served if p.startswith("/status/incidents/")]) == 4
    for path, body in served.items():
        assert client.get(path).content == body, path
