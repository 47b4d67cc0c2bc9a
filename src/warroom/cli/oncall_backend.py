"""What ``warroom oncall`` and ``warroom schedule`` need, on the local database (acting as
``--as`` or the first admin, with the role the API route demands: a manager to write
schedules and overrides, a viewer to read) or over HTTP. Both answer with the API's documents
and raise ``Problem``. A schedule is named by id or by name, as a person types it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from warroom.access.rules import Role
from warroom.catalog.service import access_service
from warroom.cli.local import LocalBackend
from warroom.cli.problems import Problem, problem_body
from warroom.cli.remote import RemoteBackend
from warroom.db import make_engine, make_session_factory
from warroom.oncall import schedule_ical, schedule_queries, schedules
from warroom.oncall.schedule_schemas import (
    GapOut,
    OnCallBoard,
    OnCallOut,
    OverrideIn,
    OverrideOut,
    ScheduleIn,
    ScheduleOut,
    ShiftOut,
)

SCHEDULES = "/schedules"


class OncallBackend(Protocol):
    def timezone(self) -> str: ...
    def schedules(self) -> list[ScheduleOut]: ...
    def schedule(self, ref: str) -> ScheduleOut: ...
    def create(self, data: ScheduleIn) -> ScheduleOut: ...
    def delete(self, ref: str) -> ScheduleOut: ...
    def add_override(self, ref: str, data: OverrideIn) -> OverrideOut: ...
    def delete_override(self, ref: str, override_id: int) -> None: ...
    def on_call(self, ref: str, at: datetime | None) -> OnCallOut: ...
    def board(self, service: str | None, at: datetime | None) -> OnCallBoard: ...
    def shifts(self, ref: str, start: datetime, end: datetime) -> list[ShiftOut]: ...
    def gaps(self, ref: str, start: datetime, end: datetime) -> list[GapOut]: ...
    def calendar(self, ref: str, weeks: int) -> bytes: ...
    def close(self) -> None: ...


class LocalOncall(LocalBackend):
    @classmethod
    def on(cls, database_url: str, as_email: str | None = None) -> LocalOncall:
        engine = make_engine(database_url)
        return cls(make_session_factory(engine), as_email, engine=engine)

    def schedules(self) -> list[ScheduleOut]:
        now = self._clock()
        with self._unit() as (session, _actor):
            return [
                schedules.schedule_out(s, now) for s in schedules.list_schedules(session=session)
            ]

    def schedule(self, ref: str) -> ScheduleOut:
        with self._unit() as (session, _actor):
            found = schedules.access_schedule_ref(session=session, ref=ref)
            return schedules.schedule_out(found, self._clock())

    def create(self, data: ScheduleIn) -> ScheduleOut:
        now = self._clock()
        with self._unit(Role.manager) as (session, _actor):
            made = schedules.do_create_schedule(session=session, data=data, now=now)
            return schedules.schedule_out(made, now)

    def delete(self, ref: str) -> ScheduleOut:
        with self._unit(Role.manager) as (session, _actor):
            found = schedules.access_schedule_ref(session=session, ref=ref)
            gone = schedules.schedule_out(found, self._clock())
            schedules.do_delete_schedule(session=session, schedule=found)
            return gone

    def add_override(self, ref: str, data: OverrideIn) -> OverrideOut:
        with self._unit(Role.manager) as (session, actor):
            found = schedules.access_schedule_ref(session=session, ref=ref)
            row = schedules.do_add_override(
                session=session, schedule=found, data=data, actor=actor, now=self._clock()
            )
            return schedules.override_out(row)

    def delete_override(self, ref: str, override_id: int) -> None:
        with self._unit(Role.manager) as (session, _actor):
            found = schedules.access_schedule_ref(session=session, ref=ref)
            row = schedules.access_override(schedule=found, override_id=override_id)
            schedules.do_delete_override(session=session, schedule=found, override=row)

    def on_call(self, ref: str, at: datetime | None) -> OnCallOut:
        with self._unit() as (session, _actor):
            found = schedules.access_schedule_ref(session=session, ref=ref)
            when = at or self._clock()
            return schedule_queries.on_call_out(session=session, schedule=found, at=when)

    def board(self, service: str | None, at: datetime | None) -> OnCallBoard:
        with self._unit() as (session, _actor):
            only = access_service(session=session, name=service) if service else None
            when = at or self._clock()
            return schedule_queries.on_call_board(session=session, at=when, service=only)

    def shifts(self, ref: str, start: datetime, end: datetime) -> list[ShiftOut]:
        with self._unit() as (session, _actor):
            found = schedules.access_schedule_ref(session=session, ref=ref)
            return schedule_queries.list_shifts(
                session=session, schedule=found, start=start, end=end
            )

    def gaps(self, ref: str, start: datetime, end: datetime) -> list[GapOut]:
        with self._unit() as (session, _actor):
            found = schedules.access_schedule_ref(session=session, ref=ref)
            return schedule_queries.list_gaps(schedule=found, start=start, end=end)

    def calendar(self, ref: str, weeks: int) -> bytes:
        now = self._clock()
        with self._unit() as (session, _actor):
            found = schedules.access_schedule_ref(session=session, ref=ref)
            return schedule_ical.schedule_calendar(
                session=session, schedule=found, now=now, until=now + timedelta(weeks=weeks)
            )


def _when(at: datetime | None) -> dict[str, str]:
    return {"at": at.isoformat()} if at else {}


def _span(start: datetime, end: datetime) -> dict[str, str]:
    return {"start": start.isoformat(), "end": end.isoformat()}


class RemoteOncall(RemoteBackend):
    def _path(self, ref: str) -> str:
        """The schedule's path: an id as given, a name looked up in the list."""
        if ref.strip().isdigit():
            return f"{SCHEDULES}/{ref.strip()}"
        found = next((s for s in self.schedules() if s.name == ref.strip()), None)
        if found is None:
            raise Problem(problem_body(404, "Not found", f"no schedule {ref!r}"))
        return f"{SCHEDULES}/{found.id}"

    def schedules(self) -> list[ScheduleOut]:
        return [ScheduleOut.model_validate(r) for r in self._call("GET", SCHEDULES)]

    def schedule(self, ref: str) -> ScheduleOut:
        return ScheduleOut.model_validate(self._call("GET", self._path(ref)))

    def create(self, data: ScheduleIn) -> ScheduleOut:
        body = data.model_dump(mode="json", exclude_none=True)
        return ScheduleOut.model_validate(self._call("POST", SCHEDULES, json=body))

    def delete(self, ref: str) -> ScheduleOut:
        # The API answers 204 with no body; the schedule is read first so it can be named.
        gone = self.schedule(ref)
        self._send("DELETE", f"{SCHEDULES}/{gone.id}")
        return gone

    def add_override(self, ref: str, data: OverrideIn) -> OverrideOut:
        body: dict[str, Any] = data.model_dump(mode="json")
        path = self._path(ref) + "/overrides"
        return OverrideOut.model_validate(self._call("POST", path, json=body))

    def delete_override(self, ref: str, override_id: int) -> None:
        self._send("DELETE", f"{self._path(ref)}/overrides/{override_id}")

    def on_call(self, ref: str, at: datetime | None) -> OnCallOut:
        path = self._path(ref) + "/on-call"
        return OnCallOut.model_validate(self._call("GET", path, params=_when(at)))

    def board(self, service: str | None, at: datetime | None) -> OnCallBoard:
        params = _when(at) | ({"service": service} if service else {})
        return OnCallBoard.model_validate(self._call("GET", "/on-call", params=params))

    def shifts(self, ref: str, start: datetime, end: datetime) -> list[ShiftOut]:
        rows = self._call("GET", self._path(ref) + "/shifts", params=_span(start, end))
        return [ShiftOut.model_validate(r) for r in rows]

    def gaps(self, ref: str, start: datetime, end: datetime) -> list[GapOut]:
        rows = self._call("GET", self._path(ref) + "/gaps", params=_span(start, end))
        return [GapOut.model_validate(r) for r in rows]

    def calendar(self, ref: str, weeks: int) -> bytes:
        path = self._path(ref) + ".ics"
        return self._send("GET", path, params={"weeks": str(weeks)}).content
