"""Phase playbooks (SQLite and PostgreSQL): the default playbook of each NIST phase is an
ordinary, editable task template with a phase. A security incident gets the detection &
analysis playbook when declared and each later phase's when it enters it, once; service
incidents never get one; a phase on a service checklist is refused naming the field."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import User
from tests.integration.incidents.helpers import declare

URL = "/api/v1/task-templates"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def tasks(client: TestClient, user: User, ref: str) -> list[str]:
    found = ok(client.get(f"/api/v1/incidents/{ref}", headers=user.headers))
    return [t["title"] for t in found["tasks"]]


def move(client: TestClient, user: User, ref: str, phase: str, reason: str = "") -> None:
    body = {"phase": phase, "reason": reason}
    ok(client.post(f"/api/v1/incidents/{ref}/security/phase", json=body, headers=user.headers))


def playbooks(client: TestClient, user: User) -> dict[str, dict[str, Any]]:
    return {t["phase"]: t for t in ok(client.get(URL, headers=user.headers)) if t["phase"]}


def test_every_phase_has_a_default_playbook(client: TestClient, admin: User) -> None:
    found = playbooks(client, admin)
    assert list(found) == [
        "containment", "detection_analysis", "eradication", "post_incident", "recovery",
        "validation",
    ]  # fmt: skip
    titles = {i["title"] for t in found.values() for i in t["items"]}
    wanted = {"Isolate host", "Preserve disk image", "Rotate credentials",
              "Rebuild from trusted backup", "Verify integrity", "Add monitoring"}  # fmt: skip
    assert wanted <= titles


def test_each_phase_brings_its_playbook_once(client: TestClient, admin: User) -> None:
    ref = declare(client, admin, title="Web shell", kind="security", severity="SEV2")["ref"]
    declared = tasks(client, admin, ref)
    assert "Confirm the detection and record the first indicators" in declared
    assert "Isolate host" not in declared
    move(client, admin, ref, "containment")
    contained = tasks(client, admin, ref)
    assert contained[len(declared):] == [
        "Isolate host", "Preserve disk image", "Block the indicators at the perimeter",
    ]  # fmt: skip
    move(client, admin, ref, "detection_analysis", "a second shell")
    move(client, admin, ref, "containment")
    assert tasks(client, admin, ref) == contained  # back and forth adds nothing twice
    kinds = [e["text"] for e in ok(client.get(f"/api/v1/incidents/{ref}/timeline",
                                              headers=admin.headers))]  # fmt: skip
    assert "Checklist “Security playbook: containment” applied (3 tasks)" in kinds
    service = declare(client, admin, title="Checkout slow", severity="SEV2")["ref"]
    playbook_titles = {i["title"] for t in playbooks(client, admin).values() for i in t["items"]}
    assert not playbook_titles & set(tasks(client, admin, service))


def test_an_edited_playbook_is_what_is_applied(client: TestClient, admin: User) -> None:
    eradication = playbooks(client, admin)["eradication"]
    body = {k: eradication[k] for k in ("name", "kind", "severities", "auto_apply", "phase")}
    body["items"] = [{"title": "Rotate credentials"}, {"title": "Reimage the jump hosts"}]
    ok(client.put(f"{URL}/{eradication['id']}", json=body, headers=admin.headers))
    ok(client.delete(f"{URL}/{playbooks(client, admin)['containment']['id']}",
                     headers=admin.headers), 204)  # fmt: skip
    ref = declare(client, admin, title="Web shell", kind="security", severity="SEV1")["ref"]
    before = tasks(client, admin, ref)
    move(client, admin, ref, "containment")
    assert tasks(client, admin, ref) == before  # its playbook was deleted
    move(client, admin, ref, "eradication")
    assert tasks(client, admin, ref)[len(before):] == [
        "Rotate credentials", "Reimage the jump hosts",
    ]  # fmt: skip


def test_a_phase_belongs_to_security_checklists_only(client: TestClient, admin: User) -> None:
    body = {"name": "Outage basics", "kind": "service", "severities": ["SEV1"],
            "items": [{"title": "Page the owner"}], "phase": "containment"}  # fmt: skip
    refused = client.post(URL, json=body, headers=admin.headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "phase"
    wrong = client.post(URL, json=body | {"kind": "security", "phase": "mopping"},
                        headers=admin.headers)  # fmt: skip
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "phase"
    assert "Outage basics" not in str(ok(client.get(URL, headers=admin.headers)))


def test_only_a_forward_move_brings_a_playbook(client: TestClient, admin: User) -> None:
    ref = declare(client, admin, title="Web shell", kind="security", severity="SEV2")["ref"]
    move(client, admin, ref, "containment")
    extra = {"name": "Containment: cloud keys", "kind": "security", "severities": ["SEV2"],
             "items": [{"title": "Disable the leaked access keys"}],
             "phase": "containment"}  # fmt: skip
    ok(client.post(URL, json=extra, headers=admin.headers), 201)
    move(client, admin, ref, "eradication")
    before = tasks(client, admin, ref)
    move(client, admin, ref, "containment", "the keys were used again")
    assert tasks(client, admin, ref) == before  # going back lists nothing
    move(client, admin, ref, "detection_analysis", "a third host")
    move(client, admin, ref, "containment")
    # Entering containment again brings only the playbook this incident has not had yet.
    assert tasks(client, admin, ref)[len(before) :] == ["Disable the leaked access keys"]


def test_a_playbook_cannot_become_a_service_checklist(client: TestClient, admin: User) -> None:
    recovery = playbooks(client, admin)["recovery"]
    body = {k: recovery[k] for k in ("name", "severities", "items", "auto_apply", "phase")}
    refused = client.put(f"{URL}/{recovery['id']}", json=body | {"kind": "service"},
                         headers=admin.headers)  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "phase"
    assert playbooks(client, admin)["recovery"]["kind"] == "security"
    plain_body = body | {"kind": "security", "phase": None}
    plain = ok(client.put(f"{URL}/{recovery['id']}", json=plain_body, headers=admin.headers))
    assert plain["phase"] is None  # a plain security checklist now: applied at declaration
    ref = declare(client, admin, title="Web shell", kind="security", severity="SEV2")["ref"]
    assert "Rebuild from trusted backup" in tasks(client, admin, ref)
