"""What ``warroom change`` and ``warroom window`` need, on the local database (acting as ``--as``
or the first admin, with the role the API route demands: a responder to write changes, a
manager for windows, a viewer to read) or over HTTP. Both answer with the API's documents and raise
``Problem``; a start the gate refuses carries its conflicts, as the API's 409 does."""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import quote

from pydantic import Field

from warroom.access.rules import Role
from warroom.access.service import ensure_secret
from warroom.changes import deploys, gate, lifecycle, present, save, service, windows
from warroom.changes.conflicts import evaluate
from warroom.changes.ical import feed_address
from warroom.changes.rules import ChangeState, ChangeType, Conflict
from warroom.changes.schemas import (
    ApprovalIn,
    AtRiskOut,
    ChangeCreate,
    ChangeDetail,
    ChangeEventIn,
    ChangeFeedOut,
    ChangeOut,
    ChangeUpdate,
    ConflictOut,
    HoldIn,
    MarkIn,
    SuspectOut,
    WindowIn,
    WindowOut,
)
from warroom.cli.local import LocalBackend
from warroom.cli.problems import from_error
from warroom.cli.remote import RemoteBackend
from warroom.db import make_engine, make_session_factory
from warroom.errors import Blocked
from warroom.incidents.schemas import AwareDatetime, Strict
from warroom.incidents.service import access_incident
from warroom.settings import load_settings

CHANGES = "/changes"
WINDOWS = "/windows"


class ChangeQuery(Strict):
    """The filters of ``GET /api/v1/changes``, under the API's own parameter names."""

    state: list[ChangeState] = Field(default_factory=list)
    type: list[ChangeType] = Field(default_factory=list)
    since: AwareDatetime = None
    until: AwareDatetime = None
    service: str | None = None
    limit: int = Field(default=500, ge=1, le=2000)


class ChangesBackend(Protocol):
    def timezone(self) -> str: ...
    def changes(self, query: ChangeQuery) -> list[ChangeOut]: ...
    def change(self, ref: str) -> ChangeDetail: ...
    def create(self, data: ChangeCreate) -> ChangeDetail: ...
    def edit(self, ref: str, data: ChangeUpdate) -> ChangeDetail: ...
    def conflicts(self, ref: str) -> list[ConflictOut]: ...
    def decide(self, ref: str, data: ApprovalIn) -> ChangeDetail: ...
    def hold(self, ref: str, data: HoldIn) -> ChangeDetail: ...
    def release(self, ref: str, data: HoldIn) -> ChangeDetail: ...
    def record(self, data: ChangeEventIn) -> ChangeDetail: ...
    def at_risk(self, incident: str, hours: int) -> list[AtRiskOut]: ...
    def suspects(self, incident: str, hours: int) -> list[SuspectOut]: ...
    def mark(self, incident: str, change: str, data: MarkIn) -> list[SuspectOut]: ...
    def clear_mark(self, incident: str, change: str) -> None: ...
    def feed(self) -> ChangeFeedOut: ...
    def windows(self, kind: str | None, past: bool) -> list[WindowOut]: ...
    def window(self, window_id: int) -> WindowOut: ...
    def create_window(self, data: WindowIn) -> WindowOut: ...
    def delete_window(self, window_id: int) -> WindowOut: ...
    def close(self) -> None: ...


def _base_url() -> str:
    """Where people reach the server: the base of each change's ``url``, as a server on this
    configuration would write it."""
    return load_settings().base_url


