"""The audit log page (SQLite and PostgreSQL): a manager reads every write, filters by object,
and one button checks the chain, saying where it breaks; a responder is refused."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import User
from tests.integration.audit.test_audit_log import some_writes, sql
from tests.integration.web.helpers import post, sign_in


def test_a_manager_reads_filters_and_verifies(
    app: FastAPI, client: TestClient, admin: User
) -> None:
    ref = some_writes(client, admin)
    csrf = sign_in(client, admin)
    page = client.get("/audit")
    assert page.status_code == 200
    assert f"person:{admin.person_id} {admin.email}" in page.text
    only = client.get("/audit", params={"object_type": "incidents",
                                        "object_id": ref.removeprefix("INC-")})  # fmt: skip
    assert only.text.count('<tr id="entry-') == 2  # its insert and its update
    assert client.get("/audit", params={"since": "yesterday"}).status_code == 422

    intact = post(client, "/audit/verify", csrf)
    assert intact.status_code == 200
    assert "Intact:" in intact.text
    sql(app, "UPDATE audit_entries SET object_id = '999' WHERE seq = 2")
    broken = post(client, "/audit/verify", csrf)
    assert "Broken at entry 2:" in broken.text


def test_a_responder_is_refused(client: TestClient, responder: User) -> None:
    sign_in(client, responder)
    assert client.get("/audit").status_code == 403
