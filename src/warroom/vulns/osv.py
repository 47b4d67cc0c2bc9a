"""OSV advisories (https://ossf.github.io/osv-schema/) read into :class:`Advisory` values.

What is read, and how ecosystems map to version schemes, is told in ``advisories.py``."""

from __future__ import annotations

from functools import cmp_to_key
from typing import NamedTuple

from univers.version_constraint import VersionConstraint
from univers.version_range import RANGE_CLASS_BY_SCHEMES, VersionRange
from univers.versions import Version

from warroom.vulns.fields import (
    AdvisoryError,
    Json,
    as_list,
    as_object,
    cvss_score,
    flag,
    lower_or_none,
    nonblank,
    one_or_many,
    purl_field,
    required,
    text_field,
)
from warroom.vulns.values import (
    Advisory,
    AffectedRange,
    by_version,
    make_range,
    release_of,
    star_constraint,
    version_at,
)

PRODUCT_SCHEMES = {"openssl": "openssl", "nginx": "nginx"}

# The purl type and namespace OSV itself gives each ecosystem, so purls agree either way.
_OSV_ECOSYSTEMS: dict[str, tuple[str, str | None]] = {
    "Debian": ("deb", "debian"), "Ubuntu": ("deb", "ubuntu"), "Alpine": ("apk", "alpine"),
    "Chainguard": ("apk", "chainguard"), "Wolfi": ("apk", "wolfi"),
    "Red Hat": ("rpm", "redhat"), "Rocky Linux": ("rpm", "rocky-linux"),
    "AlmaLinux": ("rpm", "almalinux"), "openSUSE": ("rpm", "opensuse"), "SUSE": ("rpm", "suse"),
    "PyPI": ("pypi", None), "npm": ("npm", None), "Maven": ("maven", None),
    "Go": ("golang", None), "crates.io": ("cargo", None), "RubyGems": ("gem", None),
    "NuGet": ("nuget", None), "Packagist": ("composer", None), "Hex": ("hex", None),
    "ConanCenter": ("conan", None), "OSS-Fuzz": ("generic", None),
}  # fmt: skip
# Where OSV names carry the purl namespace: "org.apache:log4j", "github.com/x/y", "@types/node".
_NAMESPACE_SEPARATORS = {"maven": ":", "golang": "/", "npm": "/", "composer": "/", "hex": "/"}
_EVENT_KINDS = ("introduced", "fixed", "last_affected", "limit")


class _Package(NamedTuple):
    scheme: str
    name: str
    namespace: str | None
    source: str
    note: str = ""
    release: str | None = None


class _Event(NamedTuple):
    kind: str
    version: Version | None  # None: "introduced": "0", the beginning of time
    text: str


class _Span(NamedTuple):
    lower: Version | None
    upper: Version | None
    comparator: str  # "<" below a fix, "<=" up to a last affected version


def parse_osv(doc: object) -> Advisory:
    data = as_object(doc, "$")
    ident = required(data, "id", "$")
    entries = as_list(data.get("affected"), "$.affected")
    ranges = tuple(r for i, raw in enumerate(entries) for r in _osv_entry(raw, f"$.affected[{i}]"))
    if not ranges:
        raise AdvisoryError("$.affected", "no ECOSYSTEM or SEMVER range and no listed versions")
    specific = as_object(data.get("database_specific", {}), "$.database_specific")
    return Advisory(
        id=ident,
        affected=ranges,
        aliases=tuple(text for text, _ in one_or_many(data, "aliases")),
        summary=_osv_summary(data),
        cvss=_osv_cvss(data, specific),
        known_exploited=flag(specific, "known_exploited", "$.database_specific"),
        fixed=tuple(dict.fromkeys(text for r in ranges for text in r.fixed)),
    )


def _osv_entry(raw: object, path: str) -> list[AffectedRange]:
    entry = as_object(raw, path)
    if "package" not in entry:
        raise AdvisoryError(f"{path}.package", "required")
    package = _osv_package(as_object(entry["package"], f"{path}.package"), f"{path}.package")
    ranges = as_list(entry.get("ranges", []), f"{path}.ranges")
    found = [_osv_range(item, f"{path}.ranges[{i}]", package) for i, item in enumerate(ranges)]
    listed = as_list(entry.get("versions", []), f"{path}.versions")
    if listed:
        found.append(_listed(listed, f"{path}.versions", package))
    return [r for r in found if r is not None]


def _osv_package(package: Json, path: str) -> _Package:
    ecosystem, name = text_field(package, "ecosystem", path), text_field(package, "name", path)
    purl = purl_field(package, path)
    if purl is not None:
        source = ecosystem or f"pkg:{purl.type}"
        if purl.type == "generic":
            return _generic(purl.name, source, "")
        if purl.type in RANGE_CLASS_BY_SCHEMES:
            release = release_of(ecosystem.partition(":")[2] if ecosystem else "")
            release = release or release_of(purl.qualifiers.get("distro", ""))
            return _Package(
                purl.type, purl.name, lower_or_none(purl.namespace), source, "", release
            )
        name = name or purl.name
    if ecosystem is None:
        raise AdvisoryError(f"{path}.ecosystem", "required (or purl)")
    if name is None:
        raise AdvisoryError(f"{path}.name", "required")
    return _from_ecosystem(ecosystem, name)