class LocalChanges(LocalBackend):
    @classmethod
    def on(cls, database_url: str, as_email: str | None = None) -> LocalChanges:
        engine = make_engine(database_url)
        return cls(make_session_factory(engine), as_email, engine=engine)

    def changes(self, query: ChangeQuery) -> list[ChangeOut]:
        wanted = service.ChangeFilter(
            tuple(s.value for s in query.state),
            tuple(t.value for t in query.type),
            query.since,
            query.until,
            query.service,
            query.limit,
        )
        with self._unit() as (session, _actor):
            rows = service.list_changes(session=session, wanted=wanted)
            return present.changes_out(session, rows, self._clock(), _base_url())

    def change(self, ref: str) -> ChangeDetail:
        with self._unit() as (session, _actor):
            found = service.access_change(session=session, ref=ref)
            return present.change_detail(session, found, self._clock(), _base_url())

    def create(self, data: ChangeCreate) -> ChangeDetail:
        now = self._clock()
        with self._unit(Role.responder) as (session, actor):
            made = save.do_new_change(session=session, actor=actor, data=data, now=now)
            return present.change_detail(session, made, now, _base_url())

    def edit(self, ref: str, data: ChangeUpdate) -> ChangeDetail:
        now, base = self._clock(), _base_url()
        with self._unit(Role.responder) as (session, actor):
            found = service.access_change(session=session, ref=ref)
            try:
                save.do_patch_change(
                    session=session, change=found, actor=actor, data=data, now=now, base_url=base
                )
            except Blocked as exc:
                # The API's 409 lists what blocks; the shared mapping would drop that list.
                problem = from_error(exc)
                problem.body.update(exc.extra)
                raise problem from exc
            return present.change_detail(session, found, now, base)

    def conflicts(self, ref: str) -> list[ConflictOut]:
        with self._unit() as (session, _actor):
            found = service.access_change(session=session, ref=ref)
            hits = evaluate(session=session, changes=[found], now=self._clock())[found.id]
            return [_conflict_out(c) for c in hits]

    def decide(self, ref: str, data: ApprovalIn) -> ChangeDetail:
        now = self._clock()
        with self._unit(Role.responder) as (session, actor):
            found = service.access_change(session=session, ref=ref)
            approve = data.decision == "approved"
            lifecycle.do_decide(
                session=session,
                change=found,
                actor=actor,
                approve=approve,
                comment=data.comment,
                now=now,
            )
            return present.change_detail(session, found, now, _base_url())

    def hold(self, ref: str, data: HoldIn) -> ChangeDetail:
        now, base = self._clock(), _base_url()
        with self._unit(Role.responder) as (session, actor):
            found = service.access_change(session=session, ref=ref)
            incident = service.check_incident_ref(session, data.incident, actor)
            lifecycle.do_hold(
                session=session, change=found, actor=actor, reason=data.reason, now=now,
                incident=incident, base_url=base,
            )  # fmt: skip
            return present.change_detail(session, found, now, base)

    def release(self, ref: str, data: HoldIn) -> ChangeDetail:
        now = self._clock()
        with self._unit(Role.responder) as (session, actor):
            found = service.access_change(session=session, ref=ref)
            lifecycle.do_release(
                session=session, change=found, actor=actor, reason=data.reason, now=now
            )
            return present.change_detail(session, found, now, _base_url())

    def record(self, data: ChangeEventIn) -> ChangeDetail:
        now = self._clock()
        with self._unit(Role.responder) as (session, _actor):
            deploy = deploys.deploy_of_api(
                session=session, title=data.summary, at=data.occurred_at or now,
                services=data.services, assets=data.assets, links=list(data.links),
                details=data.details, external_id=data.external_id,
            )  # fmt: skip
            made = deploys.do_record_deploy(session=session, deploy=deploy, now=now)
            return present.change_detail(session, made, now, _base_url())

    def at_risk(self, incident: str, hours: int) -> list[AtRiskOut]:
        now = self._clock()
        with self._unit() as (session, actor):
            found = access_incident(session=session, ref=incident, actor=actor)
            hits = gate.at_risk(session=session, incident=found, now=now, hours=hours)
            return present.at_risk_out(session, hits, now, _base_url())

    def suspects(self, incident: str, hours: int) -> list[SuspectOut]:
        now = self._clock()
        with self._unit() as (session, actor):
            found = access_incident(session=session, ref=incident, actor=actor)
            ranked = gate.suspects(session=session, incident=found, now=now, hours=hours)
            return present.suspects_out(session, ranked, now, _base_url())

    def mark(self, incident: str, change: str, data: MarkIn) -> list[SuspectOut]:
        now = self._clock()
        with self._unit(Role.responder) as (session, actor):
            found = access_incident(session=session, ref=incident, actor=actor)
            target = service.access_change(session=session, ref=change)
            gate.do_mark(
                session=session, incident=found, change=target, actor=actor, mark=data.mark,
                note=data.note, now=now,
            )  # fmt: skip
            ranked = gate.suspects(session=session, incident=found, now=now)
            return present.suspects_out(session, ranked, now, _base_url())

    def clear_mark(self, incident: str, change: str) -> None:
        now = self._clock()
        with self._unit(Role.responder) as (session, actor):
            found = access_incident(session=session, ref=incident, actor=actor)
            target = service.access_change(session=session, ref=change)
            gate.do_mark(
                session=session, incident=found, change=target, actor=actor, mark=None,
                note="", now=now,
            )  # fmt: skip

    def feed(self) -> ChangeFeedOut:
        settings = load_settings()
        with self._unit() as (session, _actor):
            # The key a server on this database signs with, as ``create_app`` chooses it.
            secret = settings.secret_key or ensure_secret(session=session)
        return feed_address(settings.base_url, secret)

    def windows(self, kind: str | None, past: bool) -> list[WindowOut]:
        now = self._clock()
        with self._unit() as (session, _actor):
            rows = windows.list_windows(session=session, now=now, kind=kind, include_past=past)
            return [windows.window_out(w, now) for w in rows]

    def window(self, window_id: int) -> WindowOut:
        with self._unit() as (session, _actor):
            found = windows.access_window(session=session, window_id=window_id)
            return windows.window_out(found, self._clock())

    def create_window(self, data: WindowIn) -> WindowOut:
        with self._unit(Role.responder) as (session, actor):
            windows.check_may_edit(actor, data.kind)
            made = windows.do_create_window(
                session=session, actor=actor, data=data, now=self._clock()
            )
            return windows.window_out(made, self._clock())

    def delete_window(self, window_id: int) -> WindowOut:
        with self._unit(Role.responder) as (session, actor):
            found = windows.access_window(session=session, window_id=window_id)
            windows.check_may_edit(actor, found.kind)
            gone = windows.window_out(found, self._clock())
            windows.do_delete_window(session=session, window=found, now=self._clock())
            return gone


