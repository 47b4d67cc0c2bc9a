"""``warroom postmortem`` (show, draft, edit, submit, publish, reopen, list) and ``warroom
action`` (list, add, update). Locally or over HTTP (``--url``/``--token``); ``--json`` prints
the API's document."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from warroom.cli.options import AsOpt, JsonOpt, RefArg, TokenOpt, UrlOpt
from warroom.cli.problems import invalid
from warroom.cli.reviews_backend import ActionQuery, LocalReviews, RemoteReviews, ReviewsBackend
from warroom.cli.run import DomainRun, Target, running_with
from warroom.reviews.rules import SECTION_KEYS, PostmortemState
from warroom.reviews.schemas import (
    ActionItemIn,
    ActionItemOut,
    ActionItemPatch,
    PostmortemOut,
    PostmortemPatch,
    PostmortemSummary,
)

postmortem_app = typer.Typer(
    no_args_is_help=True,
    help="Postmortems: draft from the timeline, edit in Markdown, review and publish.",
)
action_app = typer.Typer(no_args_is_help=True, help="Action items across incidents.")
Run = DomainRun[ReviewsBackend]
Str = str | None


def running(
    url: str | None, token: str | None, as_email: str | None, as_json: bool
) -> AbstractContextManager[Run]:
    return running_with(RemoteReviews, LocalReviews.on, Target(url, token, as_email), as_json)


def _opt(text: str, *names: str) -> Any:
    return typer.Option(*names, help=text, show_default=False)


def render(pm: PostmortemOut) -> RenderableType:
    due = f", due {pm.due_at:%Y-%m-%d %H:%M} UTC" if pm.due_at else ""
    late = " OVERDUE" if pm.overdue else ""
    parts: list[RenderableType] = [
        Text.assemble(
            (f"{pm.incident} ", "bold"),
            f"{pm.incident_title} — {pm.severity}, postmortem {pm.state.label}{due}{late}",
        ),
        Text(f"driven by {pm.owner.name if pm.owner else 'nobody yet'} · version {pm.version}"),
    ]
    for s in pm.sections:
        parts += [Text(f"\n{s.title}", style="bold underline"), Markdown(s.markdown or "—")]
    if pm.action_items:
        parts += [Text("\nAction items", style="bold underline"), action_table(pm.action_items)]
    return Group(*parts)


def action_table(rows: list[ActionItemOut]) -> Table:
    table = Table("Id", "Incident", "What", "Type", "Status", "Owner", "Due")
    for a in rows:
        due = f"{a.due_on}{' overdue' if a.overdue else ''}" if a.due_on else "—"
        owner = a.owner.name if a.owner else "—"
        table.add_row(str(a.id), a.incident, a.title, a.type, a.status.label, owner, due)
    return table


def summary_table(rows: list[PostmortemSummary]) -> Table:
    table = Table("Incident", "Severity", "State", "Due", "Driven by", "Open items")
    for p in rows:
        due = f"{p.due_at:%Y-%m-%d %H:%M}" if p.due_at else "—"
        due += " overdue" if p.overdue else ""
        owner = p.owner.name if p.owner else "—"
        table.add_row(f"{p.incident} {p.incident_title}", p.severity, p.state.label, due, owner,
                      str(p.open_action_items))  # fmt: skip
    return table


def _show(run: Run, pm: PostmortemOut) -> None:
    run.emit(pm, lambda: render(pm))


@postmortem_app.command("show")
def show(ref: RefArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
         as_: AsOpt = None) -> None:  # fmt: skip
    """The incident's postmortem and its action items."""
    with running(url, token, as_, json_out) as run:
        _show(run, run.backend.postmortem(ref))


