"""Loading the demo through the services, each step at its own point in the past."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Person, Team
from warroom.access.service import Actor, actor_for, do_create_person, do_create_team
from warroom.catalog.service import do_create_service
from warroom.demo.changes import load_changes
from warroom.demo.legacy import load_legacy
from warroom.demo.oncall import load_oncall
from warroom.demo.org import PEOPLE, SERVICES, TEAMS, DemoPerson, accounts
from warroom.demo.plan import load_plan
from warroom.demo.statuspage import load_statuspage
from warroom.demo.stories import STORIES, Step, Story
from warroom.incidents.declare import do_declare
from warroom.incidents.models import Incident
from warroom.incidents.people import do_assign_role, do_join, do_release
from warroom.incidents.rules import IncidentRole, Severity, Status, TaskStatus, format_ref
from warroom.incidents.schemas import (
    IncidentCreate,
    IncidentUpdate,
    TaskCreate,
    TaskUpdate,
)
from warroom.incidents.service import participants, tasks
from warroom.incidents.tasks import do_add_task, do_update_task
from warroom.incidents.timeline import do_add_note
from warroom.incidents.update import do_update
from warroom.reviews.rules import is_required
from warroom.reviews.service import do_hold_review


@dataclass(frozen=True)
class DemoResult:
    loaded: bool  # False when the demo was already there
    accounts: list[DemoPerson]
    incidents: list[str] = field(default_factory=list)


def is_loaded(session: Session) -> bool:
    marker = accounts()[0].email
    return session.scalar(select(Person.id).where(Person.email == marker)) is not None


def load_demo(*, session: Session, now: datetime) -> DemoResult:
    """Load the demo organisation and its incidents; a second call changes nothing."""
    if is_loaded(session):
        return DemoResult(False, accounts())
    people = _people(session, now - timedelta(days=120))
    _teams_and_services(session, people)
    load_plan(session=session, now=now)
    load_legacy(session=session)
    refs = [format_ref(play(session, story, people, now).id) for story in STORIES]
    load_oncall(session=session, now=now)
    load_changes(session=session, now=now)
    load_statuspage(session=session, now=now)
    return DemoResult(True, accounts(), refs)


def _people(session: Session, joined: datetime) -> dict[str, Person]:
    return {
        p.key: do_create_person(
            session=session,
            name=p.name,
            email=p.email,
            now=joined,
            role=p.role,
            password=p.password,
            phone=p.phone,
            chat_handle=p.chat,
            timezone=p.timezone,
        )
        for p in PEOPLE
    }


def _teams_and_services(session: Session, people: dict[str, Person]) -> None:
    teams: dict[str, Team] = {}
    for team in TEAMS:
        members = [people[key] for key in team.members]
        teams[team.name] = do_create_team(
            session=session, name=team.name, lead=people[team.lead], members=members,
            sees_restricted=team.name == "Security",
        )  # fmt: skip
    for service in SERVICES:
        do_create_service(
            session=session, name=service.name, tier=service.tier, owner_team=teams[service.owner]
        )


@dataclass(frozen=True)
class Scene:
    session: Session
    incident: Incident
    people: dict[str, Person]

    def actor(self, key: str) -> Actor:
        return actor_for(self.people[key])


def play(session: Session, story: Story, people: dict[str, Person], now: datetime) -> Incident:
    """Declare the story's incident at its time, then run each step at its own minute."""
    declared = story.when.resolve(now)
    data = IncidentCreate.model_validate(
        {
            "title": story.title,
            "severity": story.severity,
            "kind": story.kind,
            "services": list(story.services),
            "description": story.description,
            "commander": people[story.commander].email if story.commander else None,
            "started_at": declared - timedelta(minutes=story.started_before),
            "detected_at": declared - timedelta(minutes=story.detected_before),
        }
    )
    actor = actor_for(people[story.reporter])
    incident = do_declare(session=session, actor=actor, data=data, now=declared)
    scene = Scene(session, incident, people)
    for step in story.steps:
        at = declared + timedelta(minutes=step.at)
        if at > now:
            raise ValueError(f"demo step {step} of {story.title!r} would be in the future")
        ACTIONS[step.do](scene, step, at)
    return incident


def _note(scene: Scene, step: Step, at: datetime) -> None:
    do_add_note(
        session=scene.session,
        incident=scene.incident,
        actor=scene.actor(step.who),
        text=step.text,
        now=at,
        occurred_at=at - timedelta(minutes=step.back) if step.back else None,
    )


def _update(scene: Scene, step: Step, at: datetime, data: IncidentUpdate) -> None:
    do_update(
        session=scene.session,
        incident=scene.incident,
        actor=scene.actor(step.who),
        data=data,
        now=at,
    )


def _status(scene: Scene, step: Step, at: datetime) -> None:
    if step.arg == Status.closed.value and is_required(scene.incident.severity):
        # "Review done": a major incident closes once its postmortem is published.
        do_hold_review(session=scene.session, incident=scene.incident,
                       actor=scene.actor(step.who), now=at)  # fmt: skip
    _update(scene, step, at, IncidentUpdate(status=Status(step.arg), message=step.text or None))


def _severity(scene: Scene, step: Step, at: datetime) -> None:
    data = IncidentUpdate(severity=Severity(step.arg), message=step.text or None)
    _update(scene, step, at, data)


def _role(scene: Scene, step: Step, at: datetime) -> None:
    do_assign_role(
        session=scene.session,
        incident=scene.incident,
        actor=scene.actor(step.who),
        role=IncidentRole(step.arg),
        person=scene.people[step.whom],
        now=at,
    )


def _join(scene: Scene, step: Step, at: datetime) -> None:
    do_join(
        session=scene.session,
        incident=scene.incident,
        actor=scene.actor(step.who),
        person=scene.people[step.whom],
        reason=step.text,
        now=at,
    )


def _release(scene: Scene, step: Step, at: datetime) -> None:
    person = scene.people[step.whom]
    rows = participants(session=scene.session, incident=scene.incident)
    row = next(r for r in rows if r.person_id == person.id and r.released_at is None)
    do_release(
        session=scene.session,
        incident=scene.incident,
        actor=scene.actor(step.who),
        participant_id=row.id,
        now=at,
    )


def _task(scene: Scene, step: Step, at: datetime) -> None:
    assignee = scene.people[step.whom].email if step.whom else None
    do_add_task(
        session=scene.session,
        incident=scene.incident,
        actor=scene.actor(step.who),
        data=TaskCreate(title=step.text, assignee=assignee),
        now=at,
    )


def _done(scene: Scene, step: Step, at: datetime) -> None:
    """Tick a checklist item, adding it first if an admin has edited the shipped checklists."""
    actor = scene.actor(step.who)
    rows = tasks(session=scene.session, incident=scene.incident)
    task = next((t for t in rows if t.title == step.text and t.status != "done"), None)
    if task is None:
        data = TaskCreate(title=step.text)
        task = do_add_task(
            session=scene.session, incident=scene.incident, actor=actor, data=data, now=at
        )
    do_update_task(
        session=scene.session,
        incident=scene.incident,
        actor=actor,
        task=task,
        data=TaskUpdate(status=TaskStatus.done),
        now=at,
    )


ACTIONS: dict[str, Callable[[Scene, Step, datetime], None]] = {
    "note": _note,
    "status": _status,
    "severity": _severity,
    "role": _role,
    "join": _join,
    "release": _release,
    "task": _task,
    "done": _done,
}
