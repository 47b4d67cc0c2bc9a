"""Advisories as values, and the vers ranges and versions they are written in (univers).

In a vers range ``|`` separates constraints. Sorted by version they read as alternating lower
and upper bounds with equalities anywhere, so ``>=1.0.1|<=1.0.1f|1.0.2-beta1`` is
1.0.1 ≤ v ≤ 1.0.1f or v = 1.0.2-beta1. Bounds that do not alternate (``>=1.0|>=2.0``) are
refused rather than guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import cast

from univers.version_constraint import VersionConstraint
from univers.version_range import RANGE_CLASS_BY_SCHEMES, VersionRange
from univers.versions import Version

from warroom.vulns.fields import AdvisoryError

# Release codenames, as purls' distro qualifiers often give them.
_CODENAMES = {
    **{"lenny": "5", "squeeze": "6", "wheezy": "7", "jessie": "8", "stretch": "9"},
    **{"buster": "10", "bullseye": "11", "bookworm": "12", "trixie": "13", "forky": "14"},
    **{"trusty": "14.04", "xenial": "16.04", "bionic": "18.04", "focal": "20.04"},
    **{"jammy": "22.04", "noble": "24.04"},
}
_RELEASE = re.compile(r"\d+(?:\.\d+)*")
_COMPARATORS = (">=", "<=", "!=", "<", ">", "=")


@dataclass(frozen=True)
class AffectedRange:
    """Versions of one package that an advisory affects, in one version scheme.

    ``namespace`` is the purl namespace (the distribution for deb, rpm, apk) and ``release``
    the distribution's release (``7`` for ``Debian:7``) when the advisory says. ``source`` is
    where the range came from (an OSV ecosystem such as ``Debian:7``, or ``vers``); ``note``
    is a caveat every verdict from this range repeats."""

    scheme: str
    package: str
    range: VersionRange
    namespace: str | None = None
    source: str = "vers"
    note: str = ""
    fixed: tuple[str, ...] = ()
    release: str | None = None


@dataclass(frozen=True)
class Advisory:
    id: str
    affected: tuple[AffectedRange, ...]
    aliases: tuple[str, ...] = ()
    summary: str = ""
    cvss: float | None = None
    known_exploited: bool = False
    fixed: tuple[str, ...] = ()


def release_of(text: str) -> str | None:
    """The distribution release a text names: ``7`` for ``wheezy`` or ``debian-7``, ``22.04``
    for ``Ubuntu:22.04:LTS`` or ``jammy``, ``3.19`` for ``v3.19``; None when it names none."""
    words = re.split(r"[^a-z0-9.]+", text.lower())
    named = next((_CODENAMES[w] for w in words if w in _CODENAMES), None)
    found = _RELEASE.search(text)
    return named or (found.group() if found else None)


def version_class(scheme: str) -> type[Version]:
    return cast("type[Version]", RANGE_CLASS_BY_SCHEMES[scheme].version_class)


def parse_version(scheme: str, text: str) -> Version | None:
    """``text`` as a version of ``scheme``, or None when the scheme cannot read it."""
    try:
        return version_class(scheme)(text)
    except Exception:  # univers' parsers raise ValueError, TypeError or IndexError by scheme
        return None


def parse_vers(text: str, path: str) -> tuple[str, VersionRange]:
    """The scheme and range of ``vers:<scheme>/<constraints>``; faults name ``path``."""
    compact = "".join(text.split())
    prefix, _, rest = compact.partition(":")
    scheme, _, spec = rest.partition("/")
    scheme = scheme.lower()
    if prefix.lower() != "vers" or not spec:
        raise AdvisoryError(path, f"{text!r} is not a vers range (vers:<scheme>/<constraints>)")
    if scheme not in RANGE_CLASS_BY_SCHEMES:
        raise AdvisoryError(path, f"unknown version scheme {scheme!r} in {text!r}")
    parts = spec.split("|")
    if parts == ["*"]:
        return scheme, make_range(scheme, [star_constraint(scheme)], path)
    constraints = [_constraint(part, scheme, path) for part in parts]
    return scheme, make_range(scheme, constraints, path)


def make_range(scheme: str, constraints: Iterable[VersionConstraint], path: str) -> VersionRange:
    """A range of ``scheme`` whose bounds, once sorted, alternate lower and upper."""
    built = RANGE_CLASS_BY_SCHEMES[scheme](constraints=tuple(constraints))
    ordered: tuple[VersionConstraint, ...] = built.constraints
    for a, b in pairwise(ordered):
        if a.version == b.version:
            raise AdvisoryError(path, f"version {a.version.string!r} is in two constraints")
    bounds = [c for c in ordered if c.comparator in ("<", "<=", ">", ">=")]
    for a, b in pairwise(bounds):
        if a.comparator[0] == b.comparator[0]:
            raise AdvisoryError(
                path, f"'{a}' is followed by '{b}': lower and upper bounds must alternate"
            )
    return built


def star_constraint(scheme: str) -> VersionConstraint:
    # univers annotates version_class as a Version instance, but it takes (and needs) the class
    return VersionConstraint(comparator="*", version_class=version_class(scheme))  # type: ignore[arg-type]


def _constraint(part: str, scheme: str, path: str) -> VersionConstraint:
    comparator = next((c for c in _COMPARATORS if part.startswith(c)), "")
    raw = part[len(comparator) :]
    if not raw or raw[0] in "<>=!*":
        raise AdvisoryError(path, f"{part!r} is not a constraint ('*' must stand alone)")
    return VersionConstraint(comparator=comparator or "=", version=version_at(scheme, raw, path))


def version_at(scheme: str, text: str, path: str) -> Version:
    version = parse_version(scheme, text)
    if version is None:
        raise AdvisoryError(path, f"{text!r} is not a valid {scheme} version")
    return version


def by_version(a: Version, b: Version) -> int:
    return -1 if a < b else int(b < a)
