"""Reading schedules from the database into the pure rules: a schedule row as a
``ScheduleSpec``, and who is on call on a schedule at a moment."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.errors import NotFound
from warroom.oncall.models import Schedule, ScheduleLayer
from warroom.oncall.schedule_rules import (
    Layer,
    Override,
    Restriction,
    ScheduleSpec,
    on_call_at,
)


def restriction_of(data: dict[str, Any]) -> Restriction:
    """A stored restriction, ``{"days": [0, 4], "start": "09:00", "end": "17:00"}``."""
    return Restriction(
        frozenset(int(d) for d in data.get("days", range(7))),
        time.fromisoformat(str(data.get("start", "00:00"))),
        time.fromisoformat(str(data.get("end", "00:00"))),
    )


def layer_of(row: ScheduleLayer) -> Layer:
    return Layer(
        members=tuple(m.person_id for m in row.members),
        shift=timedelta(seconds=row.shift_seconds),
        starts_local=row.starts_local,
        zone=ZoneInfo(row.timezone),
        restrictions=tuple(restriction_of(r) for r in row.restrictions),
        ends_at=row.ends_at,
        position=row.position,
    )


def spec_of(schedule: Schedule) -> ScheduleSpec:
    return ScheduleSpec(
        layers=tuple(layer_of(layer) for layer in schedule.layers),
        overrides=tuple(Override(o.person_id, o.starts_at, o.ends_at) for o in schedule.overrides),
    )


def access_schedule(*, session: Session, schedule_id: int) -> Schedule:
    schedule = session.get(Schedule, schedule_id)
    if schedule is None:
        raise NotFound(f"no schedule {schedule_id}")
    return schedule


def on_call(*, session: Session, schedule: Schedule, at: datetime) -> Person | None:
    """Who ``schedule`` pages at ``at``, or None in a gap."""
    person_id = on_call_at(spec_of(schedule), at)
    return session.get(Person, person_id) if person_id is not None else None
