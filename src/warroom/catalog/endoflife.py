"""Reading the endoflife.date JSON formats into lifecycle cycles (pure).

Two shapes are accepted:
- API v0, ``/api/{product}.json``: a list of ``{"cycle", "releaseDate", "support", "eol",
  "latest", ...}`` where ``support`` and ``eol`` are a date or a boolean;
- API v1, ``/api/v1/products/{product}``: ``{"result": {"releases": [{"name",
  "releaseDate", "eoasFrom", "isEoas", "eolFrom", "isEol", "latest": {"name"}}]}}``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from warroom.catalog.rules import Cycle, product_key
from warroom.errors import InvalidInput


def parse_endoflife(product: str, data: Any, field: str = "data") -> list[Cycle]:
    if isinstance(data, dict) and isinstance(data.get("result"), dict):
        releases = data["result"].get("releases")
        if not isinstance(releases, list):
            raise InvalidInput(field, "result.releases must be a list")
        return [_v1(product, r, f"{field}.result.releases.{i}") for i, r in enumerate(releases)]
    if isinstance(data, list):
        return [_v0(product, row, f"{field}.{i}") for i, row in enumerate(data)]
    raise InvalidInput(field, "expected an endoflife.date list of cycles or a v1 product document")


def _v0(product: str, row: Any, where: str) -> Cycle:
    if not isinstance(row, dict) or not str(row.get("cycle", "")).strip():
        raise InvalidInput(where, "each cycle needs a 'cycle' name")
    support, support_flag = _date_or_flag(row.get("support"), f"{where}.support")
    eol, eol_flag = _date_or_flag(row.get("eol"), f"{where}.eol")
    released, _ = _date_or_flag(row.get("releaseDate"), f"{where}.releaseDate")
    latest = row.get("latest")
    return Cycle(
        product=product_key(product),
        cycle=str(row["cycle"]).strip(),
        release_date=released,
        support=support,
        support_flag=_ended(support_flag),
        eol=eol,
        eol_flag=eol_flag,
        latest=str(latest) if latest is not None else None,
    )


def _ended(still_supported: bool | None) -> bool | None:
    # v0 says ``"support": true`` for "still supported"; the cycle stores "support ended".
    return None if still_supported is None else not still_supported


def _v1(product: str, row: Any, where: str) -> Cycle:
    if not isinstance(row, dict) or not str(row.get("name", "")).strip():
        raise InvalidInput(where, "each release needs a 'name'")
    eol, _ = _date_or_flag(row.get("eolFrom"), f"{where}.eolFrom")
    eoas, _ = _date_or_flag(row.get("eoasFrom"), f"{where}.eoasFrom")
    released, _ = _date_or_flag(row.get("releaseDate"), f"{where}.releaseDate")
    latest = row.get("latest")
    return Cycle(
        product=product_key(product),
        cycle=str(row["name"]).strip(),
        release_date=released,
        support=eoas,
        support_flag=_flag(row.get("isEoas")),
        eol=eol,
        eol_flag=_flag(row.get("isEol")),
        latest=str(latest.get("name")) if isinstance(latest, dict) else None,
    )


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _date_or_flag(value: Any, where: str) -> tuple[date | None, bool | None]:
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, value
    try:
        return date.fromisoformat(str(value)), None
    except ValueError as exc:
        raise InvalidInput(where, f"not a date or boolean: {value!r}") from exc
