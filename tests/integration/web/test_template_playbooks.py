"""Phase playbooks on the Checklists page: each shows its phase, a manager moves one to
another phase or makes a new one, and a phase on a service checklist is explained beside the
field with the form kept as typed."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import User, make_user
from tests.integration.incidents.helpers import declare
from tests.integration.web.helpers import post, sign_in
from warroom.access.rules import Role
from warroom.db import transaction
from warroom.incidents.tasks import list_templates

FORM = {
    "name": "Containment: cloud keys",
    "kind": "security",
    "severities": ["SEV1", "SEV2"],
    "auto_apply": "on",
    "phase": "containment",
    "item_title": ["Disable the leaked access keys", ""],
    "item_role": ["", ""],
    "item_due": ["15", ""],
}


def _phases(app: FastAPI) -> dict[str, str | None]:
    with transaction(app.state.sessions) as session:
        return {t.name: t.phase for t in list_templates(session=session)}


def test_the_list_and_the_form_show_each_playbook_s_phase(client: TestClient, app: FastAPI) -> None:
    sign_in(client, make_user(app, Role.viewer, "Val Viewer"))
    listing = client.get("/task-templates").text
    assert "playbook: Containment" in listing
    playbook = _ids(app)["Security playbook: eradication"]
    form = client.get(f"/task-templates/{playbook}").text
    assert '<option value="eradication" selected>' in form


def test_a_manager_makes_and_moves_a_playbook(client: TestClient, app: FastAPI) -> None:
    csrf = sign_in(client, make_user(app, Role.manager, "Mia Manager"))
    assert post(client, "/task-templates", csrf, **FORM).status_code == 303
    assert _phases(app)["Containment: cloud keys"] == "containment"
    template_id = _ids(app)["Containment: cloud keys"]
    moved = post(client, f"/task-templates/{template_id}", csrf, **(FORM | {"phase": "recovery"}))
    assert moved.status_code == 303
    assert _phases(app)["Containment: cloud keys"] == "recovery"
    plain = post(client, f"/task-templates/{template_id}", csrf, **(FORM | {"phase": ""}))
    assert plain.status_code == 303
    assert _phases(app)["Containment: cloud keys"] is None


def test_a_phase_on_a_service_checklist_is_explained(client: TestClient, app: FastAPI) -> None:
    csrf = sign_in(client, make_user(app, Role.manager, "Mia Manager"))
    answer = post(client, "/task-templates", csrf, **(FORM | {"kind": "service"}))
    assert answer.status_code == 422
    assert "only a security checklist (a playbook) has a phase" in answer.text
    assert '<option value="containment" selected>' in answer.text  # kept as typed
    assert "Containment: cloud keys" not in _phases(app)


def _ids(app: FastAPI) -> dict[str, int]:
    with transaction(app.state.sessions) as session:
        return {t.name: t.id for t in list_templates(session=session)}


def test_the_war_room_lists_the_playbook_of_the_phase_entered(
    client: TestClient, app: FastAPI, admin: User
) -> None:
    ref = declare(client, admin, title="Web shell", kind="security", severity="SEV2")["ref"]
    csrf = sign_in(client, admin)
    room = client.get(f"/incidents/{ref}").text
    assert "Preserve volatile evidence" in room
    assert "Isolate host" not in room
    moved = post(client, f"/incidents/{ref}/security/phase", csrf, phase="containment")
    assert moved.status_code == 303
    room = client.get(f"/incidents/{ref}").text
    task_list = room.split('id="tasks"')[1].split("</section>")[0]
    assert "Isolate host" in task_list
    assert "Preserve disk image" in task_list
    story = room.split('id="timeline"')[1].split("</ol>")[0]
    assert "Checklist “Security playbook: containment” applied (3 tasks)" in story
