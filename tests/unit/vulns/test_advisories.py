"""Reading advisories: the hand form, OSV documents, and faults named by their JSON path."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from univers.version_range import RANGE_CLASS_BY_SCHEMES

from warroom.errors import InvalidInput
from warroom.vulns.advisories import (
    AdvisoryError,
    parse_advisory,
    parse_hand,
    parse_osv,
    parse_vers,
    parse_version,
    release_of,
)

GIT = {"type": "GIT", "repo": "https://example.org/x.git", "events": [{"introduced": "0"}]}
OSV: dict[str, Any] = {
    "schema_version": "1.6.0",
    "id": "GHSA-0000-test",
    "modified": "2024-05-01T00:00:00Z",
    "aliases": ["CVE-2099-0001"],
    "summary": "Example flaw",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "example"},
            "ranges": [
                GIT,
                {"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "1.4.2"}]},
            ],
            "versions": ["1.0", "1.4.1"],
        },
        {
            "package": {"ecosystem": "Debian:12", "name": "python-example"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2-3"}]}],
        },
    ],
}


def contains(scheme: str, vers: str, version: str) -> bool:
    _, versions = parse_vers(vers, "$")
    parsed = parse_version(scheme, version)
    assert parsed is not None
    return bool(parsed in versions)


# --- vers ranges -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "inside"),
    [
        ("0.9.8y", False),
        ("1.0.0t", False),
        ("1.0.1", True),
        ("1.0.1e", True),
        ("1.0.1f", True),
        ("1.0.1g", False),
        ("1.0.2-beta1", True),
        ("1.0.2-beta2", False),
        ("1.0.2", False),
        ("3.0.0", False),
    ],
)
def test_a_mixed_vers_range_is_an_interval_plus_an_equality(version: str, inside: bool) -> None:
    assert contains("openssl", "vers:openssl/>=1.0.1|<=1.0.1f|1.0.2-beta1", version) is inside
    # The order constraints are written in does not change the meaning.
    assert contains("openssl", "vers:openssl/1.0.2-beta1|<=1.0.1f|>=1.0.1", version) is inside


def test_debian_versions_compare_by_debian_rules() -> None:
    assert contains("deb", "vers:deb/<1.0.1e-2+deb7u5", "1.0.1e-2+deb7u4")
    assert not contains("deb", "vers:deb/<1.0.1e-2+deb7u5", "1.0.1e-2+deb7u5")
    assert not contains("deb", "vers:deb/<1.0.1e-2+deb7u5", "1:1.0.0-1")  # the epoch wins


@pytest.mark.parametrize(
    ("vers", "reason"),
    [
        ("openssl 1.0.1", "is not a vers range"),
        ("vers:cobol/1.0", "unknown version scheme 'cobol'"),
        ("vers:openssl/>=1.0.1|>=1.0.2", "lower and upper bounds must alternate"),
        ("vers:openssl/<1.0.1|<=1.0.2", "lower and upper bounds must alternate"),
        ("vers:openssl/1.0.1|>=1.0.1", "'1.0.1' is in two constraints"),
        ("vers:openssl/>=1.0.1||<1.0.2", "is not a constraint"),
        ("vers:openssl/*|1.0.1", "'*' must stand alone"),
        ("vers:openssl/>=banana", "'banana' is not a valid openssl version"),
        ("vers:deb/<1.0_1", "'1.0_1' is not a valid deb version"),
        ("vers:pypi/>>1.0", "is not a constraint"),
    ],
)
def test_bad_vers_ranges_name_the_fault(vers: str, reason: str) -> None:
    with pytest.raises(AdvisoryError) as caught:
        parse_hand({"id": "CVE-1", "product": "openssl", "affected": ["vers:openssl/1.0.1", vers]})
    assert caught.value.path == "$.affected[1]"
    assert reason in caught.value.reason


@pytest.mark.parametrize("scheme", sorted(RANGE_CLASS_BY_SCHEMES))
@pytest.mark.parametrize(
    "junk", ["", "<", ">=", "~~~", "1..2", "::", "-", "é", "*2", "<=1|", "\x00", "v", "1.0|1.0"]
)
def test_no_univers_exception_escapes(scheme: str, junk: str) -> None:
    try:
        advisory = parse_hand({"id": "X", "product": "p", "affected": f"vers:{scheme}/{junk}"})
    except AdvisoryError as exc:
        fault: str | None = exc.path
    else:
        fault = None
        assert advisory.affected[0].scheme == scheme
    assert fault in (None, "$.affected")


# --- the hand form ---------------------------------------------------------------------------


def test_the_hand_form_reads_every_field() -> None:
    advisory = parse_advisory(
        {
            "id": "CVE-2014-0160",
            "purl": "pkg:deb/debian/openssl",
            "affected": ["vers:openssl/>=1.0.1|<=1.0.1f", "vers:deb/<1.0.1e-2+deb7u5"],
            "fixed": ["1.0.1g", "1.0.1e-2+deb7u5"],
            "cvss": 7,
            "known_exploited": True,
            "summary": "Heartbleed",
            "aliases": ["DSA-2896-1"],
        }
    )
    upstream, debian = advisory.affected
    assert (upstream.scheme, upstream.package, upstream.namespace) == ("openssl", "openssl", None)
    assert (debian.scheme, debian.package, debian.namespace) == ("deb", "openssl", "debian")
    assert advisory.fixed == ("1.0.1g", "1.0.1e-2+deb7u5")
    assert (advisory.cvss, advisory.known_exploited) == (7.0, True)
    assert (advisory.summary, advisory.aliases) == ("Heartbleed", ("DSA-2896-1",))


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        ({"product": "openssl", "affected": "vers:openssl/1.0.1"}, "$.id"),
        ({"id": "CVE-1", "affected": "vers:openssl/1.0.1"}, "$.product"),
        ({"id": "CVE-1", "product": "openssl"}, "$.affected"),
        ({"id": "CVE-1", "product": "openssl", "affected": []}, "$.affected"),
        ({"id": "CVE-1", "product": 7, "affected": "vers:openssl/1.0.1"}, "$.product"),
        ({"id": "CVE-1", "purl": "openssl", "affected": "vers:openssl/1.0.1"}, "$.purl"),
        ({"id": "CVE-1", "purl": "pkg:deb/debian/x@1", "affected": "vers:deb/1"}, "$.purl"),
        ({"id": "CVE-1", "product": "o", "affected": "vers:deb/1", "cvss": 10.5}, "$.cvss"),
        ({"id": "CVE-1", "product": "o", "affected": "vers:deb/1", "cvss": True}, "$.cvss"),
        ({"id": "CVE-1", "product": "o", "affected": "vers:deb/1", "fixed": [1]}, "$.fixed[0]"),
        (
            {"id": "CVE-1", "product": "o", "affected": "vers:deb/1", "known_exploited": "yes"},
            "$.known_exploited",
        ),
        ("CVE-1", "$"),
    ],
)
def test_hand_form_faults_name_their_path(doc: object, path: str) -> None:
    with pytest.raises(AdvisoryError) as caught:
        parse_advisory(doc)
    assert caught.value.path == path
    assert isinstance(caught.value, InvalidInput)  # the web layer answers 422
    assert caught.value.errors[0].field == path


# --- OSV -------------------------------------------------------------------------------------


def test_an_osv_document_becomes_ranges_per_ecosystem() -> None:
    advisory = parse_advisory(OSV)
    pypi, listed, debian = advisory.affected  # the GIT range is skipped
    assert (pypi.scheme, pypi.package, str(pypi.range)) == (
        "pypi",
        "example",
        "vers:pypi/>=1.0|<1.4.2",
    )
    assert str(listed.range) == "vers:pypi/1.0|1.4.1"
    assert (debian.scheme, debian.namespace, debian.source) == ("deb", "debian", "Debian:12")
    assert str(debian.range) == "vers:deb/<1.2-3"
    assert advisory.fixed == ("1.4.2", "1.2-3")
    assert advisory.cvss is None  # a vector only: scores are read, never computed
    assert (advisory.id, advisory.aliases, advisory.summary) == (
        "GHSA-0000-test",
        ("CVE-2099-0001",),
        "Example flaw",
    )


@pytest.mark.parametrize(
    ("events", "vers"),
    [
        ([{"introduced": "0"}], "vers:pypi/*"),
        ([{"introduced": "1.0"}], "vers:pypi/>=1.0"),
        ([{"introduced": "1.0"}, {"last_affected": "1.3"}], "vers:pypi/>=1.0|<=1.3"),
        ([{"fixed": "2.0"}, {"introduced": "1.0"}], "vers:pypi/>=1.0|<2.0"),  # sorted by version
        (
            [{"introduced": "1.0"}, {"fixed": "1.1"}, {"introduced": "2.0"}, {"fixed": "2.2"}],
            "vers:pypi/>=1.0|<1.1|>=2.0|<2.2",
        ),
        ([{"introduced": "1.0"}, {"fixed": "1.1"}, {"introduced": "1.1"}], "vers:pypi/>=1.0"),
        ([{"introduced": "1.0"}, {"limit": "1.5"}, {"introduced": "2.0"}], "vers:pypi/>=1.0|<1.5"),
        ([{"introduced": "1.5"}, {"last_affected": "1.5"}], "vers:pypi/1.5"),
    ],
)
def test_osv_events_become_intervals(events: list[dict[str, str]], vers: str) -> None:
    doc = {"id": "X", "affected": [{"package": {"ecosystem": "PyPI", "name": "p"}, "ranges": []}]}
    doc["affected"][0]["ranges"] = [{"type": "ECOSYSTEM", "events": events}]  # type: ignore[index]
    assert str(parse_osv(doc).affected[0].range) == vers


@pytest.mark.parametrize(
    ("ecosystem", "name", "scheme", "namespace", "package"),
    [
        ("Ubuntu:22.04:LTS", "openssl", "deb", "ubuntu", "openssl"),
        ("Alpine:v3.19", "openssl", "apk", "alpine", "openssl"),
        ("Red Hat:enterprise_linux:9::appstream", "openssl", "rpm", "redhat", "openssl"),
        ("Rocky Linux:9", "openssl", "rpm", "rocky-linux", "openssl"),
        ("AlmaLinux:8", "openssl", "rpm", "almalinux", "openssl"),
        ("npm", "@types/node", "npm", "@types", "node"),
        (
            "Maven",
            "org.apache.logging.log4j:log4j-core",
            "maven",
            "org.apache.logging.log4j",
            "log4j-core",
        ),
        ("Go", "golang.org/x/net", "golang", "golang.org/x", "net"),
        ("crates.io", "openssl", "cargo", None, "openssl"),
        ("RubyGems", "rack", "gem", None, "rack"),
        ("NuGet", "Newtonsoft.Json", "nuget", None, "Newtonsoft.Json"),
        ("Packagist", "symfony/http-kernel", "composer", "symfony", "http-kernel"),
    ],
)
def test_osv_ecosystems_map_to_univers_schemes(
    ecosystem: str, name: str, scheme: str, namespace: str | None, package: str
) -> None:
    entry = {"package": {"ecosystem": ecosystem, "name": name}, "versions": ["1.0.0"]}
    affected = parse_osv({"id": "X", "affected": [entry]}).affected[0]
    assert (affected.scheme, affected.namespace, affected.package) == (scheme, namespace, package)


def test_the_purl_decides_the_scheme_when_given() -> None:
    package = {"ecosystem": "Bitnami", "name": "openssl", "purl": "pkg:generic/openssl"}
    entry = {"package": package, "versions": ["1.0.1f"]}
    affected = parse_osv({"id": "X", "affected": [entry]}).affected[0]
    # generic would read 1.0.1f as a semver pre-release; openssl has its own scheme
    assert (affected.scheme, affected.note) == ("openssl", "")


def test_an_unknown_ecosystem_is_generic_and_says_so() -> None:
    entry = {"package": {"ecosystem": "Hackage", "name": "aeson"}, "versions": ["2.0.1"]}
    affected = parse_osv({"id": "X", "affected": [entry]}).affected[0]
    assert affected.scheme == "generic"
    assert "'Hackage' is not known" in affected.note


@pytest.mark.parametrize(
    ("text", "release"),
    [
        ("7", "7"),
        ("wheezy", "7"),
        ("debian-bookworm", "12"),
        ("ubuntu-22.04", "22.04"),
        ("22.04:LTS", "22.04"),
        ("Pro:18.04:LTS", "18.04"),
        ("enterprise_linux:9::appstream", "9"),
        ("v3.19", "3.19"),
        ("", None),
        ("sid", None),
    ],
)
def test_distribution_releases_are_read_from_names_and_codenames(
    text: str, release: str | None
) -> None:
    assert release_of(text) == release


def test_an_osv_release_comes_from_the_ecosystem() -> None:
    entry = {
        "package": {"ecosystem": "Ubuntu:22.04:LTS", "name": "openssl"},
        "versions": ["3.0.2-0ubuntu1.15"],
    }
    assert parse_osv({"id": "X", "affected": [entry]}).affected[0].release == "22.04"


def test_numeric_scores_are_read_from_severity_or_database_specific() -> None:
    assert parse_osv({**OSV, "severity": [{"type": "CVSS_V3", "score": "9.8"}]}).cvss == 9.8
    specific = {"cvss_score": 7.5, "known_exploited": True}
    advisory = parse_osv({**OSV, "database_specific": specific})
    assert (advisory.cvss, advisory.known_exploited) == (7.5, True)


Mutation = Callable[[dict[str, Any]], object]


def _set(path: tuple[Any, ...], value: object) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _drop(path: tuple[Any, ...]) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


@pytest.mark.parametrize(
    ("mutate", "path", "reason"),
    [
        (_drop(("id",)), "$.id", "required"),
        (_set(("id",), 42), "$.id", "must be a string"),
        (_set(("affected",), {"package": {}}), "$.affected", "must be a list"),
        (
            _set(("affected", 0, "ranges", 1, "events"), [{"fixed": "1.4.2"}]),
            "$.affected[0].ranges[1].events",
            "no 'introduced' event",
        ),
        (
            _set(("affected", 0, "ranges", 1, "events", 0), {"introduced": "one point oh"}),
            "$.affected[0].ranges[1].events[0].introduced",
            "'one point oh' is not a valid pypi version",
        ),
        (
            _set(("affected", 0, "ranges", 1, "events", 1), {"fixed": 2}),
            "$.affected[0].ranges[1].events[1].fixed",
            "must be a string",
        ),
        (
            _set(("affected", 0, "ranges", 1, "events", 1), {"fixed": "2", "limit": "3"}),
            "$.affected[0].ranges[1].events[1]",
            "exactly one of",
        ),
        (
            _set(("affected", 0, "ranges", 1, "type"), "RANGE"),
            "$.affected[0].ranges[1].type",
            "unknown range type 'RANGE'",
        ),
        (_drop(("affected", 0, "ranges", 1, "type")), "$.affected[0].ranges[1].type", "required"),
        (_set(("affected", 0, "ranges"), "1.0"), "$.affected[0].ranges", "must be a list"),
        (
            _set(("affected", 0, "versions", 1), "1.4.1 final"),
            "$.affected[0].versions[1]",
            "not a valid pypi version",
        ),
        (
            _set(("affected", 1, "ranges", 0, "events", 1), {"fixed": "1.2-3_4"}),
            "$.affected[1].ranges[0].events[1].fixed",
            "not a valid deb version",
        ),
        (_drop(("affected", 1, "package")), "$.affected[1].package", "required"),
        (_set(("affected", 1, "package"), "openssl"), "$.affected[1].package", "must be an object"),
        (
            _drop(("affected", 1, "package", "ecosystem")),
            "$.affected[1].package.ecosystem",
            "required (or purl)",
        ),
        (
            _set(("affected", 1, "package", "purl"), "debian/openssl"),
            "$.affected[1].package.purl",
            "not a package URL",
        ),
        (_set(("severity", 0, "score"), 11), "$.severity[0].score", "from 0 to 10"),
        (
            _set(("database_specific",), {"cvss_score": "high"}),
            "$.database_specific.cvss_score",
            "from 0 to 10",
        ),
        (
            _set(("affected",), [{"package": {"ecosystem": "PyPI", "name": "x"}, "ranges": [GIT]}]),
            "$.affected",
            "no ECOSYSTEM or SEMVER range",
        ),
    ],
)
def test_malformed_osv_names_the_json_path(mutate: Mutation, path: str, reason: str) -> None:
    doc = copy.deepcopy(OSV)
    mutate(doc)
    with pytest.raises(AdvisoryError) as caught:
        parse_osv(doc)
    assert caught.value.path == path
    assert reason in caught.value.reason
