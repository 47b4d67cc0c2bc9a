"""The update templates page: each audience's template beside an example of what it writes;
managers change it (a template that would not render is shown back with the fault beside its
field) or bring the built-in one back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageManager, PageResponder
from warroom.access.service import Actor
from warroom.errors import WarroomError
from warroom.statuspage.audiences import Audience
from warroom.statuspage.messages import PLACEHOLDERS, Facts, render, subject
from warroom.statuspage.pages_admin import HOME, page
from warroom.statuspage.templates import (
    Wording,
    check_audience,
    do_reset_wording,
    do_set_wording,
    wordings,
)
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, form_errors, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
TEMPLATES = f"{HOME}/templates"
FormText = Annotated[str, Form()]
TITLES = {
    Audience.public: "Status page",
    Audience.stakeholders: "Stakeholders (email)",
    Audience.customers: "Affected customers (email)",
}


def example_facts(base_url: str) -> Facts:
    """An incident to show what a template writes."""
    return Facts(
        ref="INC-42", title="Checkout errors in the web shop", severity="SEV1",
        status="identified", services="Web shop, Card payments",
        what_happened="Since 14:05 about a third of card payments fail at checkout.",
        doing="We have found a faulty configuration change and are rolling it back.",
        next_update_at=datetime(2026, 1, 1, 15, 0, tzinfo=UTC) + timedelta(minutes=30),
        url=f"{base_url}/incidents/INC-42", status_page=f"{base_url}/status",
    )  # fmt: skip


def _example(w: Wording, facts: Facts) -> dict[str, str]:
    try:
        greet = {"name": "Dana Whitfield", "customer": "Northwind Traders"}
        text = render(w.audience, facts, template=w.body, **greet)
        return {"subject": subject(w.audience, facts, w.subject), "body": text}
    except Exception as exc:  # a kept template that no longer renders: say so, not 500
        return {"subject": "", "body": f"(this template does not render: {exc})"}


def _templates_page(
    request: Request, session: Session, actor: Actor, extra: dict[str, Any], status: int = 200
) -> Response:
    facts = example_facts(request.app.state.settings.base_url)
    rows = [
        {"w": w, "title": TITLES[a], "example": _example(w, facts)}
        for a, w in wordings(session).items()
    ]
    context: dict[str, Any] = {"tab": "templates", "rows": rows, "placeholders": PLACEHOLDERS}
    context |= {"values": {}, "errors": {}, "failed": None}
    return page(request, "templates.html", actor, context | extra, status)


@router.get(TEMPLATES)
def template_list(request: Request, session: DbSession, actor: PageResponder) -> Response:
    return _templates_page(request, session, actor, {})


@router.post(f"{TEMPLATES}/{{audience}}")
def save_template(
    audience: str,
    request: Request,
    session: DbSession,
    actor: PageManager,
    at: Now,
    body: FormText = "",
    subject: FormText = "",
) -> Response:
    chosen = check_audience(audience)
    try:
        do_set_wording(session=session, actor=actor, audience=chosen, subject=subject,
                       body=body, now=at)  # fmt: skip
    except WarroomError as exc:
        session.rollback()
        extra = {"values": {"body": body, "subject": subject}, "errors": form_errors(exc)}
        return _templates_page(request, session, actor, extra | {"failed": chosen}, exc.status)
    flash(request, f"The {TITLES[chosen].lower()} template is saved; updates use it from now.")
    return see_other(f"{TEMPLATES}#template-{chosen.value}")


@router.post(f"{TEMPLATES}/{{audience}}/reset")
def reset_template(
    audience: str,
    request: Request,
    session: DbSession,
    actor: PageManager,  # noqa: ARG001 - enforces the role
) -> Response:
    chosen = check_audience(audience)
    do_reset_wording(session=session, audience=chosen)
    flash(request, f"The {TITLES[chosen].lower()} template is the built-in one again.")
    return see_other(f"{TEMPLATES}#template-{chosen.value}")
