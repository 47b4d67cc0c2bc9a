"""The ``warroom`` command."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="warroom: incident command.")


def run() -> None:
    app()
