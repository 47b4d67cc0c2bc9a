"""Events reach listeners only once the outermost transaction commits: a released savepoint
is not a commit, and a savepoint rolled back takes only its own events with it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from warroom.events import Dispatcher, DomainEvent, emit


@pytest.fixture
def wired() -> Iterator[tuple[sessionmaker[Session], list[str]]]:
    engine = create_engine("sqlite://")
    sessions = sessionmaker(bind=engine)
    dispatcher = Dispatcher()
    dispatcher.bind(sessions)
    heard: list[str] = []
    dispatcher.subscribe("*", lambda event: heard.append(event.name))
    yield sessions, heard
    engine.dispose()


def say(session: Session, name: str) -> None:
    emit(session, DomainEvent(name, "subject"))


def test_a_released_savepoint_publishes_nothing_until_the_commit(
    wired: tuple[sessionmaker[Session], list[str]],
) -> None:
    sessions, heard = wired
    with sessions() as session:
        session.execute(text("select 1"))
        say(session, "before")
        with session.begin_nested():
            say(session, "inside")
        assert heard == []  # the outer work could still roll back
        session.commit()
    assert heard == ["before", "inside"]


def test_a_savepoint_rolled_back_drops_only_its_own_events(
    wired: tuple[sessionmaker[Session], list[str]],
) -> None:
    sessions, heard = wired
    with sessions() as session:
        session.execute(text("select 1"))
        say(session, "kept")
        savepoint = session.begin_nested()
        say(session, "undone")
        savepoint.rollback()
        say(session, "after")
        session.commit()
    assert heard == ["kept", "after"]


def test_a_rollback_drops_everything(wired: tuple[sessionmaker[Session], list[str]]) -> None:
    sessions, heard = wired
    with sessions() as session:
        session.execute(text("select 1"))
        say(session, "lost")
        with session.begin_nested():
            say(session, "lost too")
        session.rollback()
        session.commit()
    assert heard == []
