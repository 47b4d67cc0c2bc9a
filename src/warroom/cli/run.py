"""Running one incident command: choose the backend, print the result or the problem.

A command body only asks the backend and hands the answer to ``Run.emit``; this module owns
the exit codes (1 for a problem, 2 for usage) and the choice between JSON and a summary.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar
from zoneinfo import ZoneInfo

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console, RenderableType
from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError

from warroom.access.service import check_timezone
from warroom.cli.backend import Backend
from warroom.cli.local import LocalBackend
from warroom.cli.problems import Problem, from_error, from_validation, invalid, problem_body
from warroom.errors import InvalidInput, WarroomError
from warroom.settings import load_settings


@dataclass(frozen=True)
class Target:
    """Where a command acts: a server (``url`` + ``token``) or the local database."""

    url: str | None = None
    token: str | None = None
    as_email: str | None = None
    tz: str | None = None


def open_backend(target: Target) -> Backend:
    if target.url:
        if not target.token:
            raise typer.BadParameter(
                "--url needs a token too (or WARROOM_TOKEN)", param_hint="'--token'"
            )
        from warroom.cli.remote import RemoteBackend

        return RemoteBackend(target.url, target.token)
    return LocalBackend.open(load_settings().database_url, target.as_email)


def dump(value: BaseModel | Sequence[BaseModel] | dict[str, Any]) -> str:
    if isinstance(value, BaseModel):
        data: Any = value.model_dump(mode="json")
    elif isinstance(value, Sequence):
        data = [item.model_dump(mode="json") for item in value]
    else:
        data = value
    return json.dumps(data, indent=2, ensure_ascii=False)


@dataclass
class Run:
    backend: Backend
    as_json: bool
    tz: str | None
    _zone: ZoneInfo | None = field(default=None, init=False)

    def zone(self) -> ZoneInfo:
        """The viewer's time zone: ``--tz``, else the acting person's own."""
        if self._zone is None:
            name = self.tz or self.backend.timezone()
            try:
                self._zone = ZoneInfo(check_timezone(name))
            except InvalidInput as exc:
                raise invalid("tz", exc.errors[0].detail) from exc
        return self._zone

    def emit(
        self, value: BaseModel | Sequence[BaseModel], human: Callable[[ZoneInfo], RenderableType]
    ) -> None:
        emit(value, lambda: human(self.zone()), self.as_json)


def emit(
    value: BaseModel | Sequence[BaseModel], human: Callable[[], RenderableType], as_json: bool
) -> None:
    """Every command's output: the API's JSON with ``--json``, else a readable rendering."""
    if as_json:
        typer.echo(dump(value))
    else:
        Console().print(human())


def fail(problem: Problem, as_json: bool) -> typer.Exit:
    if as_json:
        typer.echo(dump(problem.body))
    else:
        line = Text.assemble(("error: ", "bold red"), problem.message)
        Console(stderr=True, highlight=False, soft_wrap=True).print(line)
    return typer.Exit(1)


def _database_problem(exc: SQLAlchemyError) -> Problem:
    first = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    if "no such table" in first or "does not exist" in first:
        first += " (is the database initialised? run `warroom init` or `warroom db upgrade`)"
    return Problem(problem_body(503, "Database error", first))


@contextmanager
def reporting(as_json: bool) -> Iterator[None]:
    """Turn any problem into one line on stderr (or the document with ``--json``), exit 1."""
    try:
        yield
    except Problem as exc:
        raise fail(exc, as_json) from None
    except ValidationError as exc:
        raise fail(from_validation(exc), as_json) from None
    except WarroomError as exc:
        raise fail(from_error(exc), as_json) from None
    except SQLAlchemyError as exc:
        raise fail(_database_problem(exc), as_json) from None


@contextmanager
def running(target: Target, as_json: bool) -> Iterator[Run]:
    """A ``Run`` on the chosen backend, closed afterwards, with problems reported."""
    with reporting(as_json):
        backend = open_backend(target)
        try:
            yield Run(backend, as_json, target.tz)
        finally:
            backend.close()


def parse_time(text: str | None, field_name: str, zone: Callable[[], ZoneInfo]) -> datetime | None:
    """An ISO 8601 time; without an offset it is read in the viewer's time zone."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise invalid(
            field_name, f"{text!r} is not an ISO 8601 time like 2026-11-23T03:10 or …T03:10Z"
        ) from exc
    return value if value.tzinfo is not None else value.replace(tzinfo=zone())


class DomainBackend(Protocol):
    def timezone(self) -> str: ...
    def close(self) -> None: ...


B = TypeVar("B", bound=DomainBackend)


@dataclass
class DomainRun(Generic[B]):
    """What a domain's commands (alerts, correlation, on call, paging) run with."""

    backend: B
    as_json: bool
    tz: str | None
    _zone: ZoneInfo | None = field(default=None, init=False)

    def zone(self) -> ZoneInfo:
        """The viewer's time zone: ``--tz``, else the acting person's own."""
        if self._zone is None:
            try:
                self._zone = ZoneInfo(check_timezone(self.tz or self.backend.timezone()))
            except InvalidInput as exc:
                raise invalid("tz", exc.errors[0].detail) from exc
        return self._zone

    def emit(
        self, value: BaseModel | Sequence[BaseModel], human: Callable[[], RenderableType]
    ) -> None:
        emit(value, human, self.as_json)


@contextmanager
def running_with(
    remote: Callable[[str, str], B],
    local: Callable[[str, str | None], B],
    target: Target,
    as_json: bool,
) -> Iterator[DomainRun[B]]:
    """A domain's backend over HTTP (``--url``) or on the local database, closed afterwards,
    with problems reported."""
    with reporting(as_json):
        if target.url and not target.token:
            raise typer.BadParameter(
                "--url needs a token too (or WARROOM_TOKEN)", param_hint="'--token'"
            )
        backend = (
            remote(target.url, target.token or "")
            if target.url
            else local(load_settings().database_url, target.as_email)
        )
        try:
            yield DomainRun(backend, as_json, target.tz)
        finally:
            backend.close()
