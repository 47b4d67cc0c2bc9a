"""``warroom plan``: the catalog as code. ``apply`` makes the catalog what a YAML file says
(``--dry-run`` shows the diff and exits 10 when something would change); ``export`` writes
the catalog in the same format."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from warroom.catalog.plan import SINGULAR, Change
from warroom.catalog.plan_apply import do_apply_plan, export_plan, preview_plan
from warroom.catalog.plan_schema import PlanInvalid, dump_plan, load_plan
from warroom.cli.local import local_transaction
from warroom.cli.run import reporting

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


def diff_lines(changes: Sequence[Change]) -> Iterator[Text]:
    for change in changes:
        mark, style = MARK[change.action]
        yield Text(f"{mark} {SINGULAR[change.kind]} {change.key}", style=style)
        for field in change.fields:
            yield Text(f"    {field.field}: {_short(field.old)} → {_short(field.new)}")


def summary(changes: Sequence[Change], done: bool) -> str:
    """``2 to create, 1 to update, 0 to delete``, or ``2 created, …`` once done."""
    parts = []
    for action in MARK:
        count = sum(c.action == action for c in changes)
        parts.append(f"{count} {action}d" if done else f"{count} to {action}")
    return ", ".join(parts)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail([f"{path}: cannot read: {exc}"]) from None


def _fail(lines: Sequence[str]) -> typer.Exit:
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for line in lines:
        err.print(Text.assemble(("error: ", "bold red"), line))
    return typer.Exit(1)


FileArg = Annotated[Path, typer.Argument(help="The plan, a YAML file.", show_default=False)]
DryRunOpt = Annotated[
    bool,
    typer.Option(
        "--dry-run", help="Show what would change, write nothing; exit 10 if anything would."
    ),
]


@app.command()
def apply(file: FileArg, dry_run: DryRunOpt = False) -> None:
    """Make the catalog what FILE says: create and update the records it lists (and, with
    `prune: true`, delete the ones of those kinds it omits). Applying it twice changes nothing."""
    text = _read(file)
    work = preview_plan if dry_run else do_apply_plan
    with reporting(as_json=False):
        try:
            plan = load_plan(text)
            with local_transaction(migrate=not dry_run) as session:
                changes = work(session=session, plan=plan)
        except PlanInvalid as exc:
            raise _fail([f"{file}: {p.path}: {p.detail}" for p in exc.problems]) from None
    out = Console(highlight=False, soft_wrap=True)
    if not changes:
        out.print("No changes.")
        return
    for line in diff_lines(changes):
        out.print(line)
    if dry_run:
        out.print(f"Dry run: {summary(changes, done=False)}. Nothing was written.")
        raise typer.Exit(WOULD_CHANGE)
    out.print(f"Applied: {summary(changes, done=True)}.")


OutArg = Annotated[
    Path | None,
    typer.Argument(help="Write the plan here (default: standard output).", show_default=False),
]


@app.command()
def export(file: OutArg = None) -> None:
    """Write the whole catalog as a plan file that `warroom plan apply` reads back unchanged."""
    with reporting(as_json=False), local_transaction() as session:
        plan = export_plan(session=session)
    text = dump_plan(plan)
    if file is None:
        typer.echo(text, nl=False)
        return
    file.write_text(text, encoding="utf-8")
    counts = ", ".join(f"{len(getattr(plan, k) or [])} {k}" for k in SINGULAR)
    Console(stderr=True, highlight=False).print(f"Wrote {counts} to {file}.")
