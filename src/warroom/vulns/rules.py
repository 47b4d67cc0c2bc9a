"""Matching an advisory against the installed software of the estate. Pure: no I/O, no clock.

Each distinct installed row ``(product, version, purl)`` gets a :class:`Verdict`:
``affected``, ``not_affected`` or ``unknown``, with a reason a person can check
("1.0.1f is in >=1.0.1|<=1.0.1f|1.0.2-beta1 (openssl)"). Rows of products the advisory does
not name get no verdict at all: they are not part of the campaign.

- **Which ranges concern a row.** A language package (pypi, npm, maven, ...) is judged only by
  ranges of its own ecosystem with the same namespace and name: ``requests`` on PyPI is not
  ``requests`` on npm. Anything else (a distribution package, a generic purl, no purl) matches
  by case-insensitive name: the row's product or its purl's name equals the range's package,
  so ``pkg:generic/openssl`` and the product ``openssl`` are one.
- **Which scheme compares.** A distribution package (deb, rpm, apk, alpm, ebuild) is compared
  only with ranges of its own scheme, distribution and release (what either side leaves out
  matches anything: a bare ``vers:deb`` range serves Debian and Ubuntu alike, a purl without a
  ``distro`` qualifier every release), so a backported fix is not a false positive. When the
  advisory has no such range, the upstream part of the version is compared with the upstream
  ranges, and a hit is ``unknown``: the distribution may have patched it, or not. Any other
  row is compared in each upstream range's own scheme (openssl, pypi, ...).
- **A version a scheme cannot read** makes the verdict ``unknown`` unless another range
  already holds the version: never silently clean.

:func:`match_estate` judges each distinct row once and :func:`fan_out` copies the verdicts to
the assets; :func:`match_naive` re-reads every asset row and exists as the benchmark's
reference.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from packageurl import PackageURL
from univers.versions import Version

from warroom.vulns.advisories import Advisory, AffectedRange, parse_version, release_of

AssetRow = tuple[int, str, str, str | None]
"""``(asset_id, product, version, purl)`` as the catalog stores installed software."""

Versions = Callable[[str, str], Version | None]

DISTRIBUTIONS = frozenset({"deb", "rpm", "apk", "alpm", "ebuild"})
LANGUAGES = frozenset(
    {"pypi", "npm", "maven", "nuget", "composer", "gem", "golang", "cargo", "hex", "conan"}
)
_SHOWN = 6  # constraints quoted in a reason; OSV lists of every affected version run long
_SCHEME_LABELS = {
    "deb": "Debian",
    "rpm": "RPM",
    "apk": "Alpine",
    "alpm": "Arch",
    "ebuild": "Gentoo",
}
_NAMESPACE_LABELS = {
    "debian": "Debian",
    "ubuntu": "Ubuntu",
    "alpine": "Alpine",
    "redhat": "Red Hat",
    "rocky-linux": "Rocky Linux",
    "almalinux": "AlmaLinux",
    "opensuse": "openSUSE",
    "suse": "SUSE",
}
_EPOCH = re.compile(r"^\d+:")
_REVISION = re.compile(r"-[^-]*$")
_ALPINE_RELEASE = re.compile(r"-r\d+$")


class Status(StrEnum):
    affected = "affected"
    not_affected = "not_affected"
    unknown = "unknown"


class Installed(NamedTuple):
    """One distinct installed row: what the catalog knows of a piece of software."""

    product: str
    version: str
    purl: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    status: Status
    reason: str


class AssetVerdict(NamedTuple):
    """A verdict on one asset's installed row. A tuple, as rows headed for a bulk insert are:
    a fan-out makes one per affected asset, and a dataclass would cost a third more."""

    asset_id: int
    installed: Installed
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class _Row:
    """An installed row as matching sees it."""

    names: frozenset[str]
    kind: str | None  # the purl type; None without a purl or for a generic one
    namespace: str | None
    version: str
    release: str | None = None  # the distribution release the purl's distro qualifier names


# --- the estate ------------------------------------------------------------------------------


def match_estate(
    advisory: Advisory, rows: Iterable[tuple[str, str, str | None]]
) -> dict[Installed, Verdict]:
    """The verdict on each distinct ``(product, version, purl)`` the advisory concerns,
    each judged once, however many assets share it."""
    index: dict[str, list[AffectedRange]] = {}
    for affected in advisory.affected:
        index.setdefault(affected.package.lower(), []).append(affected)
    versions = _cached(parse_version)
    verdicts: dict[Installed, Verdict] = {}
    for product, version, purl in set(rows):
        installed = Installed(product, version, purl)
        row = _row(installed)
        ranges = [r for name in row.names for r in index.get(name, ())]
        verdict = _judge(ranges, row, versions)
        if verdict is not None:
            verdicts[installed] = verdict
    return verdicts


def fan_out(
    verdicts: Mapping[Installed, Verdict], assets: Iterable[AssetRow]
) -> list[AssetVerdict]:
    """Each asset's verdicts, copied from the verdicts on its distinct installed rows."""
    # Keyed by plain tuples so an asset row looks itself up without building an Installed.
    shared = {(i.product, i.version, i.purl): (i, v) for i, v in verdicts.items()}
    out: list[AssetVerdict] = []
    for row in assets:
        found = shared.get(row[1:])
        if found is not None:
            out.append(AssetVerdict(row[0], *found))
    return out


