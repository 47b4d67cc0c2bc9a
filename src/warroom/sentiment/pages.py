"""The sentiment watch's staff page, outside any incident: the outreach queue (the strongly
negative mentions, most negative first) with who answered and how, a CSV import, and the RSS
and Atom feeds the worker polls. Everyone signed in reads it; responders answer mentions and
import files; managers add and remove feeds."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageManager, PageResponder, PageViewer
from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.errors import InvalidInput, NotFound, WarroomError
from warroom.sentiment import feeds, service
from warroom.sentiment.models import MentionFeed
from warroom.sentiment.rules import Outreach, Scorer
from warroom.sentiment.schemas import FeedIn, OutreachIn
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, flash, form_errors, render, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])
HOME = "/mentions"
SHOWN = ("queued", "contacted", "resolved", "ignored", "all")
# What the buttons offer: queued is where the watch puts a mention, not a person's answer.
ANSWERS = (Outreach.contacted, Outreach.resolved, Outreach.ignored)
# The same ceiling as the API's CSV route; the request body limit usually refuses first.
MAX_CSV_BYTES = 5_000_000
FormText = Annotated[str, Form()]


def _shown(outreach: str) -> str:
    return outreach if outreach in SHOWN else "queued"


def _back(outreach: str) -> str:
    return f"{HOME}?{urlencode({'outreach': _shown(outreach)})}"


def _mentions_page(
    request: Request,
    session: Session,
    actor: Actor,
    outreach: str,
    extra: dict[str, Any],
    status: int = 200,
) -> Response:
    shown = _shown(outreach)
    wanted = [o.value for o in Outreach] if shown == "all" else [shown]
    context = {
        "actor": actor,
        "nav": "mentions",
        "shown": shown,
        "choices": SHOWN,
        "answers": [a.value for a in ANSWERS],
        "rows": service.outreach_queue(session, wanted),
        "feeds": list(session.scalars(select(MentionFeed).order_by(MentionFeed.name))),
        "can_answer": actor.allows(Role.responder),
        "can_manage": actor.allows(Role.manager),
        "values": {"source": "csv"},
        "feed_values": {},
    }
    if outreach and outreach != shown:
        context["errors"] = {"outreach": f"choose from {', '.join(SHOWN)}"}
    return render(request, "sentiment/mentions.html", context | extra, status)


@router.get(HOME)
def mention_list(
    request: Request, session: DbSession, actor: PageViewer, outreach: str = ""
) -> Response:
    return _mentions_page(request, session, actor, outreach, {})


@router.post(f"{HOME}/{{mention_id:int}}/outreach")
def set_outreach(
    mention_id: int,
    request: Request,
    session: DbSession,
    actor: PageResponder,
    status: FormText = "",
    note: FormText = "",
    shown: FormText = "queued",
) -> Response:
    found = service.access_mention(session=session, mention_id=mention_id)
    try:
        data = OutreachIn.model_validate({"status": status, "note": note.strip()})
    except ValidationError as exc:
        extra = {"errors": {f"outreach-{found.id}": next(iter(form_errors(exc).values()))}}
        return _mentions_page(request, session, actor, shown, extra, 422)
    service.do_set_outreach(mention=found, status=data.status, note=data.note, actor=actor)
    who = found.author or found.source
    flash(request, f"Mention from {who} marked {data.status.value}.")
    return see_other(_back(shown))


def _read_csv(upload: UploadFile | None) -> str:
    if upload is None or not upload.filename:
        raise InvalidInput("file", "choose a CSV file to upload")
    raw = upload.file.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        raise InvalidInput("file", f"larger than {MAX_CSV_BYTES // 1_000_000} MB")
    # Spreadsheets often save a byte-order mark; a stray byte should not refuse the whole file.
    return raw.decode("utf-8-sig", errors="replace")


def _source(value: str) -> str:
    name = value.strip() or "csv"
    if len(name) > 100:
        raise InvalidInput("source", "at most 100 characters")
    return name


@router.post(f"{HOME}/csv")
def import_csv(
    request: Request,
    session: DbSession,
    actor: PageResponder,
    at: Now,
    file: Annotated[UploadFile | None, File()] = None,
    source: FormText = "csv",
) -> Response:
    try:
        name = _source(source)
        items = feeds.parse_csv(_read_csv(file))
    except WarroomError as exc:
        # Parsed whole before anything is stored: a bad line leaves no half an import behind.
        session.rollback()
        extra = {"errors": form_errors(exc), "values": {"source": source}}
        return _mentions_page(request, session, actor, "queued", extra, exc.status)
    scorer: Scorer = request.app.state.scorer
    made = service.do_ingest(session=session, items=items, source=name, scorer=scorer, now=at)
    queued = sum(m.outreach == Outreach.queued.value for m in made)
    flash(
        request,
        f"Imported {len(made)} new of {len(items)} mentions; {queued} queued for outreach.",
    )
    return see_other(_back("queued"))


@router.post(f"{HOME}/feeds")
def add_feed(
    request: Request,
    session: DbSession,
    actor: PageManager,
    at: Now,
    name: FormText = "",
    url: FormText = "",
) -> Response:
    values = {"name": name, "url": url}
    try:
        made = feeds.do_add_feed(session=session, data=FeedIn.model_validate(values), now=at)
    except (ValidationError, WarroomError) as exc:
        session.rollback()
        status = exc.status if isinstance(exc, WarroomError) else 422
        errors = {f"feed_{k}": v for k, v in form_errors(exc).items()}
        extra = {"errors": errors, "feed_values": values}
        return _mentions_page(request, session, actor, "queued", extra, status)
    flash(request, f"Feed “{made.name}” added: the worker polls it from now on.")
    return see_other(f"{HOME}#feeds")


@router.post(f"{HOME}/feeds/{{feed_id:int}}/delete")
def remove_feed(feed_id: int, request: Request, session: DbSession, actor: PageManager) -> Response:
    # The feeds module has no removal of its own; the API's route deletes the row the same way.
    found = session.get(MentionFeed, feed_id)
    if found is None:
        raise NotFound(f"no feed {feed_id}")
    name = found.name
    session.delete(found)
    flash(request, f"Feed “{name}” removed; the mentions it brought stay.")
    return see_other(f"{HOME}#feeds")