def _conflict_out(conflict: Conflict) -> ConflictOut:
    return ConflictOut.model_validate(lifecycle.conflict_json(conflict))


def _path(ref: str) -> str:
    return f"{CHANGES}/{quote(ref.strip(), safe='')}"


def _incident(ref: str) -> str:
    return f"/incidents/{quote(ref.strip(), safe='')}"


def _body(data: Strict) -> dict[str, Any]:
    return data.model_dump(mode="json", exclude_none=True)


class RemoteChanges(RemoteBackend):
    def changes(self, query: ChangeQuery) -> list[ChangeOut]:
        rows = self._call("GET", CHANGES, params=_body(query))
        return [ChangeOut.model_validate(r) for r in rows]

    def change(self, ref: str) -> ChangeDetail:
        return ChangeDetail.model_validate(self._call("GET", _path(ref)))

    def create(self, data: ChangeCreate) -> ChangeDetail:
        return ChangeDetail.model_validate(self._call("POST", CHANGES, json=_body(data)))

    def edit(self, ref: str, data: ChangeUpdate) -> ChangeDetail:
        body = data.model_dump(mode="json", exclude_unset=True)
        return ChangeDetail.model_validate(self._call("PATCH", _path(ref), json=body))

    def conflicts(self, ref: str) -> list[ConflictOut]:
        rows = self._call("GET", _path(ref) + "/conflicts")
        return [ConflictOut.model_validate(r) for r in rows]

    def decide(self, ref: str, data: ApprovalIn) -> ChangeDetail:
        path = _path(ref) + "/approvals"
        return ChangeDetail.model_validate(self._call("POST", path, json=_body(data)))

    def hold(self, ref: str, data: HoldIn) -> ChangeDetail:
        path = _path(ref) + "/hold"
        return ChangeDetail.model_validate(self._call("POST", path, json=_body(data)))

    def release(self, ref: str, data: HoldIn) -> ChangeDetail:
        path = _path(ref) + "/release"
        return ChangeDetail.model_validate(self._call("POST", path, json=_body(data)))

    def record(self, data: ChangeEventIn) -> ChangeDetail:
        return ChangeDetail.model_validate(self._call("POST", "/change-events", json=_body(data)))

    def at_risk(self, incident: str, hours: int) -> list[AtRiskOut]:
        rows = self._call("GET", _incident(incident) + "/changes", params={"hours": hours})
        return [AtRiskOut.model_validate(r) for r in rows]

    def suspects(self, incident: str, hours: int) -> list[SuspectOut]:
        rows = self._call("GET", _incident(incident) + "/suspects", params={"hours": hours})
        return [SuspectOut.model_validate(r) for r in rows]

    def mark(self, incident: str, change: str, data: MarkIn) -> list[SuspectOut]:
        path = f"{_incident(incident)}/suspects/{quote(change.strip(), safe='')}"
        return [SuspectOut.model_validate(r) for r in self._call("PUT", path, json=_body(data))]

    def clear_mark(self, incident: str, change: str) -> None:
        self._send("DELETE", f"{_incident(incident)}/suspects/{quote(change.strip(), safe='')}")

    def feed(self) -> ChangeFeedOut:
        return ChangeFeedOut.model_validate(self._call("GET", "/changes-feed"))

    def windows(self, kind: str | None, past: bool) -> list[WindowOut]:
        params = {"past": "true" if past else "false"} | ({"kind": kind} if kind else {})
        return [WindowOut.model_validate(r) for r in self._call("GET", WINDOWS, params=params)]

    def window(self, window_id: int) -> WindowOut:
        return WindowOut.model_validate(self._call("GET", f"{WINDOWS}/{window_id}"))

    def create_window(self, data: WindowIn) -> WindowOut:
        return WindowOut.model_validate(self._call("POST", WINDOWS, json=_body(data)))

    def delete_window(self, window_id: int) -> WindowOut:
        # The API answers 204 with no body; the window is read first so it can be named.
        gone = self.window(window_id)
        self._send("DELETE", f"{WINDOWS}/{window_id}")
        return gone