def _from_ecosystem(ecosystem: str, name: str) -> _Package:
    known = _OSV_ECOSYSTEMS.get(ecosystem.split(":", 1)[0])
    if known is None:
        note = f"ecosystem {ecosystem!r} is not known here; its versions are read as generic"
        return _generic(name, ecosystem, note)
    scheme, namespace = known
    if scheme == "generic":
        return _generic(name, ecosystem, "")
    separator = _NAMESPACE_SEPARATORS.get(scheme)
    if separator and separator in name:
        namespace, _, name = name.rpartition(separator)
    release = release_of(ecosystem.partition(":")[2])
    return _Package(scheme, name, lower_or_none(namespace), ecosystem, "", release)


def _generic(name: str, source: str, note: str) -> _Package:
    return _Package(PRODUCT_SCHEMES.get(name.lower(), "generic"), name, None, source, note)


def _osv_range(raw: object, path: str, package: _Package) -> AffectedRange | None:
    item = as_object(raw, path)
    kind = required(item, "type", path)
    if kind == "GIT":
        return None
    if kind not in ("ECOSYSTEM", "SEMVER"):
        raise AdvisoryError(f"{path}.type", f"unknown range type {kind!r} (ECOSYSTEM, SEMVER, GIT)")
    events = _events(item, f"{path}.events", package.scheme)
    constraints = _bounds(_spans(events), package.scheme)
    if not constraints:
        return None  # every span is empty, e.g. introduced and fixed in the same version
    versions = make_range(package.scheme, constraints, f"{path}.events")
    fixed = tuple(e.text for e in events if e.kind == "fixed")
    return _range(package, versions, fixed)


def _events(item: Json, path: str, scheme: str) -> list[_Event]:
    raw = as_list(item.get("events"), path)
    parsed = [_event(item, f"{path}[{i}]", scheme) for i, item in enumerate(raw)]
    events = [e for e in parsed if e is not None]
    if not any(e.kind == "introduced" for e in events):
        raise AdvisoryError(path, "no 'introduced' event")
    # Sorted by version as the OSV evaluation reads them; equal versions keep document order.
    return sorted(events, key=cmp_to_key(_event_order))


def _event(raw: object, path: str, scheme: str) -> _Event | None:
    event = as_object(raw, path)
    if len(event) != 1 or next(iter(event)) not in _EVENT_KINDS:
        raise AdvisoryError(path, f"an event has exactly one of {', '.join(_EVENT_KINDS)}")
    kind, text = next(iter(event.items()))
    text = nonblank(text, f"{path}.{kind}")
    if kind == "limit" and text == "*":
        return None  # no limit
    if kind == "introduced" and text == "0":
        return _Event(kind, None, text)
    return _Event(kind, version_at(scheme, text, f"{path}.{kind}"), text)


def _event_order(a: _Event, b: _Event) -> int:
    if a.version is None or b.version is None:
        return (a.version is not None) - (b.version is not None)
    return by_version(a.version, b.version)


def _spans(events: list[_Event]) -> list[_Span]:
    """The affected intervals: each introduced opens one, the next fix or last affected
    version closes it, and a limit ends the range."""
    spans: list[_Span] = []
    lower: Version | None = None
    opened = False
    for event in events:
        if event.kind == "introduced" and not opened:
            opened, lower = True, event.version
            if spans and spans[-1].comparator == "<" and spans[-1].upper == lower:
                lower = spans.pop().lower  # fixed and introduced again at once: one span
        elif event.kind != "introduced" and opened:
            spans.append(
                _Span(lower, event.version, "<=" if event.kind == "last_affected" else "<")
            )
            opened = False
        if event.kind == "limit":
            break
    return [*spans, _Span(lower, None, "")] if opened else spans


def _bounds(spans: list[_Span], scheme: str) -> list[VersionConstraint]:
    if any(s.lower is None and s.upper is None for s in spans):
        return [star_constraint(scheme)]
    out: list[VersionConstraint] = []
    for lower, upper, comparator in spans:
        if lower is not None and upper is not None and lower == upper:
            out += [VersionConstraint(comparator="=", version=lower)] if comparator == "<=" else []
            continue
        if lower is not None:
            out.append(VersionConstraint(comparator=">=", version=lower))
        if upper is not None:
            out.append(VersionConstraint(comparator=comparator, version=upper))
    return out


def _listed(listed: list[object], path: str, package: _Package) -> AffectedRange:
    parsed = [
        version_at(package.scheme, nonblank(text, f"{path}[{i}]"), f"{path}[{i}]")
        for i, text in enumerate(listed)
    ]
    ordered = sorted(parsed, key=cmp_to_key(by_version))
    unique = [v for i, v in enumerate(ordered) if i == 0 or by_version(ordered[i - 1], v)]
    versions = make_range(package.scheme, (VersionConstraint(version=v) for v in unique), path)
    return _range(package, versions)


def _range(package: _Package, versions: VersionRange, fixed: tuple[str, ...] = ()) -> AffectedRange:
    scheme, name, namespace, source, note, release = package
    return AffectedRange(scheme, name, versions, namespace, source, note, fixed, release)


def _osv_summary(data: Json) -> str:
    summary = text_field(data, "summary", "$")
    if summary:
        return summary
    details = text_field(data, "details", "$") or ""
    return details.splitlines()[0][:200] if details else ""


def _osv_cvss(data: Json, specific: Json) -> float | None:
    for i, raw in enumerate(as_list(data.get("severity", []), "$.severity")):
        path = f"$.severity[{i}].score"
        score = as_object(raw, f"$.severity[{i}]").get("score")
        if isinstance(score, str):
            try:
                return cvss_score(float(score), path)
            except ValueError:
                continue  # a CVSS vector: only numeric scores are read, never computed
        return cvss_score(score, path)
    value = specific.get("cvss_score")
    return None if value is None else cvss_score(value, "$.database_specific.cvss_score")
