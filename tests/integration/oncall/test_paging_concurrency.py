"""Two transactions paging the same person for the same incident at once still make one page,
and neither fails: the second joins the page the first opened (PostgreSQL; SQLite lets one
writer in at a time)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from tests.conftest import User, make_user, wait_for
from tests.integration.oncall.paging_helpers import declare
from warroom.access.models import Person
from warroom.access.rules import Role
from warroom.db import transaction
from warroom.incidents.models import Incident
from warroom.incidents.rules import parse_ref
from warroom.oncall.models import Delivery, Page
from warroom.oncall.paging_notify import PagingContext, do_page_person


def _waiting_on_a_lock(app: FastAPI) -> bool:
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    with app.state.engine.connect() as connection:
        return bool(connection.scalar(query))


def test_concurrent_triggers_make_one_page(
    database_url: str, client: TestClient, app: FastAPI, admin: User
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite admits one writer at a time: no two transactions page at once")
    ann = make_user(app, Role.responder, "Ann")
    number = parse_ref(declare(client, admin, severity="SEV3", services=[]))
    context = PagingContext("http://warroom.example", app.state.secret_key)

    def page(reason: str) -> tuple[int, bool]:
        with transaction(app.state.sessions) as session:
            incident, person = session.get(Incident, number), session.get(Person, ann.person_id)
            assert incident is not None
            assert person is not None
            row, sent = do_page_person(
                session=session, incident=incident, person=person, reason=reason,
                now=app.state.clock(), context=context,
            )  # fmt: skip
            return row.id, sent

    first = app.state.sessions()
    incident, person = first.get(Incident, number), first.get(Person, ann.person_id)
    assert incident is not None
    assert person is not None
    mine, _ = do_page_person(
        session=first, incident=incident, person=person, reason="first", now=app.state.clock(),
        context=context,
    )  # fmt: skip
    result: dict[str, Any] = {}
    other = threading.Thread(target=lambda: result.update(page=page("second")))
    other.start()
    wait_for(lambda: _waiting_on_a_lock(app))  # the second waits on the first's open page
    first.commit()
    first.close()
    other.join(timeout=10)
    assert result["page"] == (mine.id, False)  # joined the first page, no second message
    with transaction(app.state.sessions) as session:
        assert session.scalar(select(func.count()).select_from(Page)) == 1
        assert session.scalar(select(func.count()).select_from(Delivery)) == 1
