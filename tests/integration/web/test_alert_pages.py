"""The alert pages: the board with its filters, acknowledge and resolve from the web, alert
groups and "declare an incident from these alerts", integrations (the key shown once),
maintenance windows, and the war room's alert-group panel."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock, User
from tests.integration.alerts.ingest_helpers import am_alert, am_body, make_integration
from tests.integration.web.helpers import post, sign_in
from warroom.alerts.models import Alert, AlertGroup, MaintenanceWindow
from warroom.db import transaction


def send(client: TestClient, key: str, *alerts: dict[str, object]) -> None:
    answer = client.post(f"/api/v1/integrations/alertmanager/{key}", json=am_body(*alerts))
    assert answer.status_code == 202, answer.text


def alert_status(app: FastAPI, summary: str) -> str:
    with transaction(app.state.sessions) as session:
        row = session.scalars(select(Alert).where(Alert.summary == summary)).one()
        return row.status


def alert_id(app: FastAPI, summary: str) -> int:
    with transaction(app.state.sessions) as session:
        return session.scalars(select(Alert.id).where(Alert.summary == summary)).one()


def only_group(app: FastAPI) -> AlertGroup:
    with transaction(app.state.sessions) as session:
        group = session.scalars(select(AlertGroup)).one()
        session.expunge(group)
        return group


def section(html: str, title: str) -> str:
    """The HTML of one board section (Open, Recently resolved)."""
    found = re.search(rf'<h2 id="\w+-title">{title}.*?</section>', html, re.S)
    assert found, f"no section {title!r}"
    return found.group(0)


def flash_of(html: str) -> str:
    found = re.search(r'<p class="flash" role="status">([^<]*)</p>', html)
    return found.group(1) if found else ""


def storm(client: TestClient, key: str, hosts: int, name: str = "AntivirusDetection") -> None:
    send(client, key, *(am_alert(f"web-{n}", name=name) for n in range(1, hosts + 1)))


# --- the board ---------------------------------------------------------------------------------


def test_board_shows_open_alerts_first_and_filters_them(
    client: TestClient, app: FastAPI, admin: User, viewer: User
) -> None:
    key = make_integration(client, admin, "alertmanager", "prometheus")
    send(
        client,
        key,
        am_alert("web-1", name="HighCPU"),
        am_alert("db-1", name="DiskFull", severity="critical"),
        am_alert("cache-1", name="Evictions"),
    )
    send(client, key, am_alert("cache-1", name="Evictions", status="resolved"))
    sign_in(client, viewer)

    page = client.get("/alerts").text
    opened, resolved = section(page, "Open"), section(page, "Recently resolved")
    assert "HighCPU on web-1" in opened
    assert "DiskFull on db-1" in opened
    assert "Evictions on cache-1" not in opened
    assert "Evictions on cache-1" in resolved
    # The most severe open alert comes first.
    assert opened.index("DiskFull on db-1") < opened.index("HighCPU on web-1")
    assert '/acknowledge"' not in page, "a viewer is offered no buttons"

    critical = section(client.get("/alerts?severity=critical").text, "Open")
    assert "DiskFull on db-1" in critical
    assert "HighCPU on web-1" not in critical
    searched = client.get("/alerts?q=WEB-1").text
    assert "HighCPU on web-1" in searched
    assert "DiskFull on db-1" not in searched
    only_resolved = client.get("/alerts?status=resolved").text
    assert "No open alerts match." in only_resolved
    assert "Evictions on cache-1" in only_resolved
    assert "HighCPU" not in section(client.get("/alerts?integration=other").text, "Open")
    assert "choose from critical" in client.get("/alerts?severity=loud").text


def test_alert_detail_shows_labels_history_and_the_escaped_payload(
    client: TestClient, app: FastAPI, admin: User, viewer: User
) -> None:
    key = make_integration(client, admin, "alertmanager", "prometheus")
    send(client, key, am_alert("web-1", name="HighCPU", team="<b>ops</b>"))
    sign_in(client, viewer)
    page = client.get(f"/alerts/{alert_id(app, 'HighCPU on web-1')}").text
    assert "HighCPU on web-1" in page
    assert "&lt;b&gt;ops&lt;/b&gt;" in page
    assert "<b>ops</b>" not in page
    assert "Raw payload" in page
    assert "fp-HighCPU-web-1" in page
    assert "Firing" in page
    assert client.get("/alerts/99999").status_code == 404


# --- acknowledge and resolve -----------------------------------------------------------------


def test_acknowledge_and_resolve_through_the_forms(
    client: TestClient, app: FastAPI, admin: User, responder: User, clock: Clock
) -> None:
    key = make_integration(client, admin, "alertmanager", "prometheus")
    send(client, key, am_alert("web-1", name="HighCPU"))
    number = alert_id(app, "HighCPU on web-1")
    csrf = sign_in(client, responder)
    board = client.get("/alerts").text
    assert f'action="/alerts/{number}/acknowledge"' in board

    answer = post(client, f"/alerts/{number}/acknowledge", csrf, next="/alerts?q=web")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/alerts?q=web"
    assert alert_status(app, "HighCPU on web-1") == "acknowledged"
    assert "is acknowledged" in flash_of(client.get("/alerts").text)

    clock.advance(minutes=3)
    answer = post(client, f"/alerts/{number}/resolve", csrf, next=f"/alerts/{number}")
    assert answer.headers["location"] == f"/alerts/{number}"
    detail = client.get(f"/alerts/{number}").text
    assert alert_status(app, "HighCPU on web-1") == "resolved"
    assert detail.count("astatus-resolved") >= 2, "now resolved, and so in the history"

    # A resolved alert cannot be acknowledged: the refusal is the message, nothing changes.
    post(client, f"/alerts/{number}/acknowledge", csrf)
    assert "the alert is resolved" in flash_of(client.get("/alerts").text)
    assert alert_status(app, "HighCPU on web-1") == "resolved"
    # Only local addresses are followed back.
    assert (
        post(client, f"/alerts/{number}/resolve", csrf, next="//evil.example").headers["location"]
        == "/"
    )


def test_acknowledge_needs_the_csrf_token_and_a_responder(
    client: TestClient, app: FastAPI, admin: User, responder: User, viewer: User
) -> None:
    key = make_integration(client, admin, "alertmanager", "prometheus")
    send(client, key, am_alert("web-1", name="HighCPU"))
    number = alert_id(app, "HighCPU on web-1")
    sign_in(client, responder)
    forged = client.post(f"/alerts/{number}/acknowledge", data={"csrf": "forged"})
    assert forged.status_code == 403
    assert client.post(f"/alerts/{number}/resolve", data={}).status_code == 403
    assert alert_status(app, "HighCPU on web-1") == "firing"

    csrf = sign_in(client, viewer)
    assert post(client, f"/alerts/{number}/acknowledge", csrf).status_code == 403
    assert post(client, f"/alerts/{number}/resolve", csrf).status_code == 403
    assert alert_status(app, "HighCPU on web-1") == "firing"


# --- alert groups ------------------------------------------------------------------------------


def test_declare_from_a_group_then_it_links_the_incident(
    client: TestClient, app: FastAPI, admin: User, responder: User
) -> None:
    key = make_integration(client, admin, "alertmanager", "prometheus")
    storm(client, key, 3)  # below the shipped rule's 5 hosts: no incident of its own
    group = only_group(app)
    assert group.incident_id is None
    csrf = sign_in(client, responder)
    page = client.get("/alert-groups").text
    assert "AntivirusDetection on 3 hosts" in page
    assert "Declare incident from these alerts" in page
    assert all(f"web-{n}" in page for n in (1, 2, 3))

    answer = post(client, f"/alert-groups/{group.id}/declare", csrf, severity="SEV2")
    assert answer.status_code == 303
    ref = answer.headers["location"].rsplit("/", 1)[1]
    room = client.get(answer.headers["location"]).text
    assert "declared as SEV2" in flash_of(room)
    page = client.get("/alert-groups").text
    assert f'href="/incidents/{ref}"' in page
    assert "Declare incident from these alerts" not in page
    assert f'href="/incidents/{ref}"' in client.get(f"/alert-groups/{group.id}").text

    again = post(client, f"/alert-groups/{group.id}/declare", csrf, next="/alert-groups")
    assert again.status_code == 303
    assert again.headers["location"] == "/alert-groups"
    assert "already belongs to an incident" in flash_of(client.get("/alert-groups").text)
    assert only_group(app).incident_id == int(ref.removeprefix("INC-"))


def test_group_page_lists_hosts_and_alerts_and_viewers_cannot_declare(
    client: TestClient, app: FastAPI, admin: User, viewer: User
) -> None:
    key = make_integration(client, admin, "alertmanager", "prometheus")
    storm(client, key, 2)
    group = only_group(app)
    csrf = sign_in(client, viewer)
    page = client.get(f"/alert-groups/{group.id}").text
    assert "AntivirusDetection on web-1" in page
    assert "AntivirusDetection on web-2" in page
    assert 'href="/catalog/assets/web-2"' in page
    assert "Declare incident from these alerts" not in page
    assert post(client, f"/alert-groups/{group.id}/declare", csrf).status_code == 403
    assert only_group(app).incident_id is None
    assert client.get("/alert-groups/4242").status_code == 404


def test_war_room_shows_its_alert_groups_with_counts_and_hosts(
    client: TestClient, app: FastAPI, admin: User, viewer: User
) -> None:
    key = make_integration(client, admin, "alertmanager", "prometheus")
    storm(client, key, 5)  # the shipped rule opens an incident at 5 hosts
    group = only_group(app)
    assert group.incident_id is not None
    ref = f"INC-{group.incident_id}"
    sign_in(client, viewer)

    def panel() -> str:
        room = client.get(f"/incidents/{ref}").text
        found = re.search(r'<section class="card room-alert-groups".*?</section>', room, re.S)
        assert found, "the room has no alert-group panel"
        return found.group(0)

    counts = re.compile(r'alert-total">(\d+)<.*?host-total">(\d+)<', re.S)
    assert counts.findall(panel()) == [("5", "5")]
    assert all(f"web-{n}" in panel() for n in range(1, 6))
    storm(client, key, 7)
    assert counts.findall(panel()) == [("7", "7")]
    # A room without alert groups has no panel.
    other = client.post(
        "/api/v1/incidents", json={"title": "By hand", "severity": "SEV3"}, headers=admin.headers
    )
    assert other.status_code == 201, other.text
    assert "room-alert-groups" not in client.get(f"/incidents/{other.json()['ref']}").text


# --- integrations and maintenance windows ----------------------------------------------------


def test_a_new_integration_shows_its_key_once(
    client: TestClient, app: FastAPI, admin: User, responder: User
) -> None:
    csrf = sign_in(client, admin)
    answer = post(client, "/integrations", csrf, kind="alertmanager", name="prom-prod")
    assert answer.status_code == 200
    key = re.search(r'id="routing-key"[^>]*value="([0-9a-f]{32})"', answer.text)
    if key is None:
        key = re.search(r'value="([0-9a-f]{32})"[^>]*id="routing-key"', answer.text)
    assert key, "the routing key is on the result page"
    routing_key = key.group(1)
    assert f"/api/v1/integrations/alertmanager/{routing_key}" in answer.text
    send(client, routing_key, am_alert("web-1"))  # and it works

    listing = client.get("/integrations").text
    assert "prom-prod" in listing
    assert routing_key not in listing
    assert f"…{routing_key[-4:]}" in listing, "managers see the key's hint"

    pager = post(client, "/integrations", csrf, kind="pagerduty", name="legacy")
    assert "/v2/enqueue" in pager.text
    assert "https://events.pagerduty.com" in pager.text
    clash = post(client, "/integrations", csrf, kind="grafana", name="prom-prod")
    assert clash.status_code == 409
    assert "exists" in clash.text

    csrf = sign_in(client, responder)
    listing = client.get("/integrations").text
    assert "prom-prod" in listing
    assert f"…{routing_key[-4:]}" not in listing
    assert 'action="/integrations"' not in listing
    assert post(client, "/integrations", csrf, kind="grafana", name="x").status_code == 403


def test_integration_delete_stops_its_key(client: TestClient, app: FastAPI, admin: User) -> None:
    key = make_integration(client, admin, "alertmanager", "prometheus")
    csrf = sign_in(client, admin)
    number = re.search(r'action="/integrations/(\d+)/delete"', client.get("/integrations").text)
    assert number
    answer = post(client, f"/integrations/{number.group(1)}/delete", csrf)
    assert answer.status_code == 303
    assert "no longer works" in flash_of(client.get("/integrations").text)
    gone = client.post(f"/api/v1/integrations/alertmanager/{key}", json=am_body(am_alert("a")))
    assert gone.status_code == 404


def test_maintenance_windows_by_managers_only(
    client: TestClient, app: FastAPI, admin: User, responder: User
) -> None:
    csrf = sign_in(client, admin)
    window = {
        "name": "Patch rack 4",
        "starts_at": "2026-11-23T23:00",
        "ends_at": "2026-11-24T01:00",
    }
    bad = post(client, "/maintenance", csrf, **(window | {"ends_at": "2026-11-23T22:30"}))
    assert bad.status_code == 422
    assert "must be after starts_at" in bad.text
    answer = post(client, "/maintenance", csrf, **window, assets="web-1, web-2\ndb-1")
    assert answer.status_code == 303
    page = client.get("/maintenance").text
    assert "Patch rack 4" in page
    assert 'href="/catalog/assets/db-1"' in page
    with transaction(app.state.sessions) as session:
        stored = session.scalars(select(MaintenanceWindow)).one()
        assert stored.assets == ["web-1", "web-2", "db-1"]
        number = stored.id

    csrf = sign_in(client, responder)
    page = client.get("/maintenance").text
    assert "Patch rack 4" in page
    assert 'action="/maintenance"' not in page
    assert post(client, "/maintenance", csrf, **window, assets="x").status_code == 403
    assert post(client, f"/maintenance/{number}/delete", csrf).status_code == 403

    csrf = sign_in(client, admin)
    assert post(client, f"/maintenance/{number}/delete", csrf).status_code == 303
    assert "No open or upcoming maintenance windows." in client.get("/maintenance").text
