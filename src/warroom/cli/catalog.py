"""``warroom service|asset|lifecycle …``: read the catalog, locally or over HTTP.

The commands mirror ``/api/v1/services``, ``/assets`` and ``/lifecycles``: ``--json`` prints
the API's document, otherwise a table. Creating and editing catalog entries is declarative and
goes through ``warroom plan apply``; only lifecycle data, which comes from outside, is imported
here. The parties of the plan are in ``catalog_parties.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel
from rich.console import RenderableType

from warroom.catalog.schemas import LifecycleImport
from warroom.cli import catalog_render as render
from warroom.cli.catalog_backend import AssetQuery, CatalogBackend, LocalCatalog, RemoteCatalog
from warroom.cli.options import AsOpt, JsonOpt, TokenOpt, UrlOpt
from warroom.cli.problems import invalid
from warroom.cli.run import emit, reporting
from warroom.db import utcnow
from warroom.settings import load_settings

EDITING = "Create and change entries with `warroom plan apply FILE.yaml`."


def group(help_text: str) -> typer.Typer:
    return typer.Typer(no_args_is_help=True, help=f"{help_text} {EDITING}")


services_app = group("Read the service catalog: tiers, owners, runbooks and dependencies.")
assets_app = group("Read assets (configuration items), their software support and coverage.")
lifecycles_app = typer.Typer(
    no_args_is_help=True,
    help="Product lifecycles (endoflife.date data): list them, or import a product's cycles.",
)


def open_catalog(url: str | None, token: str | None, as_email: str | None) -> CatalogBackend:
    if url:
        if not token:
            raise typer.BadParameter(
                "--url needs a token too (or WARROOM_TOKEN)", param_hint="'--token'"
            )
        return RemoteCatalog(url, token)
    return LocalCatalog.on(load_settings().database_url, as_email)


@dataclass(frozen=True)
class CatalogRun:
    backend: CatalogBackend
    as_json: bool

    def emit(
        self, value: BaseModel | Sequence[BaseModel], human: Callable[[], RenderableType]
    ) -> None:
        emit(value, human, self.as_json)


@contextmanager
def catalog(
    url: str | None, token: str | None, as_email: str | None, as_json: bool
) -> Iterator[CatalogRun]:
    """The chosen backend for one command, closed afterwards, with problems reported as one
    line (or the problem document with ``--json``) and exit 1."""
    with reporting(as_json):
        backend = open_catalog(url, token, as_email)
        try:
            yield CatalogRun(backend, as_json)
        finally:
            backend.close()


Q = Annotated[
    str | None, typer.Option("--q", help="Part of the name, any case.", show_default=False)
]
NameArg = Annotated[str, typer.Argument(help="The service's name, e.g. sales-ordering.")]
HostArg = Annotated[str, typer.Argument(help="The asset's hostname, e.g. sos-app-01.")]


@services_app.command("list")
def list_services(
    q: Q = None, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:  # fmt: skip
    """List services by tier, with owner, runbook and dependencies."""
    with catalog(url, token, as_, json_out) as run:
        rows = run.backend.services(q)
        run.emit(rows, lambda: render.service_table(rows))


@services_app.command("show")
def show_service(
    name: NameArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:  # fmt: skip
    """Show one service: description, runbook, what it needs and what needs it."""
    with catalog(url, token, as_, json_out) as run:
        found = run.backend.service(name)
        run.emit(found, lambda: render.service_detail(found))


@services_app.command("blast-radius")
def service_blast_radius(
    name: NameArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:  # fmt: skip
    """What stops if this service fails: dependent services, their assets, customers and SLAs."""
    with catalog(url, token, as_, json_out) as run:
        found = run.backend.service_blast_radius(name)
        run.emit(found, lambda: render.blast_radius(found))


@assets_app.command("list")
def list_assets(
    exposure: Annotated[
        str | None,
        typer.Option(help="internet-facing, internal or internal-tool.", show_default=False),
    ] = None,
    service: Annotated[
        str | None, typer.Option(help="Only assets supporting this service.", show_default=False)
    ] = None,
    q: Annotated[
        str | None,
        typer.Option("--q", help="Part of the hostname or location.", show_default=False),
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many (1 to 1000).")] = 200,
    json_out: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:
    """List assets with their software's support status and contract coverage."""
    with catalog(url, token, as_, json_out) as run:
        query = AssetQuery.model_validate(
            {"q": q, "service": service, "exposure": exposure, "limit": limit}
        )
        rows = run.backend.assets(query)
        run.emit(rows, lambda: render.asset_table(rows))


@assets_app.command("show")
def show_asset(
    hostname: HostArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:  # fmt: skip
    """Show one asset: where it is, what it runs and whether a contract covers it."""
    with catalog(url, token, as_, json_out) as run:
        found = run.backend.asset(hostname)
        run.emit(found, lambda: render.asset_detail(found))


@assets_app.command("blast-radius")
def asset_blast_radius(
    hostname: HostArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:  # fmt: skip
    """What stops if this asset fails: its services, everything depending on them, customers."""
    with catalog(url, token, as_, json_out) as run:
        found = run.backend.asset_blast_radius(hostname)
        run.emit(found, lambda: render.blast_radius(found))


@lifecycles_app.command("list")
def list_lifecycles(
    product: Annotated[
        str | None, typer.Option(help="Only this product, e.g. openssl.", show_default=False)
    ] = None,
    json_out: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:
    """List known release cycles with their support and end-of-life dates."""
    with catalog(url, token, as_, json_out) as run:
        rows = run.backend.lifecycles(product)
        run.emit(rows, lambda: render.cycle_table(rows, utcnow().date()))


def read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise invalid("file", f"cannot read {path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise invalid("file", f"{path} is not JSON: {exc}") from exc


@lifecycles_app.command("import")
def import_lifecycle(
    product: Annotated[str, typer.Argument(help="The product, as installed software names it.")],
    file: Annotated[
        Path, typer.Argument(help="endoflife.date JSON: /api/PRODUCT.json (v0) or API v1.")
    ],
    json_out: JsonOpt = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
    as_: AsOpt = None,
) -> None:
    """Create or update a product's cycles from endoflife.date JSON (needs the manager role)."""
    with catalog(url, token, as_, json_out) as run:
        data = LifecycleImport.model_validate({"product": product, "data": read_json(file)})
        rows = run.backend.import_lifecycle(data)
        run.emit(rows, lambda: render.imported(data.product, rows, utcnow().date()))
