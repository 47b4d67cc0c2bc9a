"""What ``warroom kb`` needs, on the local database (acting as ``--as`` or the first admin,
with the API's role checks) or over HTTP. Both answer with the API's documents."""

from __future__ import annotations

from typing import Protocol
from urllib.parse import quote

from pydantic import TypeAdapter

from warroom.access.rules import Role
from warroom.cli.local import LocalBackend
from warroom.cli.remote import RemoteBackend
from warroom.db import make_engine, make_session_factory
from warroom.incidents.service import access_incident
from warroom.knowledge import indexer, service
from warroom.knowledge.present import solution_out, suggestion_out
from warroom.knowledge.schemas import (
    FeedbackIn,
    FeedbackOut,
    SolutionIn,
    SolutionOut,
    SuggestionOut,
)
from warroom.knowledge.semantic import Meaning, load
from warroom.knowledge.similar import search, similar
from warroom.settings import load_settings

Suggestions = TypeAdapter(list[SuggestionOut])
Solutions = TypeAdapter(list[SolutionOut])


class KnowledgeBackend(Protocol):
    def timezone(self) -> str: ...
    def search(self, q: str, limit: int) -> list[SuggestionOut]: ...
    def similar(self, ref: str, limit: int) -> list[SuggestionOut]: ...
    def mark(self, ref: str, data: FeedbackIn) -> FeedbackOut: ...
    def solutions(self) -> list[SolutionOut]: ...
    def add_solution(self, data: SolutionIn) -> SolutionOut: ...
    def close(self) -> None: ...


class LocalKnowledge(LocalBackend):
    @classmethod
    def on(cls, database_url: str, as_email: str | None = None) -> LocalKnowledge:
        engine = make_engine(database_url)
        backend = cls(make_session_factory(engine), as_email, engine=engine)
        backend.meaning = load(load_settings().semantic_model)
        return backend

    meaning: Meaning | None = None

    def _sync(self) -> None:
        """The index follows the timeline in the worker; a command on the database may run
        with no worker about, so it catches up first (vectors too, when semantic search is on)."""
        with self._unit() as (session, _actor):
            while indexer.sync(session, self._clock()) >= indexer.BATCH:
                pass
            while self.meaning is not None and self.meaning.embed_pending(session, 256):
                pass

    def search(self, q: str, limit: int) -> list[SuggestionOut]:
        self._sync()
        with self._unit() as (session, actor):
            found = search(session, q, actor, limit, self.meaning)
            return [suggestion_out(session, s) for s in found]

    def similar(self, ref: str, limit: int) -> list[SuggestionOut]:
        self._sync()
        with self._unit() as (session, actor):
            incident = access_incident(session=session, ref=ref, actor=actor)
            found = similar(session, incident, actor, limit, self.meaning)
            return [suggestion_out(session, s) for s in found]

    def mark(self, ref: str, data: FeedbackIn) -> FeedbackOut:
        with self._unit(Role.responder) as (session, actor):
            incident = access_incident(session=session, ref=ref, actor=actor)
            good, bad = service.do_mark(session, incident, actor, data, self._clock())
            return FeedbackOut(entry_id=data.entry_id, helpful=data.helpful,
                               helpful_marks=good, unhelpful_marks=bad)  # fmt: skip

    def solutions(self) -> list[SolutionOut]:
        with self._unit() as (session, actor):
            return [solution_out(s) for s in service.list_solutions(session, actor)]

    def add_solution(self, data: SolutionIn) -> SolutionOut:
        with self._unit(Role.responder) as (session, actor):
            return solution_out(service.do_save_solution(session, actor, data, self._clock()))


class RemoteKnowledge(RemoteBackend):
    def search(self, q: str, limit: int) -> list[SuggestionOut]:
        return Suggestions.validate_python(
            self._call("GET", "/knowledge", params={"q": q, "limit": limit})
        )

    def similar(self, ref: str, limit: int) -> list[SuggestionOut]:
        path = f"/incidents/{quote(ref.strip(), safe='')}/similar"
        return Suggestions.validate_python(self._call("GET", path, params={"limit": limit}))

    def mark(self, ref: str, data: FeedbackIn) -> FeedbackOut:
        path = f"/incidents/{quote(ref.strip(), safe='')}/similar/feedback"
        return FeedbackOut.model_validate(self._call("POST", path, json=data.model_dump()))

    def solutions(self) -> list[SolutionOut]:
        return Solutions.validate_python(self._call("GET", "/solutions"))

    def add_solution(self, data: SolutionIn) -> SolutionOut:
        body = data.model_dump(mode="json", exclude_none=True)
        return SolutionOut.model_validate(self._call("POST", "/solutions", json=body))
