"""Reading the fields of an advisory document, each fault naming its JSON path."""

from __future__ import annotations

from typing import cast

from packageurl import PackageURL

from warroom.errors import InvalidInput

Json = dict[str, object]


class AdvisoryError(InvalidInput):
    """An advisory document that cannot be read; ``path`` is the JSON path of the fault."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason


def as_object(value: object, path: str) -> Json:
    if not isinstance(value, dict):
        raise AdvisoryError(path, f"must be an object, not {kind_of(value)}")
    return cast(Json, value)


def as_list(value: object, path: str) -> list[object]:
    if not isinstance(value, list):
        raise AdvisoryError(path, f"must be a list, not {kind_of(value)}")
    return cast(list[object], value)


def kind_of(value: object) -> str:
    if value is None:
        return "null"
    kinds = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    return kinds.get(type(value), "a list" if isinstance(value, list) else "an object")


def nonblank(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise AdvisoryError(path, f"must be a string, not {kind_of(value)}")
    if not value.strip():
        raise AdvisoryError(path, "must not be blank")
    return value.strip()


def text_field(data: Json, key: str, path: str) -> str | None:
    value = data.get(key)
    return None if value is None else nonblank(value, f"{path}.{key}")


def required(data: Json, key: str, path: str) -> str:
    if data.get(key) is None:
        raise AdvisoryError(f"{path}.{key}", "required")
    return nonblank(data[key], f"{path}.{key}")


def flag(data: Json, key: str, path: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise AdvisoryError(f"{path}.{key}", f"must be true or false, not {kind_of(value)}")
    return value


def cvss_score(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 10:
        raise AdvisoryError(path, "must be a number from 0 to 10")
    return float(value)


def purl_field(data: Json, path: str) -> PackageURL | None:
    text = text_field(data, "purl", path)
    if text is None:
        return None
    try:
        purl = PackageURL.from_string(text)
    except ValueError as exc:
        raise AdvisoryError(f"{path}.purl", f"not a package URL: {exc}") from None
    if purl.version:
        raise AdvisoryError(f"{path}.purl", "names a version; the ranges say which are affected")
    return purl


def lower_or_none(text: str | None) -> str | None:
    return text.lower() if text else None


def one_or_many(data: Json, key: str) -> list[tuple[str, str]]:
    """Texts given as one string or a list of strings, each with its path."""
    value = data.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [(nonblank(value, f"$.{key}"), f"$.{key}")]
    items = as_list(value, f"$.{key}")
    return [(nonblank(item, f"$.{key}[{i}]"), f"$.{key}[{i}]") for i, item in enumerate(items)]
