"""The war room's forms: each posts, redirects back, and shows refusals beside the form."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock, User, make_user
from tests.integration.web.helpers import (
    declare,
    error_text,
    post,
    sign_in,
    stored,
    timeline_count,
)
from warroom.access.rules import Role
from warroom.db import transaction
from warroom.incidents.models import Participant, TimelineEvent


def test_status_change_through_the_form(
    client: TestClient, app: FastAPI, responder: User, clock: Clock
) -> None:
    csrf = sign_in(client, responder)
    ref = declare(client, csrf)
    clock.advance(minutes=5)
    answer = post(
        client, f"/incidents/{ref}/status", csrf, status="investigating", version=1, message="db?"
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/incidents/{ref}#status"
    room = client.get(answer.headers["location"]).text
    assert "Status triage → investigating: db?" in room
    incident = stored(app, ref)
    assert incident.status == "investigating"
    assert incident.acknowledged_at == clock.now
    # Only the moves the state machine allows are offered next.
    assert 'name="status" value="identified"' in room
    assert 'name="status" value="closed"' not in room


def test_illegal_transition_is_explained_and_writes_nothing(
    client: TestClient, app: FastAPI, responder: User
) -> None:
    csrf = sign_in(client, responder)
    ref = declare(client, csrf)
    before = timeline_count(app)
    answer = post(client, f"/incidents/{ref}/status", csrf, status="closed", version=1)
    assert answer.status_code == 422
    assert error_text(answer.text, "status").startswith("Status: cannot go from triage to closed")
    assert stored(app, ref).status == "triage"
    assert timeline_count(app) == before


def test_stale_version_gives_a_conflict_instead_of_overwriting(
    client: TestClient, app: FastAPI, responder: User, admin: User
) -> None:
    csrf = sign_in(client, responder)
    ref = declare(client, csrf, severity="SEV3")
    # Someone else raises the severity while this page is open at version 1.
    changed = client.patch(
        f"/api/v1/incidents/{ref}", json={"severity": "SEV2"}, headers=admin.headers
    )
    assert changed.status_code == 200
    before = timeline_count(app)
    answer = post(client, f"/incidents/{ref}/severity", csrf, severity="SEV4", version=1)
    assert answer.status_code == 409
    assert "was changed by someone else" in error_text(answer.text, "severity")
    assert stored(app, ref).severity == "SEV2"
    assert timeline_count(app) == before
    # The page answered with the current state, so a second try is a deliberate one.
    assert 'name="version" value="2"' in answer.text


def test_back_dated_note_keeps_both_times_in_the_viewers_zone(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    berlin = make_user(app, Role.responder, "Bea Berlin", timezone="Europe/Berlin")
    csrf = sign_in(client, berlin)
    ref = declare(client, csrf)
    clock.advance(minutes=30)  # 22:30 UTC = 23:30 in Berlin
    answer = post(
        client,
        f"/incidents/{ref}/notes",
        csrf,
        text="Rolled back **deploy 812** <script>alert(1)</script>",
        occurred_at="2026-11-23T23:10",
    )
    assert answer.status_code == 303
    with transaction(app.state.sessions) as session:
        note = session.scalars(select(TimelineEvent).where(TimelineEvent.kind == "note")).one()
        assert note.occurred_at == datetime(2026, 11, 23, 22, 10, tzinfo=UTC)
        assert note.recorded_at == clock.now
    room = client.get(f"/incidents/{ref}").text
    assert "<strong>deploy 812</strong>" in room
    assert "<script>alert" not in room
    assert ">23:10</time>" in room
    assert "entered <time" in room
    assert "23 Nov 23:30</time>" in room


def test_note_in_the_future_is_refused_and_the_text_kept(
    client: TestClient, app: FastAPI, responder: User
) -> None:
    csrf = sign_in(client, responder)
    ref = declare(client, csrf)
    before = timeline_count(app)
    answer = post(
        client, f"/incidents/{ref}/notes", csrf, text="typed", occurred_at="2030-01-01T00:00"
    )
    assert answer.status_code == 422
    assert error_text(answer.text, "note") == "Occurred at: cannot be in the future"
    assert ">typed</textarea>" in answer.text
    assert timeline_count(app) == before


def test_commander_releases_a_participant(
    client: TestClient, app: FastAPI, responder: User, admin: User, clock: Clock
) -> None:
    csrf = sign_in(client, responder)
    ref = declare(client, csrf, severity="SEV1")  # the declarer becomes IC
    joined = post(client, f"/incidents/{ref}/participants", csrf, person=admin.email, reason="DBA")
    assert joined.status_code == 303
    with transaction(app.state.sessions) as session:
        row = session.scalars(select(Participant).where(Participant.person_id == admin.person_id))
        participant_id = row.one().id
    clock.advance(minutes=12)
    released = post(client, f"/incidents/{ref}/participants/{participant_id}/release", csrf)
    assert released.status_code == 303
    room = client.get(f"/incidents/{ref}").text
    assert "Ada Admin released: you&#39;re clear" in room
    assert "time to innocence 12 min 0 s" in room


def test_only_the_commander_releases(
    client: TestClient, app: FastAPI, responder: User, admin: User
) -> None:
    csrf = sign_in(client, responder)
    ref = declare(client, csrf, severity="SEV1")
    post(client, f"/incidents/{ref}/participants", csrf, person=admin.email, reason="DBA")
    with transaction(app.state.sessions) as session:
        query = select(Participant).where(Participant.person_id == admin.person_id)
        participant_id = session.scalars(query).one().id
    other = make_user(app, Role.responder, "Otto Other")
    with TestClient(app) as second:
        token = sign_in(second, other)
        answer = post(second, f"/incidents/{ref}/participants/{participant_id}/release", token)
    assert answer.status_code == 403
    assert "only the incident commander" in error_text(answer.text, "participants")
    with transaction(app.state.sessions) as session:
        assert session.get(Participant, participant_id).released_at is None  # type: ignore[union-attr]


def test_roles_and_tasks_through_the_forms(
    client: TestClient, app: FastAPI, responder: User, admin: User
) -> None:
    csrf = sign_in(client, responder)
    ref = declare(client, csrf, severity="SEV3")
    assigned = post(client, f"/incidents/{ref}/roles", csrf, role="commander", person=admin.email)
    assert assigned.status_code == 303
    added = post(client, f"/incidents/{ref}/tasks", csrf, title="Page DB team", assignee="")
    assert added.status_code == 303
    room = client.get(f"/incidents/{ref}").text
    assert "Ada Admin is incident commander" in room
    assert "Task added: Page DB team" in room
    task_id = int(room.split(f'action="/incidents/{ref}/tasks/')[1].split('"')[0])
    done = post(
        client, f"/incidents/{ref}/tasks/{task_id}", csrf, status="done", assignee=admin.email
    )
    assert done.status_code == 303
    room = client.get(f"/incidents/{ref}").text
    assert "Task “Page DB team”: assigned to Ada Admin, open → done" in room


def test_unknown_person_is_shown_beside_the_roles_form(
    client: TestClient, app: FastAPI, responder: User
) -> None:
    csrf = sign_in(client, responder)
    ref = declare(client, csrf)
    before = timeline_count(app)
    answer = post(client, f"/incidents/{ref}/roles", csrf, role="scribe", person="ghost@x.io")
    assert answer.status_code == 422
    assert error_text(answer.text, "roles") == "Person: unknown person &#39;ghost@x.io&#39;"
    assert timeline_count(app) == before


def test_viewer_reads_the_room_without_forms(
    client: TestClient, app: FastAPI, responder: User, viewer: User
) -> None:
    csrf = sign_in(client, responder)
    ref = declare(client, csrf)
    with TestClient(app) as second:
        token = sign_in(second, viewer)
        page = second.get(f"/incidents/{ref}")
        assert page.status_code == 200
        assert "Checkout is down" in page.text
        assert f'action="/incidents/{ref}/notes"' not in page.text
        refused = post(second, f"/incidents/{ref}/notes", token, text="hi")
        assert refused.status_code == 403


def test_unknown_incident_is_a_readable_404(client: TestClient, responder: User) -> None:
    sign_in(client, responder)
    answer = client.get("/incidents/INC-999")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "no incident INC-999" in answer.text