@postmortem_app.command("draft")
def draft(
    ref: RefArg, redraft: Annotated[bool, _opt("Write a draft again from the timeline")] = False,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Draft the postmortem from the timeline (an existing one is shown as it is)."""
    with running(url, token, as_, json_out) as run:
        _show(run, run.backend.draft(ref, redraft))


def _markdown(text: Str, file: Str) -> str | None:
    if text is not None and file is not None:
        raise invalid("file", "give --text or --file, not both")
    if file is None:
        return text
    try:
        return sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        raise invalid("file", f"cannot read {file}: {exc.strerror}") from exc


@postmortem_app.command("edit")
def edit(
    ref: RefArg, section: Annotated[Str, _opt(f"One of: {', '.join(SECTION_KEYS)}")] = None,
    text: Annotated[Str, _opt("The section's Markdown")] = None,
    file: Annotated[Str, _opt("Read the section's Markdown from a file (- for stdin)")] = None,
    owner: Annotated[Str, _opt("Email of who drives the review")] = None,
    version: Annotated[int | None, _opt("The version you last saw (refused if stale)")] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Replace one section's Markdown, or name who drives the review."""
    with running(url, token, as_, json_out) as run:
        body: dict[str, Any] = {"version": version, "owner": owner}
        content = _markdown(text, file)
        if section is not None or content is not None:
            if section is None or content is None:
                raise invalid("section", "give --section with --text or --file")
            body[section] = content
        _show(run, run.backend.edit(ref, PostmortemPatch.model_validate(body)))


def _move(move: str, ref: str, version: int | None, target: Target, as_json: bool) -> None:
    with running(target.url, target.token, target.as_email, as_json) as run:
        _show(run, run.backend.move(ref, move, version))


VersionOpt = Annotated[int | None, _opt("The version you last saw (refused if stale)")]


@postmortem_app.command("submit")
def submit(ref: RefArg, version: VersionOpt = None, json_out: JsonOpt = False,
           url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None) -> None:  # fmt: skip
    """Draft → in review."""
    _move("submit", ref, version, Target(url, token, as_), json_out)


@postmortem_app.command("publish")
def publish(ref: RefArg, version: VersionOpt = None, json_out: JsonOpt = False,
            url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None) -> None:  # fmt: skip
    """In review → published (the incident commander or a manager)."""
    _move("publish", ref, version, Target(url, token, as_), json_out)


@postmortem_app.command("reopen")
def reopen(ref: RefArg, version: VersionOpt = None, json_out: JsonOpt = False,
           url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None) -> None:  # fmt: skip
    """Back to draft, from review or to correct a published one."""
    _move("reopen", ref, version, Target(url, token, as_), json_out)


@postmortem_app.command("list")
def list_postmortems(
    state: Annotated[list[PostmortemState] | None, _opt("draft, in_review, published")] = None,
    overdue: Annotated[bool, _opt("Only those past their due date")] = False,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Postmortems of the incidents you may see, soonest due first."""
    with running(url, token, as_, json_out) as run:
        rows = run.backend.postmortems(state or [], True if overdue else None)
        run.emit(rows, lambda: summary_table(rows))


@action_app.command("list")
def list_actions(
    status: Annotated[list[str] | None, _opt("open, in_progress, done, wont_do")] = None,
    owner: Annotated[Str, _opt("The owner's email")] = None,
    overdue: Annotated[bool, _opt("Only the late ones")] = False,
    incident: Annotated[Str, _opt("Only this incident's")] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Action items across the incidents you may see: late first, then by due date."""
    with running(url, token, as_, json_out) as run:
        query = ActionQuery.model_validate({"status": status or [], "owner": owner,
                                            "overdue": True if overdue else None,
                                            "incident": incident})  # fmt: skip
        rows = run.backend.actions(query)
        run.emit(rows, lambda: action_table(rows))


@action_app.command("add")
def add(
    ref: RefArg, title: Annotated[str, typer.Argument(help="What is to be done")],
    type: Annotated[str, _opt("mitigate, prevent, detect or process", "--type")],
    owner: Annotated[Str, _opt("The owner's email")] = None,
    due: Annotated[Str, _opt("Due date, YYYY-MM-DD")] = None,
    tracker: Annotated[Str, _opt("The item's URL in an external tracker", "--tracker")]
    = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Add an action item to an incident."""
    with running(url, token, as_, json_out) as run:
        data = ActionItemIn.model_validate({"title": title, "type": type, "owner": owner,
                                            "due_on": due, "tracker_url": tracker})  # fmt: skip
        item = run.backend.add_action(ref, data)
        run.emit(item, lambda: action_table([item]))


@action_app.command("update")
def update(
    item_id: Annotated[int, typer.Argument(help="As `warroom action list` shows")],
    status: Annotated[Str, _opt("open, in_progress, done, wont_do")] = None,
    owner: Annotated[Str, _opt("The owner's email; \"\" for nobody")] = None,
    due: Annotated[Str, _opt("Due date, YYYY-MM-DD; \"\" for none")] = None,
    tracker: Annotated[Str, _opt("Tracker URL; \"\" for none", "--tracker")] = None,
    title: Annotated[Str, _opt("New wording")] = None,
    type: Annotated[Str, _opt("mitigate, prevent, detect or process", "--type")] = None,
    version: VersionOpt = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Change an action item: only the options given."""
    given = {"status": status, "title": title, "type": type, "version": version}
    body: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    # An empty value clears these three; left out, they stay as they are.
    for field, value in (("owner", owner), ("due_on", due), ("tracker_url", tracker)):
        if value is not None:
            body[field] = value or None
    with running(url, token, as_, json_out) as run:
        item = run.backend.update_action(item_id, ActionItemPatch.model_validate(body))
        run.emit(item, lambda: action_table([item]))
