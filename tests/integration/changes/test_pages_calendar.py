"""The change calendar (a week and a month, with windows and who is on call) and the windows
page, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock, User, make_user
from tests.integration.changes.page_helpers import (
    api_change,
    count,
    flash_of,
    ok,
    section,
    seed_catalog,
    window_table,
)
from tests.integration.oncall.paging_helpers import make_schedule
from tests.integration.web.helpers import post, sign_in
from warroom.access.rules import Role
from warroom.alerts.models import MaintenanceWindow
from warroom.db import transaction


def test_the_calendar_shows_changes_windows_and_who_is_on_call(
    client: TestClient, app: FastAPI, admin: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    change_id = api_change(client, admin, clock.now - timedelta(hours=3))  # Mon 23 Nov 19:00
    freeze = {
        "name": "Year-end freeze",
        "kind": "freeze",
        "starts_at": "2026-11-25T00:00:00Z",
        "ends_at": "2026-11-26T00:00:00Z",
    }
    ok(client.post("/api/v1/windows", json=freeze, headers=admin.headers), 201)
    weekly = {
        "name": "Saturday patching",
        "starts_at": "2026-11-07T06:00:00Z",
        "ends_at": "2026-11-07T08:00:00Z",
        "services": ["wiki"],
        "rrule": "FREQ=WEEKLY;BYDAY=SA",
    }
    ok(client.post("/api/v1/windows", json=weekly, headers=admin.headers), 201)
    make_schedule(app, "Orders primary", admin.person_id)
    sign_in(client, admin)

    week = client.get("/changes/calendar?view=week&date=2026-11-24").text
    assert "23 Nov to 29 Nov 2026" in week
    assert f"CHG-{change_id}" in section(week, "day-2026-11-23")
    assert "Year-end freeze" in section(week, "day-2026-11-25")
    assert "Year-end freeze" not in section(week, "day-2026-11-24")
    assert "Saturday patching" in section(week, "day-2026-11-28"), "a repeat, expanded"
    assert "Orders primary:</span> Ada Admin" in section(week, "day-2026-11-27")
    assert 'date=2026-11-17" rel="prev"' in week
    assert 'date=2026-12-01" rel="next"' in week
    assert "/calendar/changes/" in week, "the feed's address"

    month = client.get("/changes/calendar?view=month&date=2026-11-24").text
    assert "November 2026" in month
    assert month.count('class="cal-day') == 42  # 26 Oct to 6 Dec: six whole weeks
    assert section(month, "day-2026-11-14").count("Saturday patching") == 1
    assert 'date=2026-10-01" rel="prev"' in month
    assert "use a date like" in client.get("/changes/calendar?date=soon").text

    # Days are the viewer's: midnight UTC on the 25th is the evening of the 24th in New York.
    sign_in(client, make_user(app, Role.viewer, "Nina York", timezone="America/New_York"))
    week = client.get("/changes/calendar?view=week&date=2026-11-24").text
    assert "Year-end freeze" in section(week, "day-2026-11-24")
    assert "24 Nov 19:00 to 25 Nov 19:00" in section(week, "day-2026-11-24")


def test_windows_page_creates_lists_and_deletes_for_managers_only(
    client: TestClient, app: FastAPI, admin: User, responder: User
) -> None:
    seed_catalog(client, admin)
    csrf = sign_in(client, responder)
    assert 'id="new-window"' not in client.get("/windows").text
    form = {"name": "Wiki patching", "kind": "maintenance", "services": ["wiki"]}
    form |= {"starts_at": "2026-11-27T00:00", "ends_at": "2026-11-27T02:00"}
    refused = post(client, "/windows", csrf, **form)
    assert refused.status_code == 403
    assert "need the manager role" in refused.text
    assert count(app, MaintenanceWindow) == 0

    csrf = sign_in(client, admin)
    bad = post(client, "/windows", csrf, **(form | {"rrule": "EVERY DAY"}))
    assert bad.status_code == 422
    assert 'value="EVERY DAY"' in bad.text, "what was typed is kept"
    assert count(app, MaintenanceWindow) == 0
    assert post(client, "/windows", csrf, **form).status_code == 303
    page = client.get("/windows").text
    assert "Maintenance window “Wiki patching” saved." in flash_of(page)
    freeze = form | {"name": "Black Friday", "kind": "freeze", "services": []}
    assert post(client, "/windows", csrf, **freeze).status_code == 303
    page = client.get("/windows").text
    assert "Black Friday" in page
    assert "everything" in page, "a freeze naming no scope covers everything"
    with transaction(app.state.sessions) as session:
        rows = session.execute(select(MaintenanceWindow.name, MaintenanceWindow.id))
        ids: dict[str, int] = dict(rows.all())

    responder_csrf = sign_in(client, responder)
    assert post(client, f"/windows/{ids['Black Friday']}/delete", responder_csrf).status_code == 403
    csrf = sign_in(client, admin)
    assert post(client, f"/windows/{ids['Black Friday']}/delete", csrf).status_code == 303
    page = client.get("/windows").text
    assert flash_of(page) == "“Black Friday” deleted."
    assert "Black Friday" not in window_table(page)
    assert count(app, MaintenanceWindow) == 1
