"""What ``warroom security`` needs, on the local database (acting as ``--as`` or the first
admin; a responder to write, a viewer to read, as the API demands) or over HTTP. Both answer
with the API's security record and raise ``Problem``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import quote

from pydantic import BaseModel
from sqlalchemy.orm import Session

from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.cli.local import LocalBackend
from warroom.cli.remote import RemoteBackend
from warroom.db import make_engine, make_session_factory
from warroom.incidents.models import Incident
from warroom.security import evidence, service
from warroom.security.present import security_out
from warroom.security.schemas import (
    ContainmentIn,
    CustodyIn,
    EvidenceIn,
    IndicatorIn,
    PhaseIn,
    ScopeIn,
    SecurityOut,
    SecurityPatch,
)

Act = Callable[[Session, Incident, Actor], object]


class SecurityBackend(Protocol):
    def timezone(self) -> str: ...
    def security(self, ref: str) -> SecurityOut: ...
    def set_impact(self, ref: str, data: SecurityPatch) -> SecurityOut: ...
    def phase(self, ref: str, data: PhaseIn) -> SecurityOut: ...
    def add_indicator(self, ref: str, data: IndicatorIn) -> SecurityOut: ...
    def scope(self, ref: str, hostname: str, data: ScopeIn) -> SecurityOut: ...
    def contain(self, ref: str, data: ContainmentIn) -> SecurityOut: ...
    def add_evidence(self, ref: str, data: EvidenceIn) -> SecurityOut: ...
    def handover(self, ref: str, evidence_id: int, data: CustodyIn) -> SecurityOut: ...
    def close(self) -> None: ...


class LocalSecurity(LocalBackend):
    @classmethod
    def on(cls, database_url: str, as_email: str | None = None) -> LocalSecurity:
        engine = make_engine(database_url)
        return cls(make_session_factory(engine), as_email, engine=engine)

    def _do(self, ref: str, act: Act | None = None) -> SecurityOut:
        now = self._clock()
        with self._unit(Role.responder if act else Role.viewer) as (session, actor):
            incident = service.access_security_incident(session=session, ref=ref, actor=actor)
            if act is not None:
                act(session, incident, actor)
                session.flush()
            return security_out(session, incident, now)

    def security(self, ref: str) -> SecurityOut:
        return self._do(ref)

    def set_impact(self, ref: str, data: SecurityPatch) -> SecurityOut:
        now = self._clock()
        return self._do(ref, lambda s, i, a: service.do_update_security(
            session=s, incident=i, actor=a, data=data, now=now))  # fmt: skip

    def phase(self, ref: str, data: PhaseIn) -> SecurityOut:
        now = self._clock()
        return self._do(ref, lambda s, i, a: service.do_move_phase(
            session=s, incident=i, actor=a, data=data, now=now))  # fmt: skip

    def add_indicator(self, ref: str, data: IndicatorIn) -> SecurityOut:
        now = self._clock()
        return self._do(ref, lambda s, i, a: service.do_add_indicator(
            session=s, incident=i, actor=a, data=data, now=now))  # fmt: skip

    def scope(self, ref: str, hostname: str, data: ScopeIn) -> SecurityOut:
        now = self._clock()
        return self._do(ref, lambda s, i, a: service.do_set_scope(
            session=s, incident=i, actor=a, hostname=hostname, data=data, now=now))  # fmt: skip

    def contain(self, ref: str, data: ContainmentIn) -> SecurityOut:
        now = self._clock()
        return self._do(ref, lambda s, i, a: evidence.do_contain(
            session=s, incident=i, actor=a, data=data, now=now))  # fmt: skip

    def add_evidence(self, ref: str, data: EvidenceIn) -> SecurityOut:
        now = self._clock()
        return self._do(ref, lambda s, i, a: evidence.do_add_evidence(
            session=s, incident=i, actor=a, data=data, now=now))  # fmt: skip

    def handover(self, ref: str, evidence_id: int, data: CustodyIn) -> SecurityOut:
        now = self._clock()

        def act(s: Session, i: Incident, a: Actor) -> object:
            return evidence.do_transfer(session=s, incident=i, actor=a, evidence_id=evidence_id,
                                        data=data, now=now)  # fmt: skip

        return self._do(ref, act)


def _path(ref: str, rest: str = "") -> str:
    return f"/incidents/{quote(ref.strip(), safe='')}/security{rest}"


def _body(data: BaseModel) -> dict[str, Any]:
    return data.model_dump(mode="json", exclude_none=True)


class RemoteSecurity(RemoteBackend):
    def _answer(self, method: str, path: str, data: BaseModel | None = None) -> SecurityOut:
        kwargs = {"json": _body(data)} if data is not None else {}
        return SecurityOut.model_validate(self._call(method, path, **kwargs))

    def security(self, ref: str) -> SecurityOut:
        return self._answer("GET", _path(ref))

    def set_impact(self, ref: str, data: SecurityPatch) -> SecurityOut:
        return self._answer("PATCH", _path(ref), data)

    def phase(self, ref: str, data: PhaseIn) -> SecurityOut:
        return self._answer("POST", _path(ref, "/phase"), data)

    def add_indicator(self, ref: str, data: IndicatorIn) -> SecurityOut:
        return self._answer("POST", _path(ref, "/indicators"), data)

    def scope(self, ref: str, hostname: str, data: ScopeIn) -> SecurityOut:
        return self._answer("PUT", _path(ref, f"/scope/{quote(hostname, safe='')}"), data)

    def contain(self, ref: str, data: ContainmentIn) -> SecurityOut:
        return self._answer("POST", _path(ref, "/containment"), data)

    def add_evidence(self, ref: str, data: EvidenceIn) -> SecurityOut:
        return self._answer("POST", _path(ref, "/evidence"), data)

    def handover(self, ref: str, evidence_id: int, data: CustodyIn) -> SecurityOut:
        return self._answer("POST", _path(ref, f"/evidence/{evidence_id}/custody"), data)
