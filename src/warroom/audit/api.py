"""JSON routes of the audit log, for reviewers (managers): entries by filter, and a check of
the whole chain, optionally against a head shipped outside earlier."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from warroom.access.deps import DbSession, Manager
from warroom.audit import service
from warroom.audit.rules import Head
from warroom.audit.schemas import AuditEntryOut, AuditPage, HeadIn, VerdictOut, VerifyIn
from warroom.audit.service import AuditFilter

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])
Text = Annotated[str | None, Query(max_length=200)]


@router.get("", response_model=AuditPage)
def list_entries(
    session: DbSession,
    actor_: Manager,
    actor: Text = None,
    action: Text = None,
    object_type: Text = None,
    object_id: Text = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditPage:
    """Newest first. Every write in the system is here: who, what, which row, the digests of
    the row before and after, and the chain's hashes."""
    wanted = AuditFilter(actor, action, object_type, object_id, since, until)
    rows, more = service.list_entries(session=session, wanted=wanted, before=before, limit=limit)
    entries = [AuditEntryOut.model_validate(service.entry_json(r)) for r in rows]
    return AuditPage(entries=entries, next_before=more)


@router.post("/verify", response_model=VerdictOut)
def verify(body: VerifyIn, session: DbSession, actor: Manager) -> VerdictOut:
    """Check every entry from the first. Pass the last head shipped to the sink as ``anchor``
    to catch truncation and a rewritten history too. Run ``warroom audit verify`` on another
    host to avoid trusting this server."""
    anchor = Head(body.anchor.seq, body.anchor.hash) if body.anchor else None
    verdict = service.check_chain(session, anchor)
    head = HeadIn(seq=verdict.head.seq, hash=verdict.head.hash) if verdict.head else None
    return VerdictOut(ok=verdict.ok, checked=verdict.checked, first_bad=verdict.first_bad,
                      problem=verdict.problem, head=head)  # fmt: skip
