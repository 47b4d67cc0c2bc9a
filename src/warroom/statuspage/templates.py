"""Each audience's update template as the organisation writes it: the body (and, for email,
the subject) in Jinja with the placeholders of ``messages.PLACEHOLDERS``. A template is
checked before it is kept, so a typo is refused at the desk rather than at 3 a.m.; deleting
one brings the built-in text back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.service import Actor
from warroom.errors import InvalidInput, NotFound
from warroom.statuspage.answers import MessageTemplateOut
from warroom.statuspage.audiences import Audience
from warroom.statuspage.messages import PLACEHOLDERS, SUBJECTS, TEMPLATES, check
from warroom.statuspage.models import MessageTemplate


@dataclass(frozen=True)
class Wording:
    """What an audience's update is written from, the organisation's or built in."""

    audience: Audience
    subject: str
    body: str
    row: MessageTemplate | None

    @property
    def customised(self) -> bool:
        return self.row is not None


def check_audience(value: str) -> Audience:
    try:
        return Audience(value)
    except ValueError:
        known = ", ".join(a.value for a in Audience)
        raise NotFound(f"no audience {value!r}; the audiences are {known}") from None


def wordings(session: Session) -> dict[Audience, Wording]:
    rows = {r.audience: r for r in session.scalars(select(MessageTemplate))}
    return {a: _wording(a, rows.get(a.value)) for a in Audience}


def _wording(audience: Audience, row: MessageTemplate | None) -> Wording:
    if row is None:
        return Wording(audience, SUBJECTS[audience], TEMPLATES[audience], None)
    return Wording(audience, row.subject, row.body, row)


def check_wording(audience: Audience, subject: str, body: str) -> None:
    """Refuse, naming the field, a template that would not render."""
    if not body.strip():
        raise InvalidInput("body", "a template needs some text")
    for field, text in (("body", body), ("subject", subject)):
        fault = check(text)
        if fault:
            raise InvalidInput(field, fault)
    if audience is not Audience.public and not subject.strip():
        raise InvalidInput("subject", "an email needs a subject")


def do_set_wording(
    *, session: Session, actor: Actor, audience: Audience, subject: str, body: str, now: datetime
) -> Wording:
    subject = "" if audience is Audience.public else subject.strip()
    check_wording(audience, subject, body)
    row = session.scalars(
        select(MessageTemplate).where(MessageTemplate.audience == audience.value)
    ).one_or_none()
    if row is None:
        row = MessageTemplate(audience=audience.value)
        session.add(row)
    row.subject, row.body = subject, body.strip()
    row.updated_by_id, row.updated_at = actor.person_id, now
    session.flush()
    session.refresh(row, ["updated_by"])
    return _wording(audience, row)


def do_reset_wording(*, session: Session, audience: Audience) -> Wording:
    """Back to the built-in text."""
    row = session.scalars(
        select(MessageTemplate).where(MessageTemplate.audience == audience.value)
    ).one_or_none()
    if row is not None:
        session.delete(row)
        session.flush()
    return _wording(audience, None)


def template_out(w: Wording) -> MessageTemplateOut:
    row = w.row
    return MessageTemplateOut(
        audience=w.audience.value,
        subject=w.subject,
        body=w.body,
        customised=w.customised,
        placeholders=list(PLACEHOLDERS),
        updated_by=row.updated_by.name if row is not None and row.updated_by else None,
        updated_at=row.updated_at if row is not None else None,
    )
