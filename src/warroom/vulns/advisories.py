"""Advisories as values, read from an OSV document or from the short hand form.

Both forms give one frozen :class:`Advisory` whose ``affected`` ranges are univers version
ranges, each in the version scheme its packages are compared in:

- **OSV** (https://ossf.github.io/osv-schema/): each ``affected[]`` entry names a package by
  ``ecosystem`` and ``name`` or by ``purl``. Its ECOSYSTEM and SEMVER ``ranges`` (events
  introduced / fixed / last_affected / limit) and its explicit ``versions`` become ranges in
  the scheme of the purl's type, else of the ecosystem (Debian, Ubuntu → deb; Alpine → apk;
  Red Hat, Rocky Linux, AlmaLinux → rpm; PyPI, npm, Maven, Go, crates.io, RubyGems, NuGet,
  Packagist → their own). GIT ranges name commits, which installed software does not carry,
  so they are skipped. An ecosystem not known here is read as generic, and its ranges say so
  in ``note``. The release after the ecosystem (``Debian:7``) is kept on the range. A CVSS
  score is read where ``severity[].score`` or ``database_specific.cvss_score`` is a number
  (vectors are not computed); ``database_specific.known_exploited`` marks known exploitation.
- **The hand form**: ``{"id": "CVE-2014-0160", "product": "openssl", "affected":
  "vers:openssl/>=1.0.1|<=1.0.1f|1.0.2-beta1", "fixed": "1.0.1g"}``; a ``purl`` may stand in
  for ``product``, ``affected`` may be a list of vers ranges, and ``cvss``,
  ``known_exploited``, ``summary`` and ``aliases`` are optional.

Generic versions are semver in univers, which would make openssl's ``1.0.1f`` a pre-release of
1.0.1, so a generic package named like a product univers has a scheme for (openssl, nginx) is
read in that scheme.

Any fault raises :class:`AdvisoryError` naming the JSON path of the fault
(``$.affected[0].ranges[1].events[0].introduced``) and the reason. It is an ``InvalidInput``,
so the web layer answers 422 naming that path; no univers or packageurl exception escapes.

The vers ranges themselves are described in ``values.py``; OSV is read in ``osv.py``.
"""

from __future__ import annotations

from typing import cast

from packageurl import PackageURL

from warroom.vulns.fields import (
    AdvisoryError,
    as_object,
    cvss_score,
    flag,
    lower_or_none,
    one_or_many,
    purl_field,
    required,
    text_field,
)
from warroom.vulns.osv import PRODUCT_SCHEMES, parse_osv
from warroom.vulns.values import (
    Advisory,
    AffectedRange,
    make_range,
    parse_vers,
    parse_version,
    release_of,
    version_class,
)

__all__ = [
    "PRODUCT_SCHEMES",
    "Advisory",
    "AdvisoryError",
    "AffectedRange",
    "make_range",
    "parse_advisory",
    "parse_hand",
    "parse_osv",
    "parse_vers",
    "parse_version",
    "release_of",
    "version_class",
]


def parse_advisory(doc: object) -> Advisory:
    """Either form: OSV when ``affected`` lists objects, the hand form otherwise."""
    data = as_object(doc, "$")
    affected = data.get("affected")
    osv = isinstance(affected, list) and any(isinstance(item, dict) for item in affected)
    osv = osv or "schema_version" in data or "modified" in data
    return parse_osv(data) if osv else parse_hand(data)


def parse_hand(doc: object) -> Advisory:
    data = as_object(doc, "$")
    ident = required(data, "id", "$")
    product, purl = text_field(data, "product", "$"), purl_field(data, "$")
    if product is None and purl is None:
        raise AdvisoryError("$.product", "required (or purl)")
    name = product or cast(PackageURL, purl).name
    if data.get("affected") is None:
        raise AdvisoryError("$.affected", "required: a vers range or a list of them")
    ranges = tuple(
        _hand_range(text, path, name, purl) for text, path in one_or_many(data, "affected")
    )
    if not ranges:
        raise AdvisoryError("$.affected", "at least one vers range")
    cvss = data.get("cvss")
    return Advisory(
        id=ident,
        affected=ranges,
        aliases=tuple(text for text, _ in one_or_many(data, "aliases")),
        summary=text_field(data, "summary", "$") or "",
        cvss=None if cvss is None else cvss_score(cvss, "$.cvss"),
        known_exploited=flag(data, "known_exploited", "$"),
        fixed=tuple(text for text, _ in one_or_many(data, "fixed")),
    )


def _hand_range(text: str, path: str, name: str, purl: PackageURL | None) -> AffectedRange:
    scheme, versions = parse_vers(text, path)
    if purl is not None and purl.type == scheme:
        release = release_of(purl.qualifiers.get("distro", ""))
        return AffectedRange(
            scheme, purl.name, versions, lower_or_none(purl.namespace), release=release
        )
    return AffectedRange(scheme, name, versions)
