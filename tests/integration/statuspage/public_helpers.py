"""A status page as the public would find it after a bad night, written through the service
functions: components in a group, a published critical incident tied to an internal one, a
resolved one, maintenances upcoming and under way, and drafts that must stay inside."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI

from tests.conftest import make_user
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.db import transaction
from warroom.statuspage import components, publishing
from warroom.statuspage.rules import ComponentStatus
from warroom.statuspage.schemas import AffectedIn, ComponentIn, PublicIncidentIn, UpdateIn

# Words that exist only inside: none may reach a public body.
SECRET_SERVICE = "ledger-internal-svc"
SECRET_TITLE = "Primary db-7 disk full after runaway vacuum"
DRAFT_NAME = "Draft that nobody approved"
DRAFT_BODY = "Draft wording still under review"


@dataclass
class Seeded:
    codes: dict[str, str]  # component name → code
    critical: str  # the open, published incident tied to the internal one
    resolved: str
    upcoming: str
    active: str
    draft: str  # never published
    internal_ref: str


def manager(app: FastAPI) -> Actor:
    user = make_user(app, Role.manager, "Mona Manager")
    return Actor(user.person_id, user.name, user.email, Role.manager)


def make_components(app: FastAPI, service: str | None = None) -> dict[str, str]:
    """The group Shop holds Checkout and Search; Docs stands alone."""
    specs = [
        ComponentIn(name="Shop", is_group=True, position=1),
        ComponentIn(name="Checkout", group="Shop", service=service, position=2),
        ComponentIn(name="Search", group="Shop", position=3, description="Finding products"),
        ComponentIn(name="Docs", position=4),
    ]
    with transaction(app.state.sessions) as session:
        made = [
            components.do_create_component(session=session, data=s, now=app.state.clock())
            for s in specs
        ]
        return {c.name: c.code for c in made}


def publish(app: FastAPI, actor: Actor, data: PublicIncidentIn) -> str:
    """Open and approve at once; returns the public code."""
    with transaction(app.state.sessions) as session:
        now = app.state.clock()
        public = publishing.do_open(session=session, actor=actor, data=data, now=now)
        publishing.do_approve(session=session, actor=actor, update=public.updates[0], now=now)
        return public.code


def open_draft(app: FastAPI, actor: Actor, data: PublicIncidentIn) -> str:
    with transaction(app.state.sessions) as session:
        now = app.state.clock()
        return publishing.do_open(session=session, actor=actor, data=data, now=now).code


def add_update(
    app: FastAPI, actor: Actor, code: str, data: UpdateIn, *, approve: bool = True
) -> None:
    with transaction(app.state.sessions) as session:
        now = app.state.clock()
        public = publishing.access_public_incident(session=session, ref=code)
        update = publishing.do_add_update(
            session=session, actor=actor, public=public, data=data, now=now
        )
        if approve:
            publishing.do_approve(session=session, actor=actor, update=update, now=now)


def affected(*parts: tuple[str, str]) -> list[AffectedIn]:
    return [AffectedIn(component=c, status=ComponentStatus(s)) for c, s in parts]


def incident(name: str, body: str, *parts: tuple[str, str], **extra: Any) -> PublicIncidentIn:
    return PublicIncidentIn(name=name, body=body, components=affected(*parts), **extra)


def maintenance(name: str, start: datetime, status: str = "scheduled") -> PublicIncidentIn:
    return PublicIncidentIn(
        name=name,
        kind="maintenance",
        status=status,
        body=f"{name}: we will work on the search index.",
        scheduled_for=start,
        scheduled_until=start + timedelta(hours=2),
    )


def seed(app: FastAPI, clock: Any, internal_ref: str, service: str | None = None) -> Seeded:
    """Advances ``clock`` between steps, as a real night would."""
    actor = manager(app)
    codes = make_components(app, service)
    clock.advance(minutes=5)
    slow = incident("Slow search", "Searches are slow.", ("Search", "degraded_performance"))
    resolved = publish(app, actor, slow)
    clock.advance(minutes=30)
    fixed = affected(("Search", "operational"))
    add_update(
        app, actor, resolved, UpdateIn(status="resolved", body="Fast again.", components=fixed)
    )
    clock.advance(minutes=10)
    critical = publish(
        app,
        actor,
        incident(
            "Checkout unavailable",
            "Payments fail for every customer; we are investigating.",
            ("Checkout", "major_outage"),
            impact="critical",
            incident=internal_ref,
        ),
    )
    clock.advance(minutes=5)
    later = UpdateIn(
        status="identified", body=DRAFT_BODY, components=affected(("Docs", "major_outage"))
    )
    add_update(app, actor, critical, later, approve=False)
    draft = open_draft(app, actor, incident(DRAFT_NAME, DRAFT_BODY, ("Docs", "major_outage")))
    upcoming = publish(app, actor, maintenance("Index rebuild", clock.now + timedelta(days=2)))
    active = publish(app, actor, maintenance("Cache upgrade", clock.now, "in_progress"))
    return Seeded(codes, critical, resolved, upcoming, active, draft, internal_ref)
