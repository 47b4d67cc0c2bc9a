"""Helpers for the change page tests: a small catalog and changes made over the API, and
reading pages like a person would (one card, the flash message)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import User
from warroom.changes.models import Change
from warroom.db import transaction


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def seed_catalog(client: TestClient, admin: User) -> None:
    """orders (tier 1) on ord-01 and ord-02, depending on order-db; wiki (tier 3) alone."""
    for name, tier, needs in (("order-db", 2, []), ("orders", 1, ["order-db"]), ("wiki", 3, [])):
        body = {"name": name, "tier": tier, "depends_on": needs}
        ok(client.post("/api/v1/services", json=body, headers=admin.headers), 201)
    for host, service in (("ord-01", "orders"), ("ord-02", "orders"), ("wiki-01", "wiki")):
        body = {"hostname": host, "services": [service]}
        ok(client.post("/api/v1/assets", json=body, headers=admin.headers), 201)


def api_change(client: TestClient, user: User, start: datetime, **fields: Any) -> int:
    """A change over the API, one hour long; ``type=standard, submit=True`` is approved."""
    body = {
        "title": "Patch orders servers",
        "planned_start": start.isoformat(),
        "planned_end": (start + timedelta(hours=1)).isoformat(),
        "services": ["orders"],
    } | fields
    made: int = ok(client.post("/api/v1/changes", json=body, headers=user.headers), 201)["id"]
    return made


def stored_change(app: FastAPI, change_id: int) -> Change:
    with transaction(app.state.sessions) as session:
        change = session.get(Change, change_id)
        assert change is not None
        session.expunge(change)
        return change


def count(app: FastAPI, model: type[Any]) -> int:
    with transaction(app.state.sessions) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def section(html: str, anchor: str) -> str:
    """The HTML of one card, by its id."""
    found = re.search(rf'<section[^>]* id="{anchor}".*?</section>', html, re.S)
    assert found, f"no section #{anchor}"
    return found.group(0)


def window_table(html: str) -> str:
    found = re.search(r'<div id="window-table">.*?</div>', html, re.S)
    assert found, "no window table"
    return found.group(0)


def flash_of(html: str) -> str:
    found = re.search(r'<p class="flash" role="status">([^<]*)</p>', html)
    return found.group(1) if found else ""


def change_form(**fields: str) -> dict[str, Any]:
    form: dict[str, Any] = {
        "title": "Upgrade orders database",
        "type": "normal",
        "planned_start": "2026-11-24T10:00",
        "planned_end": "2026-11-24T11:30",
        "services": ["orders"],
        "assets": "",
        "risk": "",
    }
    return form | fields
