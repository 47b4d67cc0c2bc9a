"""``warroom page …``, ``warroom policy …`` and ``warroom incident page``: see and acknowledge
pages, keep escalation policies (created from a YAML or JSON file), and page someone by hand,
on the local database or over HTTP (``--url``/``--token``)."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
import yaml
from rich.console import Group, RenderableType
from rich.table import Table

from warroom.cli.options import AsOpt, JsonOpt, RefArg, TokenOpt, TzOpt, UrlOpt
from warroom.cli.paging_backend import LocalPaging, PageQuery, PagingBackend, RemotePaging
from warroom.cli.problems import invalid
from warroom.cli.render import when
from warroom.cli.run import DomainRun, Target, emit, running_with
from warroom.oncall.page_schemas import PageOut, PageRequest, PagingResult
from warroom.oncall.policy_schemas import PolicyIn, PolicyOut

pages_app = typer.Typer(no_args_is_help=True, help="Your pages: list and acknowledge them.")
policies_app = typer.Typer(no_args_is_help=True, help="Escalation policies.")


PagingRun = DomainRun[PagingBackend]


def running(
    url: str | None, token: str | None, as_email: str | None, as_json: bool, tz: str | None = None
) -> AbstractContextManager[PagingRun]:
    return running_with(RemotePaging, LocalPaging.on, Target(url, token, as_email, tz), as_json)


def _opt(text: str) -> Any:
    return typer.Option(help=text, show_default=False)


PageIdArg = Annotated[int, typer.Argument(help="The page's id, as `warroom page list` shows.")]
PolicyArg = Annotated[str, typer.Argument(help="The policy's name (or id).")]
AllOpt = Annotated[bool, typer.Option("--all", help="Everyone's pages, not just yours.")]
StatusOpt = Annotated[str | None, _opt("open, acknowledged or closed.")]
IncidentOpt = Annotated[str | None, _opt("Only this incident's pages, e.g. INC-42.")]


@pages_app.command("list")
def list_pages(
    everyone: AllOpt = False, status: StatusOpt = None, incident: IncidentOpt = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """List your pages (or everyone's with --all), newest first."""
    with running(url, token, as_, json_out, tz) as run:
        query = PageQuery.model_validate({"all": everyone, "status": status, "incident": incident})
        rows = run.backend.pages(query)
        emit(rows, lambda: _page_table(rows, run.zone()), run.as_json)


def _page_table(rows: list[PageOut], zone: ZoneInfo) -> RenderableType:
    if not rows:
        return "No pages."
    table = Table("id", "status", "incident", "sev", "person", "paged", "why", box=None)
    for p in rows:
        table.add_row(
            str(p.id), p.status, p.incident, p.severity, p.person.name, when(p.created_at, zone),
            p.reason[:70],
        )  # fmt: skip
    return table


@pages_app.command("ack")
def acknowledge(
    page_id: PageIdArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:  # fmt: skip
    """Acknowledge a page: you are on it, and its escalation stops."""
    with running(url, token, as_, json_out) as run:
        done = run.backend.acknowledge(page_id)
        line = f"Page {done.id} for {done.incident} is {done.status}; the escalation stopped."
        emit(done, lambda: line, run.as_json)


def page_incident(
    ref: RefArg,
    person: Annotated[str | None, _opt("Email of the person to page.")] = None,
    policy: Annotated[str | None, _opt("Start this escalation policy instead.")] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Page a person (or start a policy's escalation) for an incident, whatever its severity."""
    with running(url, token, as_, json_out) as run:
        data = PageRequest.model_validate({"person": person, "policy": policy})
        result = run.backend.page(ref, data)
        emit(result, lambda: _paged(result), run.as_json)


def _paged(result: PagingResult) -> str:
    people = ", ".join(f"{p.person.name} (page {p.id})" for p in result.pages) or "nobody"
    return f"Paged for {result.incident}; open pages: {people}"


@policies_app.command("list")
def list_policies(
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """List escalation policies with the services and routes that use them."""
    with running(url, token, as_, json_out) as run:
        rows = run.backend.policies()
        emit(rows, lambda: _policy_table(rows), run.as_json)


def _policy_table(rows: list[PolicyOut]) -> RenderableType:
    if not rows:
        return "No escalation policies yet: `warroom policy create FILE`."
    table = Table("id", "name", "steps", "repeat", "services", "routes", box=None)
    for p in rows:
        table.add_row(
            str(p.id), p.name, str(len(p.steps)), str(p.repeat), ", ".join(p.services),
            ", ".join(p.routes),
        )  # fmt: skip
    return table


@policies_app.command("show")
def show_policy(
    name: PolicyArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:  # fmt: skip
    """Show a policy's steps: whom each pages, and how long it waits."""
    with running(url, token, as_, json_out) as run:
        found = run.backend.policy(name)
        emit(found, lambda: _policy_detail(found), run.as_json)


def _policy_detail(policy: PolicyOut) -> RenderableType:
    table = Table("step", "pages", "then waits", box=None)
    for step in policy.steps:
        targets = ", ".join(f"{t.kind} {t.name}" for t in step.targets)
        table.add_row(str(step.position + 1), targets, f"{step.delay_minutes} min")
    repeat = f", then {policy.repeat} more round(s)" if policy.repeat else ""
    uses = ", ".join([*policy.services, *(f"route {r}" for r in policy.routes)]) or "nothing yet"
    return Group(f"{policy.name}{repeat}; used by {uses}", table)


FileArg = Annotated[
    Path, typer.Argument(help="YAML or JSON: name, repeat, steps.", exists=True, dir_okay=False)
]


@policies_app.command("create")
def create_policy(
    file: FileArg,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Create a policy from a file (the body of POST /api/v1/escalation-policies)."""
    with running(url, token, as_, json_out) as run:
        made = run.backend.create_policy(PolicyIn.model_validate(_read(file)))
        emit(made, lambda: f"Created escalation policy {made.name!r} (id {made.id}).", run.as_json)


def _read(file: Path) -> Any:
    text = file.read_text(encoding="utf-8")
    try:
        return json.loads(text) if file.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise invalid("file", f"{file.name} is not valid YAML or JSON: {exc}") from None


@policies_app.command("delete")
def delete_policy(
    name: PolicyArg, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Delete a policy no service or route uses; running escalations carry on."""
    with running(url, token, as_, False) as run:
        run.backend.delete_policy(name)
        typer.echo(f"Deleted escalation policy {name!r}.")
