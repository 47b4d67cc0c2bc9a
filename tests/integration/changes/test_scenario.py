"""The case behind the change gate, on SQLite and PostgreSQL: an antivirus alert storm hits the
servers of a tier-1 service, a patch-and-reboot of those servers is scheduled later the same
day, its people are told of the conflict (by real email), the incident commander holds it,
and starting it needs an override that records who and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User, make_user
from tests.integration.alerts.storm import Sent, incidents, seed_integration, seed_service, send
from tests.integration.changes.helpers import iso, notices, ok, patch, reasons, show
from tests.integration.incidents.helpers import timeline
from tests.integration.oncall.outbox_helpers import add_method, smtp_server
from warroom.access.models import Person, Team
from warroom.access.rules import Role
from warroom.db import transaction
from warroom.incidents.rules import format_ref
from warroom.oncall.worker import Worker

HOSTS = [f"fs{n:02d}.corp" for n in range(40)]
MORNING = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def file_servers(app: FastAPI, commander: User) -> int:
    """The tier-1 ``fileservers`` service on 40 hosts, owned by a team ``commander`` leads (so
    the incident warroom declares gets them as its commander); the alert source's id."""
    with transaction(app.state.sessions) as session:
        lead = session.get(Person, commander.person_id)
        service = seed_service(session, "fileservers", 1, HOSTS)
        service.owner_team = Team(name="Storage", lead=lead, members=[lead])
        return seed_integration(session).id


def storm(app: FastAPI, clock: Clock, source: int, hosts: list[str]) -> None:
    for host in hosts:
        send(app.state.sessions, source, [Sent(host)], clock.advance(seconds=5))


def mailer(app: FastAPI, clock: Clock, port: int) -> Worker:
    settings = app.state.settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_from": "ops@warroom.test"}
    )
    return Worker.build(app.state.sessions, clock, settings, app.state.secret_key)


