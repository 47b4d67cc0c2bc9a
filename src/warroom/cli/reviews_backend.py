"""What ``warroom postmortem`` and ``warroom action`` need, on the local database (acting as
``--as`` or the first admin; a responder to write, a viewer to read, as the API demands) or
over HTTP. Both answer with the API's shapes and raise ``Problem``."""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import quote

from pydantic import Field
from sqlalchemy.orm import Session

from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.cli.local import LocalBackend
from warroom.cli.remote import RemoteBackend
from warroom.db import make_engine, make_session_factory
from warroom.incidents.models import Incident
from warroom.incidents.schemas import Strict
from warroom.incidents.service import access_incident
from warroom.reviews import actions, present, service
from warroom.reviews.rules import ActionStatus, PostmortemState
from warroom.reviews.schemas import (
    ActionItemIn,
    ActionItemOut,
    ActionItemPatch,
    PostmortemOut,
    PostmortemPatch,
    PostmortemSummary,
)

MOVES = {"submit": PostmortemState.in_review, "publish": PostmortemState.published,
         "reopen": PostmortemState.draft}  # fmt: skip


class ActionQuery(Strict):
    """The filters of ``GET /api/v1/action-items``, under the API's own parameter names."""

    status: list[ActionStatus] = Field(default_factory=list)
    owner: str | None = None
    overdue: bool | None = None
    incident: str | None = None


class ReviewsBackend(Protocol):
    def timezone(self) -> str: ...
    def postmortem(self, ref: str) -> PostmortemOut: ...
    def draft(self, ref: str, redraft: bool) -> PostmortemOut: ...
    def edit(self, ref: str, data: PostmortemPatch) -> PostmortemOut: ...
    def move(self, ref: str, move: str, version: int | None) -> PostmortemOut: ...
    def postmortems(
        self, states: list[PostmortemState], overdue: bool | None
    ) -> list[PostmortemSummary]: ...
    def actions(self, query: ActionQuery) -> list[ActionItemOut]: ...
    def add_action(self, ref: str, data: ActionItemIn) -> ActionItemOut: ...
    def update_action(self, item_id: int, data: ActionItemPatch) -> ActionItemOut: ...
    def close(self) -> None: ...


class LocalReviews(LocalBackend):
    @classmethod
    def on(cls, database_url: str, as_email: str | None = None) -> LocalReviews:
        engine = make_engine(database_url)
        return cls(make_session_factory(engine), as_email, engine=engine)

    def _answer(self, session: Session, incident: Incident) -> PostmortemOut:
        found = service.access_postmortem(session=session, incident=incident)
        return present.postmortem_out(session, incident, found, self._clock())

    def postmortem(self, ref: str) -> PostmortemOut:
        with self._unit() as (session, actor):
            return self._answer(session, access_incident(session=session, ref=ref, actor=actor))

    def draft(self, ref: str, redraft: bool) -> PostmortemOut:
        with self._unit(Role.responder) as (session, actor):
            incident = access_incident(session=session, ref=ref, actor=actor)
            service.do_draft(session=session, incident=incident, actor=actor, now=self._clock(),
                             redraft=redraft)  # fmt: skip
            return self._answer(session, incident)

    def edit(self, ref: str, data: PostmortemPatch) -> PostmortemOut:
        with self._unit(Role.responder) as (session, actor):
            incident = access_incident(session=session, ref=ref, actor=actor)
            found = service.access_postmortem(session=session, incident=incident)
            service.do_edit(session=session, incident=incident, postmortem=found, actor=actor,
                            data=data, now=self._clock())  # fmt: skip
            return self._answer(session, incident)

    def move(self, ref: str, move: str, version: int | None) -> PostmortemOut:
        with self._unit(Role.responder) as (session, actor):
            incident = access_incident(session=session, ref=ref, actor=actor)
            found = service.access_postmortem(session=session, incident=incident)
            service.do_move(session=session, incident=incident, postmortem=found, actor=actor,
                            target=MOVES[move], now=self._clock(), version=version)  # fmt: skip
            return self._answer(session, incident)

    def postmortems(
        self, states: list[PostmortemState], overdue: bool | None
    ) -> list[PostmortemSummary]:
        now = self._clock()
        with self._unit() as (session, actor):
            wanted = service.PostmortemFilter(tuple(states), overdue)
            rows = service.list_postmortems(session=session, actor=actor, wanted=wanted, now=now)
            return [present.summary_out(r, now) for r in rows]

    def actions(self, query: ActionQuery) -> list[ActionItemOut]:
        now = self._clock()
        with self._unit() as (session, actor):
            incident_id = _incident_id(session, actor, query.incident)
            wanted = actions.ActionFilter(tuple(query.status), query.owner, query.overdue,
                                          incident_id)  # fmt: skip
            rows = actions.list_actions(session=session, actor=actor, wanted=wanted, now=now)
            return [present.action_out(i, n, now) for i, n in rows]

    def add_action(self, ref: str, data: ActionItemIn) -> ActionItemOut:
        now = self._clock()
        with self._unit(Role.responder) as (session, actor):
            incident = access_incident(session=session, ref=ref, actor=actor)
            item = actions.do_add_action(session=session, incident=incident, actor=actor,
                                         data=data, now=now)  # fmt: skip
            return present.action_out(item, incident, now)

    def update_action(self, item_id: int, data: ActionItemPatch) -> ActionItemOut:
        now = self._clock()
        with self._unit(Role.responder) as (session, actor):
            item, incident = actions.access_action(session=session, item_id=item_id, actor=actor)
            actions.do_update_action(session=session, incident=incident, item=item, actor=actor,
                                     data=data, now=now)  # fmt: skip
            return present.action_out(item, incident, now)


