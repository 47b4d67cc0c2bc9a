"""Options shared by the commands, declared once so every command spells them the same."""

from __future__ import annotations

from typing import Annotated

import typer

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print the API's JSON document instead of a summary.")
]
UrlOpt = Annotated[
    str | None,
    typer.Option(
        "--url",
        envvar="WARROOM_URL",
        help="Talk to this server (e.g. http://127.0.0.1:8080) instead of the local database.",
        show_default=False,
    ),
]
TokenOpt = Annotated[
    str | None,
    typer.Option(
        "--token",
        envvar="WARROOM_TOKEN",
        help="API token for --url.",
        show_default=False,
        show_envvar=True,
    ),
]
AsOpt = Annotated[
    str | None,
    typer.Option(
        "--as",
        envvar="WARROOM_AS",
        help="Email of the person acting on the local database (default: the first admin).",
        show_default=False,
    ),
]
TzOpt = Annotated[
    str | None,
    typer.Option(
        "--tz",
        help="Show times in this IANA time zone (default: the acting person's).",
        show_default=False,
    ),
]
RefArg = Annotated[str, typer.Argument(help="Incident reference, e.g. INC-42 or 42.")]
