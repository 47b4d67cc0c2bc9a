"""``warroom demo``: a living organisation, loaded once, through the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.integration.cli.conftest import Cli
from warroom.access.models import Person, Team
from warroom.access.service import authenticate_password
from warroom.catalog.models import Service
from warroom.incidents.models import Incident, Participant, Task, TimelineEvent


def test_demo_loads_a_living_organisation(cli: Cli) -> None:
    result = cli.ok("demo")

    assert "priya.raman@kestrel-supply.example" in result.stdout
    assert "warroom-ic" in result.stdout
    assert 15 <= cli.count(Person) <= 25
    assert cli.count(Team) == 7
    assert cli.count(Service) >= 8
    people = cli.run(lambda s: list(s.scalars(select(Person))))
    assert len({p.timezone for p in people}) >= 4
    assert all(p.phone and p.chat_handle for p in people)
    tiers = cli.run(lambda s: {svc.name: svc.tier for svc in s.scalars(select(Service))})
    assert tiers["sales-ordering"] == 1
    assert tiers["internal-wiki"] == 3


def test_demo_history_has_past_and_active_incidents(cli: Cli) -> None:
    cli.ok("demo")

    def statuses(session: Session) -> list[str]:
        return [i.status for i in session.scalars(select(Incident))]

    found = cli.run(statuses)
    assert {"closed", "resolved"} <= set(found)
    assert 1 <= sum(s not in ("resolved", "closed") for s in found) <= 2
    active = cli.json("incident", "list", "--status", "active")["items"]
    assert len(active) == sum(s not in ("resolved", "closed") for s in found)


def test_past_incidents_carry_a_realistic_back_dated_record(cli: Cli) -> None:
    cli.ok("demo")
    now = datetime.now(UTC)

    def closed_story(session: Session) -> Incident:
        query = select(Incident).where(Incident.status == "closed").order_by(Incident.id)
        return session.scalars(query).first() or Incident()

    incident = cli.run(closed_story)
    assert incident.declared_at < now - timedelta(days=1)
    assert incident.resolved_at is not None
    assert incident.resolved_at - incident.declared_at > timedelta(hours=1)
    events = cli.run(
        lambda s: list(s.scalars(select(TimelineEvent).filter_by(incident_id=incident.id)))
    )
    assert max(e.recorded_at for e in events) - min(e.recorded_at for e in events) > timedelta(
        hours=2
    )
    assert all(e.recorded_at <= now for e in events)
    assert {"note", "status_changed", "role_assigned", "participant_released"} <= {
        e.kind for e in events
    }
    assert any(e.occurred_at < e.recorded_at for e in events if e.kind == "note")
    released = cli.run(
        lambda s: list(s.scalars(select(Participant).where(Participant.released_at.is_not(None))))
    )
    assert released
    done = cli.run(lambda s: list(s.scalars(select(Task).where(Task.status == "done"))))
    assert done


def test_demo_accounts_can_sign_in(cli: Cli) -> None:
    cli.ok("demo")

    def check(session: Session) -> list[str]:
        pairs = [
            ("olivia.grant@kestrel-supply.example", "warroom-admin"),
            ("priya.raman@kestrel-supply.example", "warroom-ic"),
            ("tomas.ortega@kestrel-supply.example", "warroom-responder"),
        ]
        people = [authenticate_password(session=session, email=e, password=p) for e, p in pairs]
        return [p.role for p in people if p is not None]

    assert cli.run(check) == ["admin", "manager", "responder"]


def test_demo_twice_changes_nothing(cli: Cli) -> None:
    cli.ok("demo")
    counts = [cli.count(m) for m in (Person, Team, Service, Incident, TimelineEvent)]

    again = cli.ok("demo")

    assert "already loaded" in again.stdout
    assert [cli.count(m) for m in (Person, Team, Service, Incident, TimelineEvent)] == counts


def test_demo_beside_an_existing_admin_and_on_a_fresh_file(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init", "--email", "ada@example.com", "--password", "correct horse")
    cli.ok("demo")
    fresh = Cli(f"sqlite:///{tmp_path / 'fresh.db'}", CliRunner())
    fresh.ok("demo")

    assert cli.count(Incident) == fresh.count(Incident) > 0
    listed = cli.json("incident", "list")["items"]  # acting as ada, the first admin
    assert len(listed) == cli.count(Incident)