def test_a_patch_and_reboot_during_an_antivirus_storm_is_held_and_starts_only_on_override(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    clock.now = MORNING
    commander = make_user(app, Role.responder, "Irene Commander")
    owner = make_user(app, Role.responder, "Oscar Owner")
    implementer = make_user(app, Role.responder, "Ivan Implementer")
    authority = make_user(app, Role.responder, "Alma Authority")
    source = file_servers(app, commander)

    # (1) The storm: the fifth host opens a major incident on fileservers.
    storm(app, clock, source, HOSTS[:8])
    (incident,) = incidents(app.state.sessions)
    ref = format_ref(incident.id)
    assert incident.severity in ("SEV1", "SEV2")

    # (2) A patch-and-reboot of those servers, planned for this evening.
    evening = MORNING.replace(hour=20)
    body = {
        "title": "Monthly patch and reboot of the file servers",
        "type": "normal",
        "planned_start": iso(evening),
        "planned_end": iso(evening + timedelta(hours=2)),
        "services": ["fileservers"],
        "assets": HOSTS[:3],
        "reboot_required": True,
        "implementer": implementer.email,
        "authority": authority.email,
        "submit": True,
    }
    change = ok(client.post("/api/v1/changes", json=body, headers=owner.headers), 201)
    chg = change["ref"]
    assert change["risk"] == "high"  # tier 1 and a reboot
    url = f"/api/v1/changes/{chg}/approvals"
    ok(client.post(url, json={"comment": "monthly window"}, headers=authority.headers))
    ok(patch(client, owner, chg, state="scheduled"))

    # (3) The change shows the conflict; its people and the commander are told.
    (conflict,) = show(client, owner, chg)["conflicts"]
    assert (conflict["reason"], conflict["severity"], conflict["incident"]) == (
        "incident",
        "critical",
        ref,
    )
    assert "fileservers" in conflict["detail"]
    assert reasons(client, owner, chg) == [("incident", "critical")]
    told = notices(app, f"Change conflict: {chg}")
    assert sorted(d.address for d in told) == sorted(
        [owner.email, implementer.email, authority.email, commander.email]
    )
    assert all(d.incident_id == incident.id for d in told)
    at_risk = ok(client.get(f"/api/v1/incidents/{ref}/changes", headers=commander.headers))
    assert [(c["change"]["ref"], c["conflict"]["reason"]) for c in at_risk] == [(chg, "incident")]
    entries = [e for e in timeline(client, commander, ref) if e["kind"] == "change_at_risk"]
    assert [chg in e["text"] for e in entries] == [True]
    with smtp_server() as (inbox, port):
        mailer(app, clock, port).tick()
        mails = {m["To"]: m for m in inbox.snapshot()}
    mail = mails[owner.email]
    assert f"Change conflict: {chg} Monthly patch and reboot" in mail["Subject"]
    text = mail.get_content()
    assert f"[critical] incident {ref}" in text
    assert f"/changes/{change['id']}" in text

    # (4) The commander holds it: on the change's log and on the incident's timeline.
    clock.advance(minutes=10)
    hold = f"/api/v1/changes/{chg}/hold"
    reason = "AV storm on these servers; no reboots until it is contained"
    held = ok(client.post(hold, json={"reason": reason}, headers=commander.headers))
    assert (held["state"], held["held_from"]) == ("on_hold", "scheduled")
    (logged,) = [e for e in held["log"] if e["kind"] == "held"]
    assert (logged["actor"]["email"], logged["text"], logged["data"]["incidents"]) == (
        commander.email,
        reason,
        [ref],
    )
    (noted,) = [e for e in timeline(client, admin, ref) if e["kind"] == "change_held"]
    assert noted["text"] == f"Irene Commander held change {chg} '{body['title']}': {reason}"
    assert noted["actor"]["email"] == commander.email
    assert {d.address for d in notices(app, f"On hold: {chg}")} == {
        owner.email,
        implementer.email,
    }

    # (5) Released, the start is refused while the conflict stands, then overridden.
    clock.advance(hours=1)
    release = f"/api/v1/changes/{chg}/release"
    ok(client.post(release, json={"reason": "vendor fix must go out"}, headers=commander.headers))
    refused = patch(client, implementer, chg, state="in_progress")
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    listed = refused.json()["conflicts"]
    assert [(c["reason"], c["severity"], c["incident"]) for c in listed] == [
        ("incident", "critical", ref)
    ]
    assert show(client, owner, chg)["state"] == "scheduled"
    why = "The patch removes the agent crash that causes the storm"
    started = ok(patch(client, implementer, chg, state="in_progress", override_reason=why))
    assert started["state"] == "in_progress"
    assert started["override_reason"] == why
    assert started["override_by"]["email"] == implementer.email
    assert started["override_at"].startswith(iso(clock.now)[:19])
    (override,) = [e for e in started["log"] if e["kind"] == "override"]
    assert override["actor"]["email"] == implementer.email
    assert override["text"] == f"Started despite 1 conflict(s): {why}"


def test_a_change_planned_before_the_storm_learns_of_it_as_the_alert_group_grows(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    clock.now = MORNING
    commander = make_user(app, Role.responder, "Irene Commander")
    owner = make_user(app, Role.responder, "Oscar Owner")
    source = file_servers(app, commander)
    # The owner's paging contact, not their account's address, hears of conflicts.
    pager = "oscar.pager@example.com"
    add_method(app.state.sessions, owner.person_id, "email", pager, created_at=clock.now)
    body = {
        "title": "Reboot fs02",
        "planned_start": iso(MORNING.replace(hour=20)),
        "planned_end": iso(MORNING.replace(hour=21)),
        "assets": [HOSTS[2]],
    }
    change = ok(client.post("/api/v1/changes", json=body, headers=owner.headers), 201)
    assert change["conflicts"] == []
    # Two hosts far from the change's: a firing group on the same service, not yet an incident.
    storm(app, clock, source, [HOSTS[10], HOSTS[11]])
    assert incidents(app.state.sessions) == []
    kept = show(client, owner, change["ref"])["conflicts"]
    assert [(c["reason"], c["incident"]) for c in kept] == [("alert_group", None)]
    assert [d.address for d in notices(app, "Change conflict")] == [pager]
    # The group reaches the change's own host, then crosses the threshold: an incident.
    storm(app, clock, source, [HOSTS[2], HOSTS[12], HOSTS[13]])
    (incident,) = incidents(app.state.sessions)
    kept = show(client, owner, change["ref"])["conflicts"]
    assert [(c["reason"], c["severity"], c["incident"]) for c in kept] == [
        ("incident", "critical", format_ref(incident.id))
    ]
    assert HOSTS[2] in kept[0]["data"]["hosts"]
    told = notices(app, "Change conflict")
    assert [d.address for d in told] == [pager, pager]
    # The commander, named just after the incident opened, is briefed on the changes at risk.
    (brief,) = notices(app, f"Changes at risk during {format_ref(incident.id)}")
    assert brief.address == commander.email
    assert change["ref"] in brief.body