def match_assets(advisory: Advisory, assets: Iterable[AssetRow]) -> list[AssetVerdict]:
    """:func:`match_estate` on the distinct rows, then :func:`fan_out` to the assets."""
    rows = list(assets)
    return fan_out(match_estate(advisory, {r[1:] for r in rows}), rows)


def match_naive(advisory: Advisory, assets: Iterable[AssetRow]) -> list[AssetVerdict]:
    """The same verdicts, judging every asset row afresh: the benchmark's reference."""
    out: list[AssetVerdict] = []
    for asset_id, product, version, purl in assets:
        installed = Installed(product, version, purl)
        verdict = _judge(advisory.affected, _row(installed), parse_version)
        if verdict is not None:
            out.append(AssetVerdict(asset_id, installed, verdict))
    return out


def check_installed(advisory: Advisory, installed: Installed) -> Verdict | None:
    """The verdict on one installed row, or None when the advisory does not name it."""
    return _judge(advisory.affected, _row(installed), parse_version)


def _cached(parse: Versions) -> Versions:
    seen: dict[tuple[str, str], Version | None] = {}

    def versions(scheme: str, text: str) -> Version | None:
        key = (scheme, text)
        if key not in seen:
            seen[key] = parse(scheme, text)
        return seen[key]

    return versions


def _row(installed: Installed) -> _Row:
    purl = _purl(installed.purl)
    if purl is None:
        return _Row(frozenset({installed.product.lower()}), None, None, installed.version)
    names = frozenset({installed.product.lower(), purl.name.lower()})
    if purl.type == "generic":
        return _Row(names, None, None, installed.version)
    namespace = purl.namespace.lower() if purl.namespace else None
    release = release_of(purl.qualifiers.get("distro", ""))
    return _Row(names, purl.type, namespace, installed.version, release)


def _purl(text: str | None) -> PackageURL | None:
    if not text:
        return None
    try:
        return PackageURL.from_string(text)
    except ValueError:
        return None  # the catalog checks purls on the way in; one it let through counts as none


# --- one row ---------------------------------------------------------------------------------


def _judge(ranges: Sequence[AffectedRange], row: _Row, versions: Versions) -> Verdict | None:
    concerned = [r for r in ranges if _concerns(r, row)]
    if not concerned:
        return None
    if row.kind in DISTRIBUTIONS:
        return _judge_package(concerned, row, versions)
    upstream = [r for r in concerned if r.scheme not in DISTRIBUTIONS]
    if upstream:
        return _compare(upstream, row.version, row.version, versions)
    labels = " and ".join(sorted({_label(r.scheme, r.namespace) for r in concerned}))
    reason = f"the advisory has only {labels} ranges, and {row.version} is not such a package"
    return Verdict(Status.unknown, reason)


def _concerns(affected: AffectedRange, row: _Row) -> bool:
    if affected.package.lower() not in row.names:
        return False
    if row.kind in LANGUAGES or (affected.scheme in LANGUAGES and row.kind is not None):
        return affected.scheme == row.kind and _same(affected.namespace, row.namespace)
    return True


