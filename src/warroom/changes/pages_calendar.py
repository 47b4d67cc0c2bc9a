"""The change calendar: a week or a month of days in the viewer's time zone, each with the
changes planned in it (state and worst conflict), the freeze and maintenance windows open in
it (repeating ones expanded), and who is on call on each schedule that day."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageViewer
from warroom.alerts.models import MaintenanceWindow
from warroom.changes.feed_api import changes_feed_url
from warroom.changes.pages import ChangeRow, change_rows, changes_page
from warroom.changes.service import ChangeFilter, list_changes
from warroom.changes.windows import list_windows, spans
from warroom.oncall.schedule_queries import list_shifts
from warroom.oncall.schedules import list_schedules
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
VIEWS = ("week", "month")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CALENDAR_LIMIT = 2000


@dataclass(frozen=True)
class Occurrence:
    window: MaintenanceWindow
    start: datetime
    end: datetime


@dataclass
class Day:
    day: date
    start: datetime  # the viewer's midnight
    end: datetime
    outside: bool  # a day of the month before or after, completing the month's weeks
    changes: list[ChangeRow] = field(default_factory=list)
    windows: list[Occurrence] = field(default_factory=list)
    oncall: list[tuple[str, list[str]]] = field(default_factory=list)  # schedule, names

    def holds(self, start: datetime, end: datetime) -> bool:
        return start < self.end and end > self.start


@dataclass(frozen=True)
class Grid:
    view: str
    day: date
    first: date
    last: date  # the day after the last shown

    @property
    def previous(self) -> date:
        if self.view == "week":
            return self.day - timedelta(days=7)
        return (self.day.replace(day=1) - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        if self.view == "week":
            return self.day + timedelta(days=7)
        return _next_month(self.day)

    @property
    def title(self) -> str:
        if self.view == "month":
            return self.day.strftime("%B %Y")
        end = self.last - timedelta(days=1)
        return f"{self.first:%d %b} to {end:%d %b %Y}"


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def grid_of(view: str, day: date) -> Grid:
    """Whole weeks, Monday first: the week of ``day``, or every week touching its month."""
    if view == "week":
        first = day - timedelta(days=day.weekday())
        return Grid(view, day, first, first + timedelta(days=7))
    start = day.replace(day=1)
    after = _next_month(day)
    first = start - timedelta(days=start.weekday())
    return Grid(view, day, first, after + timedelta(days=(7 - after.weekday()) % 7))


def days_of(grid: Grid, zone: ZoneInfo) -> list[Day]:
    found = []
    current = grid.first
    while current < grid.last:
        start = datetime.combine(current, time(), tzinfo=zone)
        end = datetime.combine(current + timedelta(days=1), time(), tzinfo=zone)
        outside = grid.view == "month" and current.month != grid.day.month
        found.append(Day(current, start, end, outside))
        current += timedelta(days=1)
    return found


def fill_changes(session: Session, days: list[Day]) -> None:
    wanted = ChangeFilter(since=days[0].start, until=days[-1].end, limit=CALENDAR_LIMIT)
    for row in change_rows(session, list_changes(session=session, wanted=wanted)):
        for day in days:
            if day.holds(row.change.planned_start, row.change.planned_end):
                day.changes.append(row)


def fill_windows(session: Session, days: list[Day]) -> None:
    since, until = days[0].start, days[-1].end
    # Windows that ended before the first day cannot show; ``now=since`` leaves them out.
    for window, start, end in spans(list_windows(session=session, now=since), since, until):
        for day in days:
            if day.holds(start, end):
                day.windows.append(Occurrence(window, start, end))


def fill_oncall(session: Session, days: list[Day]) -> None:
    """Each schedule's people on call during each day, in the order their shifts come."""
    since, until = days[0].start, days[-1].end
    for schedule in list_schedules(session=session):
        shifts = list_shifts(session=session, schedule=schedule, start=since, end=until)
        for day in days:
            names = [s.person.name for s in shifts if day.holds(s.starts_at, s.ends_at)]
            day.oncall.append((schedule.name, list(dict.fromkeys(names))))


def parse_day(value: str, today: date, errors: dict[str, str]) -> date:
    if not value:
        return today
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors["date"] = "use a date like 2026-11-23"
        return today


@router.get("/changes/calendar")
def calendar(
    request: Request,
    session: DbSession,
    actor: PageViewer,
    at: Now,
    view: str = "week",
    day: Annotated[str, Query(alias="date")] = "",
) -> Response:
    zone = ZoneInfo(actor.timezone)
    today = at.astimezone(zone).date()
    errors: dict[str, str] = {}
    if view not in VIEWS:
        errors["view"], view = "choose week or month", "week"
    grid = grid_of(view, parse_day(day, today, errors))
    days = days_of(grid, zone)
    fill_changes(session, days)
    fill_windows(session, days)
    fill_oncall(session, days)
    context = {
        "grid": grid,
        "weeks": [days[i : i + 7] for i in range(0, len(days), 7)],
        "weekdays": WEEKDAYS,
        "today": today,
        "errors": errors,
        "feed": changes_feed_url(request),
        "tab": "calendar",
    }
    return changes_page(request, "calendar.html", actor, context)
