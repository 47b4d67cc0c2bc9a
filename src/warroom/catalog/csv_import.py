"""Importing assets from a CSV inventory export, all or nothing.

The header is exactly ``hostname,ip,kind,environment,exposure,services,owner_team,software``.
``ip`` and ``services`` hold ``;``-separated values, ``software`` ``product@version`` items
separated by ``;``. An empty ``kind``, ``environment`` or ``exposure`` takes the default. A
row creates the asset, or updates the columns the file has on the asset of that hostname
(aliases, location and tags are kept); its software becomes what the row lists.

Every bad row is reported with its line number (the header is line 1) and the column at
fault; if any row is bad, nothing is imported. Thousands of rows import in one pass: the
services, teams and existing assets are read with a few queries, not per row, and only the
differences are written (see ``assets_bulk``)."""

from __future__ import annotations

import csv
import io
import ipaddress
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Team
from warroom.catalog import assets_bulk
from warroom.catalog.models import Service
from warroom.catalog.rules import product_key
from warroom.catalog.schemas import AssetIn
from warroom.errors import FieldError, WarroomError

HEADER = ("hostname", "ip", "kind", "environment", "exposure", "services", "owner_team", "software")
COLUMN = {"ips": "ip", "aliases": "hostname", "location": "hostname", "tags": "hostname"}


@dataclass(frozen=True)
class RowProblem:
    line: int
    field: str
    detail: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.detail}"


class CsvInvalid(WarroomError):
    """Every bad row of an import, with its line; nothing was imported."""

    status = 422
    title = "Invalid input"

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        ordered = sorted(problems, key=lambda p: p.line)
        errors = [FieldError(f"line {p.line}: {p.field}", p.detail) for p in ordered]
        lines = len({p.line for p in ordered})
        problems_text = f"{len(ordered)} problem{'s' if len(ordered) != 1 else ''}"
        rows_text = f"{lines} row{'s' if lines != 1 else ''}"
        detail = f"{problems_text} in {rows_text}; nothing was imported"
        super().__init__(detail, errors=errors)
        self.problems = ordered


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


@dataclass(frozen=True)
class Row:
    """One record: what it names (checked against the database later) and, when it is well
    formed, the asset it describes."""

    line: int
    hostname: str
    services: list[str]
    owner_team: str | None
    data: AssetIn | None


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _ips(line: int, cell: str, problems: list[RowProblem]) -> list[str]:
    good = []
    for text in _split(cell):
        try:
            good.append(str(ipaddress.ip_address(text)))
        except ValueError:
            problems.append(RowProblem(line, "ip", f"{text!r} is not an IP address"))
    return good


def _software(line: int, cell: str, problems: list[RowProblem]) -> list[dict[str, str]]:
    good: dict[tuple[str, str], dict[str, str]] = {}
    for text in _split(cell):
        product, at, version = text.rpartition("@")
        if not at or not product.strip() or not version.strip():
            problems.append(RowProblem(line, "software", f"{text!r} is not product@version"))
            continue
        key = (product_key(product), version.strip())
        if key in good:
            problems.append(RowProblem(line, "software", f"{text!r} is listed twice"))
        else:
            good[key] = {"product": product.strip(), "version": key[1]}
    return list(good.values())


def _asset(line: int, cell: Mapping[str, str], problems: list[RowProblem]) -> AssetIn | None:
    found: list[RowProblem] = []
    data: dict[str, Any] = {
        "hostname": cell["hostname"],
        "ips": _ips(line, cell["ip"], found),
        "services": _split(cell["services"]),
        "owner_team": cell["owner_team"] or None,
        "software": _software(line, cell["software"], found),
    }
    data |= {k: cell[k] for k in ("kind", "environment", "exposure") if cell[k]}
    try:
        asset = AssetIn.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            column = str(error["loc"][0]) if error["loc"] else "row"
            detail = str(error["msg"]).removeprefix("Value error, ")
            found.append(RowProblem(line, COLUMN.get(column, column), detail))
        asset = None
    problems += found
    return None if found else asset


def _row(line: int, cells: Sequence[str], problems: list[RowProblem]) -> Row:
    cell = dict(zip(HEADER, (c.strip() for c in cells), strict=True))
    data = _asset(line, cell, problems)
    services, team = _split(cell["services"]), cell["owner_team"] or None
    return Row(line, cell["hostname"].lower(), services, team, data)


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text))
    last = 0
    for cells in reader:
        start, last = last + 1, reader.line_num
        if cells and any(c.strip() for c in cells):
            yield start, cells


def parse_assets_csv(text: str) -> tuple[list[Row], list[RowProblem]]:
    """Every record, and every problem with them (pure); a row with a problem has no
    ``data``."""
    records = _records(text.removeprefix("\ufeff"))
    first = next(records, None)
    if first is None or tuple(c.strip() for c in first[1]) != HEADER:
        return [], [RowProblem(1, "header", "must be exactly " + ",".join(HEADER))]
    rows: list[Row] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for line, cells in records:
        if len(cells) != len(HEADER):
            detail = f"has {len(cells)} fields; the header has {len(HEADER)}"
            problems.append(RowProblem(line, "row", detail))
            continue
        row = _row(line, cells, problems)
        if row.hostname in seen:
            detail = f"{row.hostname!r} is also on line {seen[row.hostname]}"
            problems.append(RowProblem(line, "hostname", detail))
        seen.setdefault(row.hostname, line)
        rows.append(row)
    return rows, problems


def check_references(
    rows: Sequence[Row], services: Mapping[str, Any], teams: Mapping[str, Any]
) -> list[RowProblem]:
    problems = []
    for row in rows:
        for name in row.services:
            if name not in services:
                problems.append(RowProblem(row.line, "services", f"unknown service {name!r}"))
        if row.owner_team and row.owner_team not in teams:
            detail = f"unknown team {row.owner_team!r}"
            problems.append(RowProblem(row.line, "owner_team", detail))
    return problems


def _checked(session: Session, text: str) -> tuple[list[AssetIn], dict[str, int], dict[str, int]]:
    """The assets the file describes, with the services and teams by name; raises
    ``CsvInvalid`` naming every bad row."""
    rows, problems = parse_assets_csv(text)
    services = dict(session.execute(select(Service.name, Service.id)).all())
    teams = dict(session.execute(select(Team.name, Team.id)).all())
    problems += check_references(rows, services, teams)
    if problems:
        raise CsvInvalid(problems)
    return [row.data for row in rows if row.data is not None], services, teams


def preview_import(*, session: Session, text: str) -> ImportResult:
    """What importing ``text`` would create and update, writing nothing; raises
    ``CsvInvalid`` as the import would."""
    assets, _services, _teams = _checked(session, text)
    stored = assets_bulk.read_stored(session, [asset.hostname for asset in assets])
    created = sum(asset.hostname not in stored.assets for asset in assets)
    return ImportResult(created=created, updated=len(assets) - created)


def do_import_assets(*, session: Session, text: str) -> ImportResult:
    """Create or update an asset per row; raises ``CsvInvalid`` naming every bad row, having
    written nothing."""
    assets, services, teams = _checked(session, text)
    stored = assets_bulk.read_stored(session, [asset.hostname for asset in assets])
    writes = assets_bulk.plan_writes(assets, stored, services, teams)
    assets_bulk.execute(session, writes)
    created = len(writes.new_assets)
    return ImportResult(created=created, updated=len(assets) - created)
