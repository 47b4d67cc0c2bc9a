"""The optional semantic model (WordLlama, from its own wheel) on SQLite and PostgreSQL: an
incident told in other words still finds the earlier one, with "similar meaning" as the
reason; vectors follow changed entries; restricted incidents stay hidden; the model is read
from the installed package with the network cut off; an unknown model is refused."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User, make_user
from tests.integration.incidents.helpers import declare
from tests.integration.knowledge.helpers import catch_up, ok, resolve
from warroom.access.rules import Role
from warroom.db import transaction
from warroom.knowledge.semantic import Meaning, SemanticUnavailable, load
from warroom.knowledge.vectors import WordLlamaEncoder
from warroom.settings import Settings

SHOP_FIX = "Rolled back the image resizer and purged the CDN."
# The same problem in other words: no significant word in common (the scanner pair of the
# benchmark's set is one the model misses; this one it ranks first).
LATER = {"title": "Web store sluggish", "description": "Storefront takes ages for shoppers."}


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, log_json=False, worker=False,
                    semantic_model="wordllama")  # fmt: skip


def embed(app: FastAPI) -> int:
    """What the worker does each interval: index the timeline, then embed what changed."""
    catch_up(app)
    meaning: Meaning = app.state.meaning
    done = 0
    with transaction(app.state.sessions) as session:
        while count := meaning.embed_pending(session, 256):
            done += count
    return done


def similar(client: TestClient, user: User, ref: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ok(
        client.get(f"/api/v1/incidents/{ref}/similar", headers=user.headers)
    )
    return found


def past(client: TestClient, admin: User) -> dict[str, str]:
    made = {
        "shop": declare(client, admin, title="Slow page loads on the shop",
                        description="Latency up to eight seconds on product pages."),
        "invoices": declare(client, admin, title="Invoice PDFs come out blank",
                            description="The billing run renders empty documents."),
    }  # fmt: skip
    refs = {name: found["ref"] for name, found in made.items()}
    resolve(client, admin, refs["shop"], SHOP_FIX)
    resolve(client, admin, refs["invoices"], "Reinstalled the fonts on the render host.")
    return refs


def test_other_words_same_problem(app: FastAPI, client: TestClient, admin: User) -> None:
    refs = past(client, admin)
    assert embed(app) >= 2
    new = declare(client, admin, **LATER)["ref"]
    embed(app)
    found = similar(client, admin, new)
    first = found[0]
    assert first["entry"]["ref"] == refs["shop"]
    assert first["entry"]["fix"] == SHOP_FIX
    assert any(r.endswith("in meaning") for r in first["reasons"])
    # The words alone share nothing that counts: without the model it would not be there.
    assert not any(r.startswith("matching text") for r in first["reasons"])
    assert refs["invoices"] not in [s["entry"]["ref"] for s in found[:1]]
    words = f"{LATER['title']}: {LATER['description']}"
    searched = ok(client.get("/api/v1/knowledge", params={"q": words}, headers=admin.headers))
    # Search takes open incidents too: the new one by its words, then the earlier by meaning.
    assert [s["entry"]["ref"] for s in searched] == [new, refs["shop"]]


def test_vectors_follow_changed_entries(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    refs = past(client, admin)
    embed(app)
    new = declare(client, admin, **LATER)["ref"]
    embed(app)
    assert similar(client, admin, new)[0]["entry"]["ref"] == refs["shop"]
    # The earlier incident is retold as something else entirely: its vector is redone.
    clock.advance(minutes=5)  # later: the job sees that an entry was indexed since its round
    body = {
        "title": "Payroll export misses overtime hours",
        "description": "Salary files lack the extra shifts.",
    }
    ok(client.patch(f"/api/v1/incidents/{refs['shop']}", json=body, headers=admin.headers))
    assert embed(app) >= 1
    assert embed(app) == 0  # nothing left to redo
    after = [s for s in similar(client, admin, new) if s["entry"]["ref"] == refs["shop"]]
    assert not any(r.endswith("in meaning") for s in after for r in s["reasons"])


def test_restricted_incidents_stay_hidden(
    app: FastAPI, client: TestClient, admin: User, responder: User
) -> None:
    analyst = make_user(app, Role.responder, "Sam Security")
    team = {"name": "Security", "members": [analyst.email], "sees_restricted": True}
    ok(client.post("/api/v1/teams", json=team, headers=admin.headers), 201)
    slow = {"title": "Slow page loads on the shop",
            "description": "Latency up to eight seconds on product pages."}  # fmt: skip
    breach = declare(client, analyst, kind="security", **slow)["ref"]
    resolve(client, analyst, breach, "Removed an injected script that slowed the pages.")
    new = declare(client, responder, **LATER)["ref"]
    embed(app)
    assert breach not in [s["entry"]["ref"] for s in similar(client, responder, new)]
    assert breach in [s["entry"]["ref"] for s in similar(client, analyst, new)]


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.usefixtures("offline")
def test_the_model_comes_from_the_package_alone() -> None:
    vectors = WordLlamaEncoder().encode(
        ["Slow page loads on the shop", "Web store sluggish", "Invoice PDFs come out blank"]
    )  # fmt: skip
    assert vectors.shape == (3, 256)
    norms = (vectors**2).sum(axis=1)
    assert all(abs(n - 1) < 1e-3 for n in norms)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.1


def test_an_unknown_model_is_refused() -> None:
    assert load(None) is None
    with pytest.raises(SemanticUnavailable, match="unknown semantic model 'gpt'"):
        load("gpt")
