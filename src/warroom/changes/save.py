"""The use cases the API, the pages and the CLI share: create a change (and submit it), and
patch one (fields, then the state, through the gate)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.changes.lifecycle import do_open_emergency_window, do_transition
from warroom.changes.models import Change
from warroom.changes.rules import ChangeState
from warroom.changes.schemas import ChangeCreate, ChangeUpdate
from warroom.changes.service import do_create_change, do_edit_change


def do_new_change(
    *,
    session: Session,
    actor: Actor | None,
    data: ChangeCreate,
    now: datetime,
    source: str = "manual",
) -> Change:
    change = do_create_change(session=session, actor=actor, data=data, now=now, source=source)
    do_open_emergency_window(session=session, change=change, actor=actor)
    if data.submit:
        do_transition(
            session=session, change=change, actor=actor, to=ChangeState.submitted, now=now
        )
    return change


def do_patch_change(
    *,
    session: Session,
    change: Change,
    actor: Actor | None,
    data: ChangeUpdate,
    now: datetime,
    base_url: str = "",
) -> Change:
    do_edit_change(session=session, change=change, actor=actor, data=data, now=now)
    do_open_emergency_window(session=session, change=change, actor=actor)
    if data.state is not None:
        do_transition(
            session=session,
            change=change,
            actor=actor,
            to=data.state,
            now=now,
            reason=data.reason,
            override_reason=data.override_reason,
            base_url=base_url,
        )
    session.flush()
    return change
