"""The storm behind the product: one event on 480 servers must become one incident, opened
the moment the fifth distinct host reports it, with the hosts listed on the group."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from tests.conftest import Clock
from tests.integration.alerts.storm import (
    Sent,
    groups,
    incidents,
    seed_integration,
    seed_service,
    send,
)
from warroom.alerts.models import AlertGroupMember
from warroom.db import transaction
from warroom.incidents.models import Incident, TimelineEvent

HOSTS = [f"srv{n:03d}.corp" for n in range(480)]


def _setup(app: FastAPI, tier: int = 1, hosts: list[str] = HOSTS) -> int:
    with transaction(app.state.sessions) as session:
        seed_service(session, "fileservers", tier, hosts)
        return seed_integration(session).id


def test_ten_thousand_alerts_from_480_hosts_open_one_incident_at_the_fifth_host(
    app: FastAPI, clock: Clock
) -> None:
    sessions = app.state.sessions
    integration = _setup(app)
    start = clock.now
    # The first four hosts, each reporting twice: many alerts, still only four hosts.
    for host in HOSTS[:4]:
        for n in range(2):
            send(sessions, integration, [Sent(host, dedup=f"{host}/{n}")], clock.advance(seconds=5))
            assert incidents(sessions) == [], f"declared before the fifth host ({host})"
    fifth_at = clock.advance(seconds=5)
    send(sessions, integration, [Sent(HOSTS[4], dedup="fifth")], fifth_at)
    opened = incidents(sessions)
    assert len(opened) == 1, "the fifth distinct host must open the incident"
    assert opened[0].declared_at == fifth_at
    assert opened[0].reporter_id is None
    # Then the rest of the storm: 10,000 alerts in all, in batches, within the window.
    sent = 9
    batch: list[Sent] = []
    while sent < 10_000:
        host = HOSTS[sent % len(HOSTS)]
        batch.append(Sent(host, dedup=f"{host}/{sent}"))
        sent += 1
        if len(batch) == 250 or sent == 10_000:
            send(sessions, integration, batch, clock.advance(seconds=20))
            batch = []
    assert clock.now - start < timedelta(minutes=15)
    assert len(incidents(sessions)) == 1
    (group,) = groups(sessions)
    assert (group.alert_count, group.asset_count) == (10_000, 480)
    assert group.incident_id == opened[0].id
    assert group.threshold_met_at == fifth_at
    assert group.title == "AntivirusDetection on 480 hosts"
    with transaction(sessions) as session:
        members = set(session.scalars(select(AlertGroupMember.member)))
        entry = session.scalar(select(TimelineEvent).where(TimelineEvent.kind == "alert_group"))
        assert entry is not None
        assert entry.data["group_id"] == group.id
        assert entry.data["hosts"] == HOSTS[:5]
        assert entry.actor_id is None
    assert members == set(HOSTS)
    # 5 of 480 tier-1 hosts is narrow (1%): SEV2, not SEV1. At 20 hosts the storm is wide, and
    # the incident, still at the severity warroom proposed, rises to SEV1.
    assert opened[0].severity == "SEV2"
    assert [s.name for s in opened[0].services] == ["fileservers"]
    (final,) = incidents(sessions)
    assert final.severity == group.proposed_severity == "SEV1"
    with transaction(sessions) as session:
        raised = session.scalars(
            select(TimelineEvent).where(TimelineEvent.kind == "severity_changed")
        ).all()
    assert [(e.before, e.after, e.actor_id) for e in raised] == [("SEV2", "SEV1", None)]
    assert "of the service's assets); proposed SEV1" in raised[0].text


def _timeline(app: FastAPI, kind: str) -> list[TimelineEvent]:
    with transaction(app.state.sessions) as session:
        rows = session.scalars(select(TimelineEvent).where(TimelineEvent.kind == kind)).all()
        session.expunge_all()
        return list(rows)


def test_a_spreading_storm_raises_the_incident_it_opened(app: FastAPI, clock: Clock) -> None:
    integration = _setup(app, tier=1, hosts=HOSTS[:200])
    sessions = app.state.sessions
    send(sessions, integration, [Sent(h) for h in HOSTS[:5]], clock.advance(seconds=1))
    assert [i.severity for i in incidents(sessions)] == ["SEV2"]  # 5 of 200: narrow
    for host in HOSTS[5:19]:
        send(sessions, integration, [Sent(host)], clock.advance(seconds=1))
    assert [i.severity for i in incidents(sessions)] == ["SEV2"]
    send(sessions, integration, [Sent(HOSTS[19])], clock.advance(seconds=1))
    assert [i.severity for i in incidents(sessions)] == ["SEV1"]  # 20 of 200: wide
    (raised,) = _timeline(app, "severity_changed")
    (group,) = groups(sessions)
    assert raised.text == (
        f"Severity SEV2 → SEV1: Alert group {group.id} has spread to 20 hosts "
        "(10% of the service's assets); proposed SEV1"
    )


def test_a_severity_set_by_hand_stays_and_the_rise_is_noted(app: FastAPI, clock: Clock) -> None:
    integration = _setup(app, tier=1, hosts=HOSTS[:200])
    sessions = app.state.sessions
    send(sessions, integration, [Sent(h) for h in HOSTS[:5]], clock.advance(seconds=1))
    with transaction(sessions) as session:
        (incident,) = session.scalars(select(Incident)).all()
        incident.severity = "SEV3"  # the commander judged it smaller
    send(sessions, integration, [Sent(h) for h in HOSTS[5:40]], clock.advance(seconds=1))
    assert [i.severity for i in incidents(sessions)] == ["SEV3"]
    (group,) = groups(sessions)
    assert group.proposed_severity == "SEV1"
    notes = [e.text for e in _timeline(app, "note") if "spread" in e.text]
    assert notes == [
        f"Alert group {group.id} has spread to 40 hosts (20% of the service's assets); "
        "proposed SEV1"
    ]


def test_five_of_forty_tier1_hosts_is_wide_so_sev1(app: FastAPI, clock: Clock) -> None:
    integration = _setup(app, tier=1, hosts=HOSTS[:40])
    send(app.state.sessions, integration, [Sent(h) for h in HOSTS[:5]], clock.advance(seconds=1))
    (incident,) = incidents(app.state.sessions)
    assert incident.severity == "SEV1"


def test_tier3_narrow_storm_is_sev3(app: FastAPI, clock: Clock) -> None:
    integration = _setup(app, tier=3)
    send(app.state.sessions, integration, [Sent(h) for h in HOSTS[:5]], clock.advance(seconds=1))
    (incident,) = incidents(app.state.sessions)
    assert incident.severity == "SEV3"


def test_a_storm_longer_than_the_window_keeps_one_incident(app: FastAPI, clock: Clock) -> None:
    sessions = app.state.sessions
    integration = _setup(app)
    for window in range(3):
        for host in HOSTS[window * 10 : window * 10 + 10]:
            send(sessions, integration, [Sent(host)], clock.advance(seconds=10))
        clock.advance(minutes=16)
    assert [g.asset_count for g in groups(sessions)] == [10, 10, 10]
    assert [g.status for g in groups(sessions)] == ["closed", "closed", "open"]
    (incident,) = incidents(sessions)
    assert {g.incident_id for g in groups(sessions)} == {incident.id}


def test_two_concurrent_storms_on_postgresql_open_one_incident(
    app: FastAPI, clock: Clock, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers; the race is PostgreSQL's")
    sessions = app.state.sessions
    integration = _setup(app)
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def storm(hosts: list[str]) -> None:
        try:
            barrier.wait(timeout=10)
            for host in hosts:
                send(sessions, integration, [Sent(host)], clock.now)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=storm, args=(HOSTS[i:200:2],)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert len(incidents(sessions)) == 1
    (group,) = groups(sessions)
    assert (group.alert_count, group.asset_count) == (200, 200)
