"""What ``warroom page``, ``warroom policy`` and ``warroom incident page`` need, on the local
database (acting as ``--as`` or the first admin, with the role the API route demands) or over
HTTP. Both answer with the API's documents and raise ``Problem``."""

from __future__ import annotations

from typing import Literal, Protocol
from urllib.parse import quote

from pydantic import Field

from warroom.access.rules import Role
from warroom.cli.local import LocalBackend
from warroom.cli.remote import RemoteBackend
from warroom.db import make_engine, make_session_factory
from warroom.incidents.schemas import Strict
from warroom.incidents.service import access_incident, check_person
from warroom.incidents.visibility import sight
from warroom.oncall import policies
from warroom.oncall.page_present import (
    PageFilter,
    access_page,
    check_may_acknowledge,
    list_pages,
    page_out,
    paging_result,
)
from warroom.oncall.page_schemas import PageOut, PageRequest, PagingResult
from warroom.oncall.paging import do_acknowledge_page, do_page_by_hand
from warroom.oncall.paging_notify import PagingContext
from warroom.oncall.policy_schemas import PolicyIn, PolicyOut
from warroom.settings import load_settings


class PageQuery(Strict):
    """The filters of ``GET /api/v1/pages``, under the API's own parameter names."""

    all: bool = False
    status: Literal["open", "acknowledged", "closed"] | None = None
    incident: str | None = None
    limit: int = Field(default=100, ge=1, le=500)


class PagingBackend(Protocol):
    def timezone(self) -> str: ...
    def pages(self, query: PageQuery) -> list[PageOut]: ...
    def acknowledge(self, page_id: int) -> PageOut: ...
    def page(self, ref: str, data: PageRequest) -> PagingResult: ...
    def policies(self) -> list[PolicyOut]: ...
    def policy(self, ref: str) -> PolicyOut: ...
    def create_policy(self, data: PolicyIn) -> PolicyOut: ...
    def delete_policy(self, ref: str) -> None: ...
    def close(self) -> None: ...


class LocalPaging(LocalBackend):
    @classmethod
    def on(cls, database_url: str, as_email: str | None = None) -> LocalPaging:
        engine = make_engine(database_url)
        return cls(make_session_factory(engine), as_email, engine=engine)

    def pages(self, query: PageQuery) -> list[PageOut]:
        with self._unit() as (session, actor):
            found = (
                access_incident(session=session, ref=query.incident, actor=actor)
                if query.incident
                else None
            )
            wanted = PageFilter(
                person_id=None if query.all else actor.person_id,
                status=query.status,
                incident_id=found.id if found else None,
                limit=query.limit,
                seen=sight(session, actor),
            )
            return [page_out(session, p) for p in list_pages(session=session, wanted=wanted)]

    def acknowledge(self, page_id: int) -> PageOut:
        with self._unit() as (session, actor):
            page = access_page(session=session, page_id=page_id, actor=actor)
            check_may_acknowledge(page, actor)
            do_acknowledge_page(session, page, actor, "cli", self._clock())
            return page_out(session, page)

    def page(self, ref: str, data: PageRequest) -> PagingResult:
        with self._unit(Role.responder) as (session, actor):
            incident = access_incident(session=session, ref=ref, actor=actor)
            person = (
                check_person(session=session, email=data.person, field="person")
                if data.person
                else None
            )
            policy = (
                policies.check_policy(session=session, name=data.policy, field="policy")
                if data.policy
                else None
            )
            context = PagingContext(load_settings().base_url, load_settings().secret_key)
            paged = do_page_by_hand(
                session=session, incident=incident, actor=actor, now=self._clock(),
                context=context, person=person, policy=policy,
            )  # fmt: skip
            return paging_result(session, incident, paged)

    def policies(self) -> list[PolicyOut]:
        with self._unit() as (session, _actor):
            return [
                policies.policy_out(session, p) for p in policies.list_policies(session=session)
            ]

    def policy(self, ref: str) -> PolicyOut:
        with self._unit() as (session, _actor):
            return policies.policy_out(session, policies.access_policy(session=session, ref=ref))

    def create_policy(self, data: PolicyIn) -> PolicyOut:
        with self._unit(Role.manager) as (session, _actor):
            made = policies.do_create_policy(session=session, data=data, now=self._clock())
            return policies.policy_out(session, made)

    def delete_policy(self, ref: str) -> None:
        with self._unit(Role.manager) as (session, _actor):
            found = policies.access_policy(session=session, ref=ref)
            policies.do_delete_policy(session=session, policy=found)


def _policy_path(ref: str) -> str:
    return f"/escalation-policies/{quote(ref.strip(), safe='')}"


class RemotePaging(RemoteBackend):
    def pages(self, query: PageQuery) -> list[PageOut]:
        params = query.model_dump(mode="json", exclude_none=True)
        return [PageOut.model_validate(r) for r in self._call("GET", "/pages", params=params)]

    def acknowledge(self, page_id: int) -> PageOut:
        return PageOut.model_validate(self._call("POST", f"/pages/{page_id}/acknowledge"))

    def page(self, ref: str, data: PageRequest) -> PagingResult:
        body = data.model_dump(mode="json", exclude_none=True)
        path = f"/incidents/{quote(ref.strip(), safe='')}/page"
        return PagingResult.model_validate(self._call("POST", path, json=body))

    def policies(self) -> list[PolicyOut]:
        return [PolicyOut.model_validate(r) for r in self._call("GET", "/escalation-policies")]

    def policy(self, ref: str) -> PolicyOut:
        return PolicyOut.model_validate(self._call("GET", _policy_path(ref)))

    def create_policy(self, data: PolicyIn) -> PolicyOut:
        body = data.model_dump(mode="json", exclude_none=True)
        return PolicyOut.model_validate(self._call("POST", "/escalation-policies", json=body))

    def delete_policy(self, ref: str) -> None:
        self._send("DELETE", _policy_path(ref))
