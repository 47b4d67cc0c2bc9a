"""``Backend`` on the local database: the services, called in one transaction per command."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from warroom.access.models import Person
from warroom.access.rules import Role
from warroom.access.service import Actor, actor_for
from warroom.audit.recorder import acting
from warroom.changes.watch import ensure_change_watch
from warroom.cli.backend import ListQuery
from warroom.cli.problems import Problem, from_error, invalid, problem_body
from warroom.db import make_engine, make_session_factory, transaction, upgrade, utcnow
from warroom.errors import PermissionDenied, VersionConflict, WarroomError
from warroom.incidents import present
from warroom.incidents.declare import do_declare
from warroom.incidents.schemas import (
    IncidentCreate,
    IncidentDetail,
    IncidentOut,
    IncidentUpdate,
    NoteCreate,
    Page,
    TimelineEventOut,
)
from warroom.incidents.service import IncidentFilter, access_incident, list_incidents, timeline
from warroom.incidents.timeline import do_add_note
from warroom.incidents.update import do_update
from warroom.oncall.paging_hooks import ensure_paging
from warroom.reviews.hooks import ensure_reviews
from warroom.settings import load_settings
from warroom.statuspage.notify import ensure_subscriber_notices


@contextmanager
def local_transaction(*, migrate: bool = False) -> Iterator[Session]:
    """One transaction on ``WARROOM_DATABASE_URL``, migrating first when asked."""
    engine = make_engine(load_settings().database_url)
    try:
        if migrate:
            upgrade(engine)
        with transaction(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def first_admin(session: Session) -> Person | None:
    query = select(Person).where(Person.role == Role.admin.value, Person.active.is_(True))
    return session.scalars(query.order_by(Person.id).limit(1)).first()


def acting_person(session: Session, email: str | None) -> Person:
    """``--as`` names who acts; without it the first admin does, as ``init`` set up."""
    if email:
        person = session.scalar(select(Person).where(Person.email == email.strip().lower()))
        if person is None or not person.active:
            raise invalid("as", f"no active person with email {email!r}")
        return person
    person = first_admin(session)
    if person is None:
        raise Problem(
            problem_body(
                409, "Not initialised", "there is no admin yet: run `warroom init` or pass --as"
            )
        )
    return person


class LocalBackend:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        as_email: str | None = None,
        clock: Callable[[], datetime] = utcnow,
        engine: Engine | None = None,
    ) -> None:
        self._sessions, self._as, self._clock, self._engine = sessions, as_email, clock, engine
        # Incidents changed from a terminal page people as they would through the server.
        settings = load_settings()
        ensure_paging(sessions, settings)
        ensure_change_watch(sessions, settings)
        ensure_subscriber_notices(sessions, settings)
        ensure_reviews(sessions)

    @classmethod
    def open(cls, database_url: str, as_email: str | None = None) -> LocalBackend:
        engine = make_engine(database_url)
        return cls(make_session_factory(engine), as_email, engine=engine)

    @contextmanager
    def _unit(self, need: Role = Role.viewer) -> Iterator[tuple[Session, Actor]]:
        """One transaction acting as the chosen person, who needs the role the API route
        would demand; service errors become problems."""
        try:
            with transaction(self._sessions) as session:
                actor = actor_for(acting_person(session, self._as))
                acting(session, f"person:{actor.person_id} {actor.email} (command line)")
                if not actor.allows(need):
                    raise PermissionDenied(f"this needs the {need} role; you are {actor.role}")
                yield session, actor
        except WarroomError as exc:
            raise from_error(exc) from exc

    def timezone(self) -> str:
        with self._unit() as (_session, actor):
            return actor.timezone

    def declare(self, data: IncidentCreate) -> IncidentDetail:
        with self._unit(Role.responder) as (session, actor):
            incident = do_declare(session=session, actor=actor, data=data, now=self._clock())
            return present.incident_detail(session, incident)

    def incidents(self, query: ListQuery) -> Page[IncidentOut]:
        wanted = IncidentFilter(
            tuple(query.status), tuple(query.severity), query.kind, query.service, query.since
        )
        with self._unit() as (session, actor):
            rows, nxt = list_incidents(
                session=session, actor=actor, wanted=wanted, cursor=query.cursor, limit=query.limit
            )
            items = [present.incident_out(session, row) for row in rows]
            return Page[IncidentOut](items=items, next_cursor=nxt)

    def show(self, ref: str) -> IncidentDetail:
        with self._unit() as (session, actor):
            incident = access_incident(session=session, ref=ref, actor=actor)
            return present.incident_detail(session, incident)

    def timeline(self, ref: str) -> list[TimelineEventOut]:
        with self._unit() as (session, actor):
            incident = access_incident(session=session, ref=ref, actor=actor)
            return [present.event_out(e) for e in timeline(session=session, incident=incident)]

    def update(self, ref: str, data: IncidentUpdate) -> IncidentDetail:
        try:
            with self._unit(Role.responder) as (session, actor):
                incident = access_incident(session=session, ref=ref, actor=actor)
                now = self._clock()
                do_update(session=session, incident=incident, actor=actor, data=data, now=now)
                return present.incident_detail(session, incident)
        except Problem as exc:
            if exc.body.get("title") == VersionConflict.title:
                # As the API does: show the state that won, so the user can merge.
                exc.body["current"] = self.show(ref).model_dump(mode="json")
            raise

    def note(self, ref: str, data: NoteCreate) -> TimelineEventOut:
        with self._unit(Role.responder) as (session, actor):
            incident = access_incident(session=session, ref=ref, actor=actor)
            event = do_add_note(
                session=session,
                incident=incident,
                actor=actor,
                text=data.text,
                now=self._clock(),
                occurred_at=data.occurred_at,
            )
            session.flush()
            return present.event_out(event)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
