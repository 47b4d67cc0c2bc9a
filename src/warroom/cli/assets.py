"""``warroom assets``: bulk work on the asset inventory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from warroom.catalog.csv_import import HEADER, CsvInvalid, do_import_assets
from warroom.cli.local import local_transaction
from warroom.cli.run import reporting

app = typer.Typer(no_args_is_help=True, help="The asset inventory.")

CsvArg = Annotated[
    Path,
    typer.Argument(help="A CSV file with the header " + ",".join(HEADER), show_default=False),
]


def _fail(lines: list[str]) -> typer.Exit:
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for line in lines:
        err.print(Text.assemble(("error: ", "bold red"), line))
    return typer.Exit(1)


@app.command("import")
def import_csv(file: CsvArg) -> None:
    """Create or update assets from FILE; if any row is bad, every bad row is listed with its
    line number and nothing is imported."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail([f"{file}: cannot read: {exc}"]) from None
    with reporting(as_json=False):
        try:
            with local_transaction(migrate=True) as session:
                result = do_import_assets(session=session, text=text)
        except CsvInvalid as exc:
            lines = [str(p) for p in exc.problems]
            raise _fail([*lines, f"{file}: {exc.detail}"]) from None
    typer.echo(
        f"Imported {result.total} assets ({result.created} created, {result.updated} updated)."
    )
