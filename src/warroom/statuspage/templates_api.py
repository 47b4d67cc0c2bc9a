"""JSON routes for the update templates: every audience's, as written or built in; managers
change and reset them."""

from __future__ import annotations

from fastapi import APIRouter

from warroom.access.deps import DbSession, Manager, Now, Viewer
from warroom.statuspage.answers import MessageTemplateOut
from warroom.statuspage.schemas import MessageTemplateIn
from warroom.statuspage.templates import (
    check_audience,
    do_reset_wording,
    do_set_wording,
    template_out,
    wordings,
)

router = APIRouter(prefix="/api/v1/message-templates", tags=["communications"])


@router.get("", response_model=list[MessageTemplateOut])
def list_templates(session: DbSession, actor: Viewer) -> list[MessageTemplateOut]:
    """Every audience's template, in the order updates are written for them."""
    return [template_out(w) for w in wordings(session).values()]


@router.put("/{audience}", response_model=MessageTemplateOut)
def set_template(
    audience: str, body: MessageTemplateIn, session: DbSession, actor: Manager, at: Now
) -> MessageTemplateOut:
    """Write the audience's template; one that would not render is refused (422 naming the
    field and the fault)."""
    chosen = check_audience(audience)
    kept = do_set_wording(session=session, actor=actor, audience=chosen, subject=body.subject,
                          body=body.body, now=at)  # fmt: skip
    return template_out(kept)


@router.delete("/{audience}", response_model=MessageTemplateOut)
def reset_template(audience: str, session: DbSession, actor: Manager) -> MessageTemplateOut:
    """Back to the built-in template."""
    return template_out(do_reset_wording(session=session, audience=check_audience(audience)))
