"""``warroom plan``: the catalog as code. ``apply`` makes the catalog what a YAML file says
(``--dry-run`` shows the diff and exits 10 when something would change); ``export`` writes
the catalog in the same format."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.text import Text

from warroom.catalog.plan import SINGULAR
from warroom.catalog.plan_present import PlanResultOut, summary
from warroom.cli.options import JsonOpt, TokenOpt, UrlOpt
from warroom.cli.plan_backend import error_lines, planning, read_file
from warroom.cli.problems import Problem
from warroom.cli.run import dump

app = typer.Typer(no_args_is_help=True, help="The catalog as code: apply or export a plan file.")

WOULD_CHANGE = 10  # the dry run's exit status when applying would change something
MARK = {"create": ("+", "green"), "update": ("~", "yellow"), "delete": ("-", "red")}


def _short(value: Any, width: int = 60) -> str:
    if isinstance(value, list):
        text = "[" + ", ".join(_short(v, width) for v in value) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k}: {_short(v, width)}" for k, v in value.items()) + "}"
    elif value is None or value == "":
        text = "—"
    else:
        text = str(value).replace("\n", "⏎")
    return text if len(text) <= width else text[: width - 1] + "…"


def diff_lines(result: PlanResultOut) -> Iterator[Text]:
    for change in result.changes:
        mark, style = MARK[change.action]
        yield Text(f"{mark} {change.kind} {change.key}", style=style)
        for name, field in change.fields.items():
            yield Text(f"    {name}: {_short(field.old)} → {_short(field.new)}")


def _show(result: PlanResultOut) -> None:
    out = Console(highlight=False, soft_wrap=True)
    if not result.changed:
        out.print("No changes.")
        return
    for line in diff_lines(result):
        out.print(line)
    if result.applied:
        out.print(f"Applied: {summary(result)}.")
    else:
        out.print(f"Dry run: {summary(result)}. Nothing was written.")


FileArg = Annotated[Path, typer.Argument(help="The plan, a YAML file.", show_default=False)]
DryRunOpt = Annotated[
    bool,
    typer.Option(
        "--dry-run", help="Show what would change, write nothing; exit 10 if anything would."
    ),
]


@app.command()
def apply(
    file: FileArg,
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Make the catalog what FILE says: create and update the records it lists (and, with
    `prune: true`, delete the ones of those kinds it omits). Applying it twice changes nothing.
    With --url, on that server (manager role)."""
    text = read_file(file, json_out)

    def lines(problem: Problem) -> list[str]:
        return error_lines(problem, f"{file}: ")

    with planning(url, token, json_out, lines) as backend:
        result = backend.apply(text, dry_run=dry_run)
    if json_out:
        typer.echo(dump(result))
    else:
        _show(result)
    if dry_run and result.changed:
        raise typer.Exit(WOULD_CHANGE)


OutArg = Annotated[
    Path | None,
    typer.Argument(help="Write the plan here (default: standard output).", show_default=False),
]


@app.command()
def export(file: OutArg = None, url: UrlOpt = None, token: TokenOpt = None) -> None:
    """Write the whole catalog as a plan file that `warroom plan apply` reads back unchanged.
    With --url, from that server."""
    with planning(url, token, False, error_lines) as backend:
        text = backend.export()
    if file is None:
        typer.echo(text, nl=False)
        return
    file.write_text(text, encoding="utf-8")
    data = yaml.safe_load(text) or {}
    counts = ", ".join(f"{len(data.get(kind) or [])} {kind}" for kind in SINGULAR)
    Console(stderr=True, highlight=False).print(f"Wrote {counts} to {file}.")