def _same(namespace: str | None, other: str | None) -> bool:
    return namespace is None or other is None or namespace == other


def _own(affected: AffectedRange, row: _Row) -> bool:
    """A range of the row's own distribution: scheme, namespace and release agree, where
    both sides state them."""
    return (
        affected.scheme == row.kind
        and _same(affected.namespace, row.namespace)
        and same_release(affected.release, row.release)
    )


def same_release(release: str | None, other: str | None) -> bool:
    """Unknown matches anything; ``9`` matches ``9.2`` (a point release of the same)."""
    if release is None or other is None:
        return True
    return release == other or release.startswith(f"{other}.") or other.startswith(f"{release}.")


def _judge_package(concerned: list[AffectedRange], row: _Row, versions: Versions) -> Verdict:
    """A distribution package: its own distribution's ranges, else the upstream ones."""
    own = [r for r in concerned if _own(r, row)]
    if own:
        return _compare(own, row.version, row.version, versions)
    label = _label(row.kind or "", row.namespace)
    missing = f"no {label}{f' {row.release}' if row.release else ''} range in the advisory"
    upstream = [r for r in concerned if r.scheme not in DISTRIBUTIONS]
    if not upstream:
        return Verdict(Status.unknown, f"{missing}, and no upstream range")
    part = upstream_version(row.kind or "", row.version)
    found = _compare(upstream, part, f"upstream {part}", versions)
    # A hit upstream does not say whether the distribution has patched the package.
    status = Status.unknown if found.status is Status.affected else found.status
    return Verdict(status, f"{missing}; {found.reason}")


def _compare(
    ranges: Sequence[AffectedRange], text: str, subject: str, versions: Versions
) -> Verdict:
    misses: list[str] = []
    unread: list[str] = []
    for affected in ranges:
        version = versions(affected.scheme, text)
        if version is None:
            unread.append(affected.scheme)
        elif version in affected.range:
            return Verdict(Status.affected, f"{subject} is in {describe(affected)}")
        else:
            misses.append(describe(affected))
    if unread:
        schemes = " or ".join(sorted(set(unread)))
        reason = f"{subject} is not a valid {schemes} version"
        if misses:
            reason += f", and not in {' nor '.join(misses)}"
        return Verdict(Status.unknown, reason)
    return Verdict(Status.not_affected, f"{subject} is not in {' nor '.join(misses)}")


def describe(affected: AffectedRange) -> str:
    """The range as a person reads it: ``>=1.0.1|<=1.0.1f (openssl)``."""
    quoted = [_quote(c.comparator, c.version) for c in affected.range.constraints]
    shown = "|".join(quoted[:_SHOWN])
    if len(quoted) > _SHOWN:
        shown += f"|… ({len(quoted) - _SHOWN} more)"
    where = (
        affected.scheme if affected.source == "vers" else f"{affected.scheme}, {affected.source}"
    )
    return f"{shown} ({where}{'; ' + affected.note if affected.note else ''})"


def _quote(comparator: str, version: Version | None) -> str:
    if version is None:
        return "*"
    # The string as the advisory wrote it: univers normalises some (generic 1.0 → 1.0.0).
    return f"{'' if comparator == '=' else comparator}{version.string}"


def _label(scheme: str, namespace: str | None) -> str:
    if namespace:
        return _NAMESPACE_LABELS.get(namespace, namespace)
    return _SCHEME_LABELS.get(scheme, scheme)


def upstream_version(kind: str, version: str) -> str:
    """The upstream release inside a distribution package's version:
    ``1:1.0.1e-2+deb7u4`` → ``1.0.1e``, ``1.0.1e-16.el6_5.7`` → ``1.0.1e``."""
    bare = _EPOCH.sub("", version)
    bare = (_ALPINE_RELEASE if kind in ("apk", "ebuild") else _REVISION).sub("", bare)
    # Debian marks a repacked upstream source after "+" (2.4.1+dfsg); upstream never had it.
    return bare.split("+", 1)[0] if kind == "deb" else bare
