"""``warroom assets``: bulk work on the asset inventory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from warroom.catalog.csv_import import HEADER
from warroom.cli.options import JsonOpt, TokenOpt, UrlOpt
from warroom.cli.plan_backend import error_lines, planning, read_file
from warroom.cli.problems import Problem
from warroom.cli.run import dump

app = typer.Typer(no_args_is_help=True, help="The asset inventory.")

CsvArg = Annotated[
    Path,
    typer.Argument(help="A CSV file with the header " + ",".join(HEADER), show_default=False),
]


@app.command("import")
def import_csv(
    file: CsvArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None
) -> None:
    """Create or update assets from FILE; if any row is bad, every bad row is listed with its
    line number and nothing is imported. With --url, on that server (manager role)."""
    text = read_file(file, json_out)

    def lines(problem: Problem) -> list[str]:
        return [*error_lines(problem), f"{file}: {problem.body.get('detail', '')}"]

    with planning(url, token, json_out, lines) as backend:
        result = backend.import_assets(text)
    if json_out:
        typer.echo(dump(result))
        return
    typer.echo(
        f"Imported {result.imported} assets ({result.created} created, {result.updated} updated)."
    )
