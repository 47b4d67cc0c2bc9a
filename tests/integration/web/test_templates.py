"""Checklists: managers create and edit them through the form; viewers only read."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import User, make_user
from tests.integration.web.helpers import post, sign_in
from warroom.access.rules import Role
from warroom.db import transaction
from warroom.incidents.tasks import list_templates

FORM = {
    "name": "Major outage",
    "kind": "service",
    "severities": ["SEV1", "SEV2"],
    "auto_apply": "on",
    "item_title": ["Open a bridge", "Post status page", ""],
    "item_role": ["commander", "comms_lead", ""],
    "item_due": ["5", "", ""],
}


def _saved(app: FastAPI) -> dict[str, dict[str, Any]]:
    """Checklists by name (the installation comes with a few of its own)."""
    with transaction(app.state.sessions) as session:
        return {
            t.name: {"id": t.id, "severities": t.severities, "items": t.items}
            for t in list_templates(session=session)
        }


def _manager_creates(app: FastAPI) -> int:
    manager = make_user(app, Role.manager, "Mia Manager")
    with TestClient(app) as manager_client:
        answer = post(manager_client, "/task-templates", sign_in(manager_client, manager), **FORM)
        assert answer.status_code == 303
    return int(_saved(app)["Major outage"]["id"])


def test_manager_creates_and_edits_a_checklist(client: TestClient, app: FastAPI) -> None:
    manager = make_user(app, Role.manager, "Mia Manager")
    csrf = sign_in(client, manager)
    created = post(client, "/task-templates", csrf, **FORM)
    assert created.status_code == 303
    saved = _saved(app)["Major outage"]
    assert saved["severities"] == ["SEV1", "SEV2"]
    assert saved["items"] == [
        {"title": "Open a bridge", "role": "commander", "due_minutes": 5},
        {"title": "Post status page", "role": "comms_lead", "due_minutes": None},
    ]
    assert "Open a bridge" in client.get("/task-templates").text
    edit_page = client.get(f"/task-templates/{saved['id']}").text
    assert 'value="Post status page"' in edit_page

    changed = FORM | {"item_title": ["Open a bridge", "", "Tell support"], "severities": "SEV1"}
    edited = post(client, f"/task-templates/{saved['id']}", csrf, **changed)
    assert edited.status_code == 303
    saved = _saved(app)["Major outage"]
    assert saved["severities"] == ["SEV1"]
    assert [i["title"] for i in saved["items"]] == ["Open a bridge", "Tell support"]


def test_invalid_checklist_is_explained(client: TestClient, app: FastAPI) -> None:
    manager = make_user(app, Role.manager, "Mia Manager")
    csrf = sign_in(client, manager)
    answer = post(client, "/task-templates", csrf, **(FORM | {"severities": [], "item_due": "-3"}))
    assert answer.status_code == 422
    assert "severities: List should have at least 1 item" in answer.text
    assert "task 1 due minutes: Input should be greater than or equal to 0" in answer.text
    assert 'value="Open a bridge"' in answer.text  # the form comes back filled in
    assert "Major outage" not in _saved(app)


def test_duplicate_name_is_a_conflict(client: TestClient, app: FastAPI) -> None:
    template_id = _manager_creates(app)
    manager = make_user(app, Role.manager, "Max Manager")
    csrf = sign_in(client, manager)
    answer = post(client, "/task-templates", csrf, **FORM)
    assert answer.status_code == 409
    assert "a template named Major outage already exists" in answer.text
    assert _saved(app)["Major outage"]["id"] == template_id


def test_viewer_reads_but_cannot_edit(client: TestClient, app: FastAPI, viewer: User) -> None:
    template_id = _manager_creates(app)
    csrf = sign_in(client, viewer)
    listing = client.get("/task-templates")
    assert listing.status_code == 200
    assert "Open a bridge" in listing.text
    assert "New checklist" not in listing.text
    page = client.get(f"/task-templates/{template_id}").text
    assert '<fieldset class="stack" disabled>' in page
    assert "Save checklist" not in page
    assert client.get("/task-templates/new").status_code == 403
    refused = post(client, f"/task-templates/{template_id}", csrf, **(FORM | {"name": "Mine"}))
    assert refused.status_code == 403
    assert "needs the manager role" in refused.text
    assert "Mine" not in _saved(app)


def test_responder_cannot_edit_either(client: TestClient, app: FastAPI, responder: User) -> None:
    csrf = sign_in(client, responder)
    assert post(client, "/task-templates", csrf, **FORM).status_code == 403
    assert "Major outage" not in _saved(app)
