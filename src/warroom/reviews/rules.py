"""Pure rules of reviews: which incidents owe a postmortem and by when, the postmortem's states,
and the action items' types, statuses and lateness. No session, no clock: ``now`` is passed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from warroom.errors import IllegalTransition

SATURDAY = 5  # ``date.weekday()``: Monday is 0


class PostmortemState(StrEnum):
    draft = "draft"
    in_review = "in_review"
    published = "published"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


# Review sends a draft back; a published one is reopened to correct it.
TRANSITIONS: dict[PostmortemState, frozenset[PostmortemState]] = {
    PostmortemState.draft: frozenset({PostmortemState.in_review}),
    PostmortemState.in_review: frozenset({PostmortemState.draft, PostmortemState.published}),
    PostmortemState.published: frozenset({PostmortemState.draft}),
}


def check_transition(current: PostmortemState, target: PostmortemState) -> None:
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.label for s in TRANSITIONS[current]))
        raise IllegalTransition(
            "state", f"a postmortem {current.label} cannot become {target.label} (only {allowed})"
        )


@dataclass(frozen=True)
class Requirement:
    """A severity's postmortem: due ``days`` after resolution, counting only business days
    (Monday to Friday) when ``business``."""

    days: int
    business: bool

    def describe(self) -> str:
        kind = "business days" if self.business else "calendar days"
        return f"due {self.days} {kind} after resolution"


REQUIREMENTS = {"SEV1": Requirement(3, business=False), "SEV2": Requirement(5, business=True)}


def is_required(severity: str) -> bool:
    return severity in REQUIREMENTS


def add_business_days(start: datetime, days: int) -> datetime:
    """``days`` weekdays after ``start``, at the same time of day (UTC): Saturdays and Sundays
    are not counted, and a deadline never falls on one."""
    at, left = start, days
    while left > 0:
        at += timedelta(days=1)
        if at.weekday() < SATURDAY:
            left -= 1
    return at


def due_at(severity: str, resolved_at: datetime | None) -> datetime | None:
    """When the postmortem of an incident of this severity resolved then is due; None when
    none is required or it is not resolved yet."""
    rule = REQUIREMENTS.get(severity)
    if rule is None or resolved_at is None:
        return None
    if rule.business:
        return add_business_days(resolved_at, rule.days)
    return resolved_at + timedelta(days=rule.days)


def is_overdue(state: PostmortemState, due: datetime | None, now: datetime) -> bool:
    return state is not PostmortemState.published and due is not None and due <= now


# When the owner hears that the postmortem is coming due, before it is late.
DUE_SOON = timedelta(days=1)


def reminder_due(
    state: PostmortemState, due: datetime | None, now: datetime
) -> tuple[str, datetime] | None:
    """The reminder owed now, as (kind, the time it is about): ``overdue`` once due has
    passed, else ``due_soon`` within a day of it; nothing once published."""
    if state is PostmortemState.published or due is None:
        return None
    if due <= now:
        return "overdue", due
    if due - DUE_SOON <= now:
        return "due_soon", due
    return None


# ---------------------------------------------------------------- sections


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    hint: str


SECTIONS = (
    Section("summary", "Summary", "What happened, in a few sentences a newcomer understands."),
    Section("impact", "Impact", "Durations, affected customers and their SLAs."),
    Section("trigger", "Trigger", "The one event that set it off."),
    Section(
        "contributing_factors",
        "Contributing factors",
        "What made it possible or worse; kept apart from the trigger.",
    ),
    Section("detection", "Detection", "How it was found, and how fast."),
    Section("response", "Response and recovery", "What was done to mitigate and recover."),
    Section("changes", "Changes involved", "Suspect changes and causes marked in the war room."),
    Section("timeline", "Timeline", "The key events, each linked to the war room."),
    Section("went_well", "What went well", ""),
    Section("went_wrong", "What went wrong", ""),
    Section("lucky", "Where we got lucky", ""),
)
SECTION_KEYS = tuple(s.key for s in SECTIONS)


# ---------------------------------------------------------------- action items


class ActionType(StrEnum):
    mitigate = "mitigate"
    prevent = "prevent"
    detect = "detect"
    process = "process"


class ActionStatus(StrEnum):
    open = "open"
    in_progress = "in_progress"
    done = "done"
    wont_do = "wont_do"

    @property
    def label(self) -> str:
        return {"in_progress": "in progress", "wont_do": "won't do"}.get(self.value, self.value)

    @property
    def is_open(self) -> bool:
        return self in (ActionStatus.open, ActionStatus.in_progress)


OPEN_ACTION_STATUSES = tuple(s.value for s in ActionStatus if s.is_open)


def action_overdue(status: ActionStatus, due_on: date | None, now: datetime) -> bool:
    """Late from the day after its due date (UTC) while still open or in progress."""
    return status.is_open and due_on is not None and due_on < now.date()


def action_late_from(due_on: date) -> datetime:
    """The moment an action item due that day becomes overdue: the next midnight, UTC."""
    return datetime.combine(due_on + timedelta(days=1), time(0), tzinfo=UTC)