def _incident_id(session: Session, actor: Actor, ref: str | None) -> int | None:
    return access_incident(session=session, ref=ref, actor=actor).id if ref else None


def _pm(ref: str, rest: str = "") -> str:
    return f"/incidents/{quote(ref.strip(), safe='')}/postmortem{rest}"


class RemoteReviews(RemoteBackend):
    def _postmortem(self, method: str, path: str, **kwargs: Any) -> PostmortemOut:
        return PostmortemOut.model_validate(self._call(method, path, **kwargs))

    def postmortem(self, ref: str) -> PostmortemOut:
        return self._postmortem("GET", _pm(ref))

    def draft(self, ref: str, redraft: bool) -> PostmortemOut:
        return self._postmortem("POST", _pm(ref), params={"redraft": str(redraft).lower()})

    def edit(self, ref: str, data: PostmortemPatch) -> PostmortemOut:
        body = data.model_dump(mode="json", exclude_none=True)
        return self._postmortem("PATCH", _pm(ref), json=body)

    def move(self, ref: str, move: str, version: int | None) -> PostmortemOut:
        params = {"version": version} if version is not None else {}
        return self._postmortem("POST", _pm(ref, f"/{move}"), params=params)

    def postmortems(
        self, states: list[PostmortemState], overdue: bool | None
    ) -> list[PostmortemSummary]:
        params: dict[str, Any] = {"state": [s.value for s in states]}
        if overdue is not None:
            params["overdue"] = str(overdue).lower()
        rows = self._call("GET", "/postmortems", params=params)
        return [PostmortemSummary.model_validate(row) for row in rows]

    def actions(self, query: ActionQuery) -> list[ActionItemOut]:
        params = query.model_dump(mode="json", exclude_none=True)
        rows = self._call("GET", "/action-items", params=params)
        return [ActionItemOut.model_validate(row) for row in rows]

    def add_action(self, ref: str, data: ActionItemIn) -> ActionItemOut:
        path = f"/incidents/{quote(ref.strip(), safe='')}/action-items"
        body = data.model_dump(mode="json", exclude_none=True)
        return ActionItemOut.model_validate(self._call("POST", path, json=body))

    def update_action(self, item_id: int, data: ActionItemPatch) -> ActionItemOut:
        # Only what was given: a null sent on purpose clears the owner, due date or URL.
        body = data.model_dump(mode="json", exclude_unset=True)
        return ActionItemOut.model_validate(self._call("PATCH", f"/action-items/{item_id}",
                                                       json=body))  # fmt: skip
