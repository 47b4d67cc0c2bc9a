"""What ``warroom plan`` and ``warroom assets import`` need, on the local database or over
HTTP (``--url``/``--token``), both answering with the API's documents.

Locally the commands act with full rights on ``WARROOM_DATABASE_URL``, as ``warroom demo``
does; remotely the token's holder needs the roles the routes demand (viewer to export,
manager to apply or import). A problem with a file's content is printed one line per
problem, each naming the file, or as the problem document with ``--json``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import typer
from rich.console import Console
from rich.text import Text

from warroom.catalog.csv_import import do_import_assets
from warroom.catalog.plan_apply import do_apply_plan, export_plan, preview_plan
from warroom.catalog.plan_present import (
    ImportOut,
    PlanResultOut,
    import_out,
    plan_result,
)
from warroom.catalog.plan_schema import dump_plan, load_plan
from warroom.cli.local import local_transaction
from warroom.cli.problems import Problem, from_error, invalid
from warroom.cli.remote import RemoteBackend
from warroom.cli.run import fail, reporting
from warroom.errors import WarroomError


class PlanBackend(Protocol):
    def apply(self, text: str, *, dry_run: bool) -> PlanResultOut: ...
    def export(self) -> str: ...
    def import_assets(self, text: str) -> ImportOut: ...
    def close(self) -> None: ...


class LocalPlan:
    """The plan use cases on the local database, one transaction per call."""

    def apply(self, text: str, *, dry_run: bool) -> PlanResultOut:
        plan = load_plan(text)  # a bad file is refused before the database is touched
        work = preview_plan if dry_run else do_apply_plan
        with local_transaction(migrate=not dry_run) as session:
            return plan_result(work(session=session, plan=plan), applied=not dry_run)

    def export(self) -> str:
        with local_transaction() as session:
            return dump_plan(export_plan(session=session))

    def import_assets(self, text: str) -> ImportOut:
        with local_transaction(migrate=True) as session:
            return import_out(do_import_assets(session=session, text=text))

    def close(self) -> None:
        pass


class RemotePlan(RemoteBackend):
    """``/api/v1/plan`` and ``/api/v1/assets/import`` on a running server."""

    def apply(self, text: str, *, dry_run: bool) -> PlanResultOut:
        data = self._call(
            "POST",
            "/plan",
            params={"dry_run": "true" if dry_run else "false"},
            content=text.encode("utf-8"),
            headers={"Content-Type": "application/yaml"},
        )
        return PlanResultOut.model_validate(data)

    def export(self) -> str:
        return self._send("GET", "/plan", headers={"Accept": "application/yaml"}).text

    def import_assets(self, text: str) -> ImportOut:
        data = self._call(
            "POST",
            "/assets/import",
            content=text.encode("utf-8"),
            headers={"Content-Type": "text/csv"},
        )
        return ImportOut.model_validate(data)


def open_plan(url: str | None, token: str | None) -> PlanBackend:
    if url:
        if not token:
            raise typer.BadParameter(
                "--url needs a token too (or WARROOM_TOKEN)", param_hint="'--token'"
            )
        return RemotePlan(url, token)
    return LocalPlan()


def read_file(path: Path, as_json: bool) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(invalid("file", f"cannot read {path}: {exc}"), as_json) from None


def print_errors(lines: list[str]) -> typer.Exit:
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for line in lines:
        err.print(Text.assemble(("error: ", "bold red"), line))
    return typer.Exit(1)


Lines = Callable[[Problem], list[str]]


@contextmanager
def planning(
    url: str | None, token: str | None, as_json: bool, lines: Lines
) -> Iterator[PlanBackend]:
    """The chosen backend for one command, closed afterwards. A problem naming fields (a bad
    plan or bad rows) is printed as ``lines`` words it; any other as ``reporting`` does."""
    with reporting(as_json):
        backend = open_plan(url, token)
        try:
            yield backend
        except (Problem, WarroomError) as exc:
            problem = exc if isinstance(exc, Problem) else from_error(exc)
            if as_json or not problem.body.get("errors"):
                raise problem from None
            raise print_errors(lines(problem)) from None
        finally:
            backend.close()


def error_lines(problem: Problem, prefix: str = "") -> list[str]:
    """``services[2].tier: reason``, one per error, after ``prefix``."""
    return [f"{prefix}{e['field']}: {e['detail']}" for e in problem.body.get("errors", [])]
