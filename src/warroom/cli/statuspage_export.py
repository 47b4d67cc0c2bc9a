"""``warroom statuspage export DIR``: the public status page as static files from the local
database, for any web server or CDN to serve (even while warroom itself is down)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from warroom.cli.local import local_transaction
from warroom.cli.run import reporting
from warroom.db import utcnow
from warroom.settings import load_settings


def export(
    directory: Annotated[Path, typer.Argument(help="Where to write it (created if missing).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the files written as JSON.")
    ] = False,
) -> None:
    """Write index.html, api/v2/*.json, history.atom and history.rss, laid out as the live
    paths are. Set WARROOM_STATUSPAGE_EXPORT_DIR to have the server keep it current."""
    from warroom.statuspage.export import write_site
    from warroom.statuspage.public_site import documents

    settings = load_settings()
    with reporting(as_json), local_transaction() as session:
        site = documents(session, settings, utcnow())
    files = write_site(site, directory)
    if as_json:
        typer.echo(json.dumps({"directory": str(directory), "files": files}))
        return
    typer.echo(f"Wrote {len(files)} files to {directory}")
