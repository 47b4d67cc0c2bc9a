"""``warroom kb``: search the knowledge base, the incidents most like one, marks on them, and
documented solutions. Locally or over HTTP (``--url``/``--token``); ``--json`` prints the
API's documents."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Annotated

import typer
from rich.console import Group, RenderableType
from rich.text import Text

from warroom.cli.knowledge_backend import KnowledgeBackend, LocalKnowledge, RemoteKnowledge
from warroom.cli.options import AsOpt, JsonOpt, RefArg, TokenOpt, UrlOpt
from warroom.cli.run import DomainRun, Target, running_with
from warroom.knowledge.schemas import FeedbackIn, SolutionIn, SuggestionOut

kb_app = typer.Typer(
    no_args_is_help=True,
    help="The knowledge base: search, similar past incidents and their fixes, solutions.",
)
KbRun = DomainRun[KnowledgeBackend]
Limit = Annotated[int, typer.Option(help="At most this many.", min=1, max=100)]


def running(
    url: str | None, token: str | None, as_email: str | None, as_json: bool
) -> AbstractContextManager[KbRun]:
    return running_with(RemoteKnowledge, LocalKnowledge.on, Target(url, token, as_email), as_json)


def render(found: list[SuggestionOut]) -> RenderableType:
    if not found:
        return Text("Nothing similar.")
    lines: list[RenderableType] = []
    for n, s in enumerate(found, 1):
        entry = s.entry
        lines.append(Text.assemble((f"{n}. {entry.ref} ", "bold"), entry.title,
                                   f"  [{entry.source}, entry {entry.id}]"))  # fmt: skip
        lines.append(Text(f"   why: {'; '.join(s.reasons)}"))
        if entry.fix:
            lines.append(Text(f"   fix: {entry.fix.splitlines()[0][:160]}"))
    return Group(*lines)


@kb_app.command("search")
def search_(
    q: Annotated[str, typer.Argument(help="Words to look for")], limit: Limit = 10,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Past incidents, solutions and runbooks matching the words."""
    with running(url, token, as_, json_out) as run:
        found = run.backend.search(q, limit)
        run.emit(found, lambda: render(found))


@kb_app.command("similar")
def similar_(
    ref: RefArg, limit: Limit = 5, json_out: JsonOpt = False, url: UrlOpt = None,
    token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """The past incidents most like this one, why, and how they were fixed."""
    with running(url, token, as_, json_out) as run:
        found = run.backend.similar(ref, limit)
        run.emit(found, lambda: render(found))


@kb_app.command("mark")
def mark(
    ref: RefArg, entry: Annotated[int, typer.Argument(help="The suggestion's entry id")],
    helpful: Annotated[bool, typer.Option("--helpful/--not-helpful")] = True,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Mark a suggestion for this incident helpful or not; later rankings use it."""
    with running(url, token, as_, json_out) as run:
        found = run.backend.mark(ref, FeedbackIn(entry_id=entry, helpful=helpful))
        run.emit(found, lambda: Text(f"Marked: {found.helpful_marks} helpful, "
                                     f"{found.unhelpful_marks} not helpful."))  # fmt: skip


@kb_app.command("solutions")
def solutions(
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None
) -> None:
    """Documented solutions, newest first."""
    with running(url, token, as_, json_out) as run:
        found = run.backend.solutions()
        run.emit(found, lambda: Group(*[Text(f"SOL-{s.id} {s.title}") for s in found]))


@kb_app.command("solution")
def solution(
    title: Annotated[str, typer.Option(help="What it solves, in a line")],
    fix: Annotated[str, typer.Option(help="The fix steps (Markdown)")],
    symptoms: Annotated[str, typer.Option(help="What responders see")] = "",
    cause: Annotated[str, typer.Option(help="Why it happens")] = "",
    service: Annotated[list[str] | None, typer.Option(help="A service (repeat)")] = None,
    incident: Annotated[str | None, typer.Option(help="The incident it was learnt from")] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Document a solution: symptoms, cause and fix; searchable at once."""
    with running(url, token, as_, json_out) as run:
        data = SolutionIn.model_validate({"title": title, "fix": fix, "symptoms": symptoms,
                                          "cause": cause, "services": service or [],
                                          "incident": incident})  # fmt: skip
        found = run.backend.add_solution(data)
        run.emit(found, lambda: Text(f"SOL-{found.id} {found.title} saved."))
