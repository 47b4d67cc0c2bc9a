"""Checklist items on an incident, and the templates that create them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.errors import Conflict, InvalidInput, NotFound
from warroom.incidents.models import Incident, Task, TaskTemplate
from warroom.incidents.rules import IncidentRole, Kind, Severity, TaskStatus
from warroom.incidents.schemas import TaskCreate, TaskUpdate, TemplateIn
from warroom.incidents.service import active_roles, check_person, record
from warroom.security.rules import Phase


def _next_position(session: Session, incident: Incident) -> int:
    query = select(func.max(Task.position)).where(Task.incident_id == incident.id)
    return (session.scalar(query) or 0) + 1


def do_add_task(
    *, session: Session, incident: Incident, actor: Actor | None, data: TaskCreate, now: datetime
) -> Task:
    assignee = (
        check_person(session=session, email=data.assignee, field="assignee")
        if (data.assignee)
        else None
    )
    task = Task(
        incident_id=incident.id,
        title=data.title,
        status=TaskStatus.open.value,
        due_at=data.due_at,
        created_at=now,
        position=_next_position(session, incident),
    )
    task.assignee = assignee
    session.add(task)
    session.flush()
    who = f" for {assignee.name}" if assignee else ""
    record(
        session=session,
        incident=incident,
        kind="task_added",
        actor=actor,
        now=now,
        text=f"Task added{who}: {task.title}",
        after=task.status,
        data={"task_id": task.id},
    )
    return task


def access_task(*, session: Session, incident: Incident, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None or task.incident_id != incident.id:
        raise NotFound(f"no task {task_id} on this incident")
    return task


def do_update_task(
    *,
    session: Session,
    incident: Incident,
    actor: Actor,
    task: Task,
    data: TaskUpdate,
    now: datetime,
) -> Task:
    changes: list[str] = []
    before_status = task.status
    if data.title is not None and data.title != task.title:
        task.title = data.title
        changes.append("renamed")
    if data.assignee is not None:
        task.assignee = check_person(session=session, email=data.assignee, field="assignee")
        changes.append(f"assigned to {task.assignee.name}")
    elif data.clear_assignee and task.assignee_id is not None:
        task.assignee = None
        changes.append("unassigned")
    if data.due_at is not None:
        task.due_at = data.due_at
        changes.append("due time changed")
    if data.status is not None and data.status.value != task.status:
        task.status = data.status.value
        done = data.status in (TaskStatus.done, TaskStatus.cancelled)
        task.completed_at = now if done else None
        changes.append(f"{before_status} → {task.status}")
    if changes:
        record(
            session=session,
            incident=incident,
            kind="task_updated",
            actor=actor,
            now=now,
            text=f"Task “{task.title}”: {', '.join(changes)}",
            before=before_status,
            after=task.status,
            data={"task_id": task.id},
        )
    return task


def matching_templates(
    *, session: Session, kind: Kind, severity: Severity, phase: Phase | None = None
) -> list[TaskTemplate]:
    """The checklists applied automatically: without ``phase``, those for declaration; with
    it, the playbooks of the phase a security incident has just entered."""
    rows = session.scalars(select(TaskTemplate).where(TaskTemplate.kind == kind.value))
    return [t for t in rows if applies_automatically(t, kind=kind, severity=severity, phase=phase)]


def applies_automatically(
    template: TaskTemplate, *, kind: Kind, severity: Severity, phase: Phase | None
) -> bool:
    """Whether the template is applied at declaration (``phase`` None) or on entering ``phase``.
    A security incident is declared in detection & analysis, so that playbook comes with the
    declaration: nothing else would ever apply it."""
    wanted: set[str | None] = {phase.value} if phase else {None}
    if phase is None and kind is Kind.security:
        wanted.add(Phase.detection_analysis.value)
    return (
        template.auto_apply
        and template.kind == kind.value
        and severity.value in template.severities
        and template.phase in wanted
    )


def applied_template_ids(*, session: Session, incident: Incident) -> set[int]:
    query = select(Task.template_id).where(
        Task.incident_id == incident.id, Task.template_id.is_not(None)
    )
    return {int(i) for i in session.scalars(query) if i is not None}


def do_apply_template(
    *,
    session: Session,
    incident: Incident,
    actor: Actor | None,
    template: TaskTemplate,
    now: datetime,
) -> list[Task]:
    """Add the template's items; each goes to whoever holds its role now, if anyone."""
    holders = {r.role: r.person for r in active_roles(session=session, incident=incident)}
    position = _next_position(session, incident)
    created = []
    for offset, item in enumerate(template.items):
        role = item.get("role")
        minutes = item.get("due_minutes")
        task = Task(
            incident_id=incident.id,
            title=str(item["title"]),
            status=TaskStatus.open.value,
            created_at=now,
            template_id=template.id,
            position=position + offset,
            due_at=now + timedelta(minutes=int(minutes)) if minutes is not None else None,
        )
        task.assignee = holders.get(IncidentRole(role)) if role else None
        session.add(task)
        created.append(task)
    record(
        session=session,
        incident=incident,
        kind="template_applied",
        actor=actor,
        now=now,
        text=f"Checklist “{template.name}” applied ({len(created)} tasks)",
        data={"template_id": template.id},
    )
    return created


def access_template(
    *, session: Session, template_id: int, field: str = "template_id"
) -> TaskTemplate:
    template = session.get(TaskTemplate, template_id)
    if template is None:
        raise (
            NotFound(f"no task template {template_id}")
            if field == "id"
            else InvalidInput(field, f"no task template {template_id}")
        )
    return template


def list_templates(*, session: Session) -> list[TaskTemplate]:
    return list(
        session.scalars(select(TaskTemplate).order_by(TaskTemplate.kind, TaskTemplate.name))
    )


def do_save_template(
    *, session: Session, data: TemplateIn, template: TaskTemplate | None = None
) -> TaskTemplate:
    clash = session.scalar(select(TaskTemplate).where(TaskTemplate.name == data.name))
    if clash is not None and clash is not template:
        raise Conflict(f"a template named {data.name} already exists")
    if data.phase is not None and data.kind is not Kind.security:
        raise InvalidInput("phase", "only a security checklist (a playbook) has a phase")
    target = template or TaskTemplate()
    target.name, target.kind, target.auto_apply = data.name, data.kind.value, data.auto_apply
    target.phase = data.phase.value if data.phase else None
    target.severities = [s.value for s in data.severities]
    target.items = [i.model_dump(mode="json") for i in data.items]
    session.add(target)
    session.flush()
    return target
