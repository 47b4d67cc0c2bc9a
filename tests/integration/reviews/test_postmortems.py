"""Postmortems on SQLite and PostgreSQL: resolving a major incident drafts one from the
timeline and the changes marked in the war room, its due date follows the severity, drafting
again is idempotent, and the incident closes only once its postmortem is published."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.incidents.helpers import declare, seed_catalog, timeline
from tests.integration.reviews.helpers import (
    ok,
    postmortem,
    publish,
    resolve,
    resolved_incident,
    section,
)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_resolving_a_sev1_drafts_its_postmortem_from_the_timeline_and_the_marked_changes(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    seed_catalog(client, admin)
    deploy = {"summary": "Deploy orders v42", "occurred_at": iso(clock.now - timedelta(minutes=40)),
              "services": ["orders"], "external_id": "ci-42"}  # fmt: skip
    change = ok(client.post("/api/v1/change-events", json=deploy, headers=responder.headers), 201)
    started = clock.now - timedelta(minutes=20)
    ref = declare(client, admin, severity="SEV2", services=["orders"], started_at=iso(started))[
        "ref"
    ]
    base = f"/api/v1/incidents/{ref}"
    assert client.get(base + "/postmortem", headers=admin.headers).status_code == 404
    clock.advance(minutes=5)
    note = {"text": "Rolled back release 4.2.1"}
    ok(client.post(base + "/timeline", json=note, headers=responder.headers), 201)
    raise_it = {"severity": "SEV1", "message": "Every order fails"}
    ok(client.patch(base, json=raise_it, headers=admin.headers))
    mark = {"mark": "cause", "note": "pool size halved in v42"}
    ok(client.put(f"{base}/suspects/{change['ref']}", json=mark, headers=admin.headers))
    ok(client.patch(base, json={"status": "monitoring"}, headers=admin.headers))
    clock.advance(minutes=30)
    resolve(client, admin, ref, clock)

    drafted = postmortem(client, responder, ref)
    assert (drafted["state"], drafted["required"], drafted["severity"]) == ("draft", True, "SEV1")
    assert drafted["due_at"] == iso(clock.now + timedelta(days=3))
    assert drafted["owner"]["email"] == admin.email  # the commander drives the review
    lines = section(drafted, "timeline").splitlines()
    assert any(f"declared {ref} as SEV2" in line for line in lines)
    assert any("Severity SEV2 → SEV1: Every order fails" in line for line in lines)
    assert any("Rolled back release 4.2.1" in line for line in lines)
    assert any("Status monitoring → resolved" in line for line in lines)
    assert all(f"](/incidents/{ref}#ev-" in line for line in lines)
    link = f"[CHG-{change['id']} Deploy orders v42](/changes/{change['id']})"
    assert f"**cause** {link}" in section(drafted, "changes")
    assert "pool size halved in v42" in section(drafted, "changes")
    assert link in section(drafted, "trigger")
    assert "Customer impact: 25 min" in section(drafted, "impact")  # start to monitoring
    assert "Postmortem drafted from the timeline" in [
        e["text"] for e in timeline(client, admin, ref)
    ]


def test_drafting_again_is_idempotent_and_a_redraft_only_rewrites_a_draft(
    client: TestClient, admin: User, clock: Clock
) -> None:
    ref = declare(client, admin, severity="SEV3")["ref"]
    url = f"/api/v1/incidents/{ref}/postmortem"
    made = ok(client.post(url, headers=admin.headers), 201)
    assert (made["required"], made["due_at"]) == (False, None)
    edited = {"summary": "Our words", "version": made["version"]}
    ok(client.patch(url, json=edited, headers=admin.headers))
    again = ok(client.post(url, headers=admin.headers), 200)
    assert section(again, "summary") == "Our words"
    redrafted = ok(client.post(url + "?redraft=true", headers=admin.headers), 200)
    assert "SEV3 service incident" in section(redrafted, "summary")
    ok(client.post(url + "/submit", headers=admin.headers))
    refused = client.post(url + "?redraft=true", headers=admin.headers)
    assert refused.status_code == 409
    assert "only a draft is redrafted" in refused.json()["detail"]


def test_due_dates_follow_severity_counted_from_resolution(
    client: TestClient, admin: User, clock: Clock
) -> None:
    clock.now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # a Friday
    sev2 = resolved_incident(client, admin, clock, severity="SEV2")  # resolved Fri 10:00
    # Five business days over the weekend: Mon, Tue, Wed, Thu, Fri.
    assert postmortem(client, admin, sev2)["due_at"] == "2026-12-04T10:00:00Z"
    sev1 = resolved_incident(client, admin, clock, severity="SEV1")  # resolved Fri 11:00
    assert postmortem(client, admin, sev1)["due_at"] == "2026-11-30T11:00:00Z"
    minor = resolved_incident(client, admin, clock, severity="SEV3")
    assert (
        client.get(f"/api/v1/incidents/{minor}/postmortem", headers=admin.headers).status_code
        == 404
    )
    # Lowering the severity after the fact lifts the requirement and its due date.
    ok(client.patch(f"/api/v1/incidents/{sev1}", json={"severity": "SEV3"}, headers=admin.headers))
    assert postmortem(client, admin, sev1)["due_at"] is None


def test_a_major_incident_closes_only_once_its_postmortem_is_published(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    ref = resolved_incident(client, admin, clock, severity="SEV1")
    base = f"/api/v1/incidents/{ref}"
    refused = client.patch(base, json={"status": "closed"}, headers=admin.headers)
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert "closes once its postmortem is published" in problem["detail"]
    assert problem["postmortem"] == "draft"
    assert ok(client.get(base, headers=admin.headers))["status"] == "resolved"
    assert not [e for e in timeline(client, admin, ref) if e.get("after") == "closed"]

    ok(client.post(base + "/postmortem/submit", headers=responder.headers))
    still = client.patch(base, json={"status": "closed"}, headers=admin.headers)
    assert still.status_code == 409
    assert "in review" in still.json()["detail"]
    denied = client.post(base + "/postmortem/publish", headers=responder.headers)
    assert denied.status_code == 403  # neither its commander nor a manager
    published = ok(client.post(base + "/postmortem/publish", headers=admin.headers))
    assert (published["state"], published["published_by"]["email"]) == ("published", admin.email)
    closed = ok(client.patch(base, json={"status": "closed"}, headers=admin.headers))
    assert closed["status"] == "closed"
    frozen = client.post(base + "/postmortem/reopen", headers=admin.headers)
    assert frozen.status_code == 409

    minor = resolved_incident(client, admin, clock, severity="SEV3")
    assert ok(client.patch(f"/api/v1/incidents/{minor}", json={"status": "closed"},
                           headers=admin.headers))["status"] == "closed"  # fmt: skip


def test_edits_keep_to_the_version_seen_and_a_published_one_is_reopened_to_edit(
    client: TestClient, admin: User, clock: Clock
) -> None:
    ref = resolved_incident(client, admin, clock, severity="SEV2")
    url = f"/api/v1/incidents/{ref}/postmortem"
    seen = postmortem(client, admin, ref)["version"]
    ok(client.patch(url, json={"trigger": "A config push", "version": seen}, headers=admin.headers))
    stale = client.patch(url, json={"lucky": "Low traffic", "version": seen}, headers=admin.headers)
    assert stale.status_code == 409
    assert section(stale.json()["current"], "trigger") == "A config push"
    published = publish(client, admin, ref)
    locked = client.patch(url, json={"lucky": "x"}, headers=admin.headers)
    assert locked.status_code == 409
    assert "reopen it to edit" in locked.json()["detail"]
    reopened = ok(client.post(url + "/reopen", headers=admin.headers))
    assert reopened["state"] == "draft"
    assert reopened["version"] > published["version"]


def test_bad_input_names_the_field_and_writes_nothing(
    client: TestClient, admin: User, clock: Clock
) -> None:
    ref = resolved_incident(client, admin, clock, severity="SEV2")
    url = f"/api/v1/incidents/{ref}/postmortem"
    before = postmortem(client, admin, ref)
    unknown = client.patch(url, json={"summary": "new", "rootcause": "x"}, headers=admin.headers)
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json()["errors"]] == ["rootcause"]
    nobody = client.patch(url, json={"summary": "new", "owner": "nobody@example.com"},
                          headers=admin.headers)  # fmt: skip
    assert nobody.status_code == 422
    assert nobody.json()["errors"][0]["field"] == "owner"
    after = postmortem(client, admin, ref)
    assert (section(after, "summary"), after["version"]) == (
        section(before, "summary"),
        before["version"],
    )
    skipped = client.post(url + "/publish", headers=admin.headers)
    assert skipped.status_code == 422
    assert skipped.json()["errors"][0]["field"] == "state"
    assert client.get("/api/v1/postmortems?state=done", headers=admin.headers).status_code == 422
    missing = client.get("/api/v1/incidents/INC-999/postmortem", headers=admin.headers)
    assert missing.status_code == 404


def test_the_owner_is_changed_or_cleared_and_left_alone_when_not_sent(
    client: TestClient, admin: User, responder: User, clock: Clock
) -> None:
    ref = resolved_incident(client, admin, clock)
    url = f"/api/v1/incidents/{ref}/postmortem"
    assert postmortem(client, admin, ref)["owner"]["email"] == admin.email  # the commander
    ok(client.patch(url, json={"owner": responder.email}, headers=admin.headers))
    ok(client.patch(url, json={"summary": "Short"}, headers=admin.headers))
    assert postmortem(client, admin, ref)["owner"]["email"] == responder.email
    ok(client.patch(url, json={"owner": None}, headers=admin.headers))
    assert postmortem(client, admin, ref)["owner"] is None


def test_a_postmortem_is_published_only_after_resolution_and_a_reopening_unpublishes_it(
    client: TestClient, admin: User, clock: Clock
) -> None:
    ref = declare(client, admin, severity="SEV3")["ref"]
    base = f"/api/v1/incidents/{ref}/postmortem"
    ok(client.post(base, headers=admin.headers), 201)  # drafted by hand while it runs
    ok(client.post(base + "/submit", headers=admin.headers))
    early = client.post(base + "/publish", headers=admin.headers)
    assert early.status_code == 409
    assert "publish its postmortem once it is resolved" in early.json()["detail"]
    major = resolved_incident(client, admin, clock, severity="SEV2")
    publish(client, admin, major)
    again = {"status": "investigating", "message": "It is back"}
    ok(client.patch(f"/api/v1/incidents/{major}", json=again, headers=admin.headers))
    assert postmortem(client, admin, major)["state"] == "draft"
    resolved = {"status": "resolved", "message": "Fixed for good"}
    ok(client.patch(f"/api/v1/incidents/{major}", json=resolved, headers=admin.headers))
    refused = client.patch(f"/api/v1/incidents/{major}", json={"status": "closed"},
                           headers=admin.headers)  # fmt: skip
    assert refused.status_code == 409
