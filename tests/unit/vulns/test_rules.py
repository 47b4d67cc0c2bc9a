"""Matching advisories against the estate: the Heartbleed test estate, distribution packages
judged by their own distribution, unknown verdicts, and the fan-out agreeing with the naive
reference."""

from __future__ import annotations

import random
from typing import Any

import pytest
from packageurl import PackageURL

from warroom.vulns.advisories import Advisory, parse_advisory
from warroom.vulns.rules import (
    AssetRow,
    Installed,
    Status,
    check_installed,
    fan_out,
    match_assets,
    match_estate,
    match_naive,
    upstream_version,
)

HEARTBLEED_HAND = {
    "id": "CVE-2014-0160",
    "product": "openssl",
    "affected": ["vers:openssl/>=1.0.1|<=1.0.1f|1.0.2-beta1", "vers:deb/<1.0.1e-2+deb7u5"],
    "fixed": "1.0.1g",
}
HEARTBLEED_OSV = {
    "schema_version": "1.6.0",
    "id": "CVE-2014-0160",
    "modified": "2024-06-01T00:00:00Z",
    "published": "2014-04-07T22:55:03Z",
    "aliases": ["DSA-2896-1"],
    "summary": "TLS heartbeat read overrun (Heartbleed)",
    "details": "The TLS and DTLS implementations in OpenSSL 1.0.1 before 1.0.1g do not properly "
    "handle Heartbeat Extension packets, which allows remote attackers to obtain sensitive "
    "information from process memory via crafted packets that trigger a buffer over-read.",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
    "affected": [
        {
            "package": {
                "ecosystem": "Debian:7",
                "name": "openssl",
                "purl": "pkg:deb/debian/openssl?arch=source",
            },
            "ranges": [
                {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0.1e-2+deb7u5"}]}
            ],
        },
        {
            "package": {"name": "openssl", "purl": "pkg:generic/openssl"},
            "ranges": [
                {"type": "ECOSYSTEM", "events": [{"introduced": "1.0.1"}, {"fixed": "1.0.1g"}]}
            ],
            "versions": ["1.0.2-beta1"],
        },
    ],
    "database_specific": {"cvss_score": 7.5, "known_exploited": True},
}
UPSTREAM = {
    "1.0.1": Status.affected,
    "1.0.1f": Status.affected,
    "1.0.1g": Status.not_affected,
    "1.0.2-beta1": Status.affected,
    "1.0.0t": Status.not_affected,
    "0.9.8y": Status.not_affected,
}
DEBIAN = {"1.0.1e-2+deb7u4": Status.affected, "1.0.1e-2+deb7u5": Status.not_affected}


def deb(version: str, name: str = "openssl", distro: str = "debian", release: str = "") -> str:
    qualifiers = {"distro": release} if release else None
    return PackageURL("deb", distro, name, version, qualifiers).to_string()


def rpm(version: str, vendor: str = "redhat") -> str:
    return PackageURL("rpm", vendor, "openssl", version).to_string()


def statuses(advisory: Advisory, rows: list[Installed]) -> dict[str, Status]:
    return {row.version: verdict.status for row, verdict in match_estate(advisory, rows).items()}


@pytest.fixture(params=["hand", "osv"])
def heartbleed(request: pytest.FixtureRequest) -> Advisory:
    return parse_advisory(HEARTBLEED_HAND if request.param == "hand" else HEARTBLEED_OSV)


def test_the_heartbleed_estate_matches_exactly(heartbleed: Advisory) -> None:
    upstream = [Installed("openssl", v) for v in UPSTREAM]
    debian = [Installed("openssl", v, deb(v, release="wheezy")) for v in DEBIAN]
    assert statuses(heartbleed, upstream) == UPSTREAM
    assert statuses(heartbleed, debian) == DEBIAN


def test_a_backported_debian_fix_is_not_a_false_positive(heartbleed: Advisory) -> None:
    # Upstream 1.0.1e is vulnerable; Debian's 1.0.1e-2+deb7u5 carries the fix.
    fixed = check_installed(
        heartbleed, Installed("openssl", "1.0.1e-2+deb7u5", deb("1.0.1e-2+deb7u5"))
    )
    assert fixed is not None
    assert fixed.status is Status.not_affected
    assert "1.0.1e-2+deb7u5 is not in <1.0.1e-2+deb7u5 (deb" in fixed.reason


def test_reasons_quote_the_range_and_scheme() -> None:
    advisory = parse_advisory(HEARTBLEED_HAND)
    verdict = check_installed(
        advisory, Installed("OpenSSL", "1.0.1f", "pkg:generic/openssl@1.0.1f")
    )
    assert verdict is not None
    assert verdict.reason == "1.0.1f is in >=1.0.1|<=1.0.1f|1.0.2-beta1 (openssl)"
    osv = check_installed(
        parse_advisory(HEARTBLEED_OSV), Installed("openssl", "1.0.1e-2", deb("1.0.1e-2"))
    )
    assert osv is not None
    assert osv.reason == "1.0.1e-2 is in <1.0.1e-2+deb7u5 (deb, Debian:7)"


UPSTREAM_ONLY = {
    "id": "CVE-2014-0160",
    "product": "openssl",
    "affected": "vers:openssl/>=1.0.1|<=1.0.1f",
}


@pytest.mark.parametrize(
    ("row", "status", "reason"),
    [
        (
            Installed("openssl", "1.0.1e-2+deb7u4", deb("1.0.1e-2+deb7u4")),
            Status.unknown,
            "no Debian range in the advisory; upstream 1.0.1e is in >=1.0.1|<=1.0.1f (openssl)",
        ),
        (
            Installed("openssl", "1.0.1e-2+deb7u4", deb("1.0.1e-2+deb7u4", release="debian-7")),
            Status.unknown,
            "no Debian 7 range in the advisory; upstream 1.0.1e is in >=1.0.1|<=1.0.1f (openssl)",
        ),
        (
            Installed(
                "openssl",
                "1.0.1-4ubuntu5.12",
                deb("1.0.1-4ubuntu5.12", "openssl", "ubuntu", "trusty"),
            ),
            Status.unknown,
            "no Ubuntu 14.04 range in the advisory; "
            "upstream 1.0.1 is in >=1.0.1|<=1.0.1f (openssl)",
        ),
        (
            Installed("openssl", "1.0.1e-16.el6_5.7", rpm("1.0.1e-16.el6_5.7")),
            Status.unknown,
            "no Red Hat range in the advisory; upstream 1.0.1e is in >=1.0.1|<=1.0.1f (openssl)",
        ),
        (
            Installed("openssl", "0.9.8o-4squeeze14", deb("0.9.8o-4squeeze14")),
            Status.not_affected,
            "no Debian range in the advisory; upstream 0.9.8o is not in >=1.0.1|<=1.0.1f (openssl)",
        ),
        (
            Installed("libssl", "1:1.0.1f-1~bpo70+1", deb("1:1.0.1f-1~bpo70+1", name="openssl")),
            Status.unknown,
            "no Debian range in the advisory; upstream 1.0.1f is in >=1.0.1|<=1.0.1f (openssl)",
        ),
    ],
)
def test_a_distribution_package_without_its_own_range_is_unknown_when_upstream_is_hit(
    row: Installed, status: Status, reason: str
) -> None:
    verdict = check_installed(parse_advisory(UPSTREAM_ONLY), row)
    assert verdict is not None
    assert (verdict.status, verdict.reason) == (status, reason)


def test_a_debian_range_does_not_judge_ubuntu_packages(heartbleed: Advisory) -> None:
    ubuntu = Installed("openssl", "1.0.1-4ubuntu5.12", deb("1.0.1-4ubuntu5.12", distro="ubuntu"))
    verdict = check_installed(parse_advisory(HEARTBLEED_OSV), ubuntu)
    assert verdict is not None
    assert verdict.status is Status.unknown
    assert verdict.reason.startswith("no Ubuntu range in the advisory")


@pytest.mark.parametrize(
    ("release", "status", "reason"),
    [
        ("squeeze", Status.not_affected, "no Debian 6 range in the advisory; upstream 0.9.8o is"),
        ("debian-6.0.10", Status.not_affected, "no Debian 6.0.10 range in the advisory;"),
        ("wheezy", Status.affected, "0.9.8o-4squeeze14 is in <1.0.1e-2+deb7u5 (deb, Debian:7)"),
        ("", Status.affected, "0.9.8o-4squeeze14 is in <1.0.1e-2+deb7u5 (deb, Debian:7)"),
    ],
)
def test_a_debian_7_range_judges_only_debian_7_packages(
    release: str, status: Status, reason: str
) -> None:
    # OSV's Debian ranges start at "0": read for squeeze, 0.9.8o would count as affected.
    squeeze = Installed("openssl", "0.9.8o-4squeeze14", deb("0.9.8o-4squeeze14", release=release))
    verdict = check_installed(parse_advisory(HEARTBLEED_OSV), squeeze)
    assert verdict is not None
    assert verdict.status is status
    assert verdict.reason.startswith(reason)


def test_a_point_release_is_its_release() -> None:
    row = Installed("openssl", "1.0.1e-2+deb7u4", deb("1.0.1e-2+deb7u4", release="debian-7.11"))
    verdict = check_installed(parse_advisory(HEARTBLEED_OSV), row)
    assert verdict is not None
    assert verdict.status is Status.affected


def test_only_distribution_ranges_leave_an_upstream_build_unknown() -> None:
    advisory = parse_advisory(
        {"id": "DSA-1", "purl": "pkg:deb/debian/openssl", "affected": "vers:deb/<1.0.1e-2+deb7u5"}
    )
    verdict = check_installed(advisory, Installed("openssl", "1.0.1f"))
    assert verdict is not None
    assert verdict.status is Status.unknown
    assert "only Debian ranges" in verdict.reason


def test_a_version_the_scheme_cannot_read_is_unknown_not_clean(heartbleed: Advisory) -> None:
    verdict = check_installed(heartbleed, Installed("openssl", "latest"))
    assert verdict is not None
    assert verdict.status is Status.unknown
    assert "'latest'" in verdict.reason or "latest is not a valid openssl version" in verdict.reason


def test_other_products_get_no_verdict(heartbleed: Advisory) -> None:
    rows = [Installed("nginx", "1.0.1"), Installed("openssh", "1.0.1f", "pkg:deb/debian/openssh@1")]
    assert match_estate(heartbleed, rows) == {}


def test_language_packages_are_judged_only_within_their_ecosystem() -> None:
    advisory = parse_advisory(
        {
            "id": "GHSA-x",
            "affected": [
                {
                    "package": {
                        "ecosystem": "Maven",
                        "name": "org.apache.logging.log4j:log4j-core",
                    },
                    "ranges": [
                        {
                            "type": "ECOSYSTEM",
                            "events": [{"introduced": "2.0-beta9"}, {"fixed": "2.15.0"}],
                        }
                    ],
                }
            ],
        }
    )
    log4j = "pkg:maven/org.apache.logging.log4j/log4j-core@{}"
    rows = [
        Installed("log4j-core", "2.14.1", log4j.format("2.14.1")),
        Installed("log4j-core", "2.17.1", log4j.format("2.17.1")),
        Installed("log4j-core", "2.14.1", "pkg:maven/org.example/log4j-core@2.14.1"),
        Installed("log4j-core", "2.14.1", "pkg:npm/log4j-core@2.14.1"),
        Installed("log4j-core", "2.14.1", "pkg:deb/debian/log4j-core@2.14.1-1"),
        Installed("log4j-core", "2.14.1"),  # no purl: by name, in the range's own scheme
    ]
    verdicts = match_estate(advisory, rows)
    assert {row: v.status for row, v in verdicts.items()} == {
        rows[0]: Status.affected,
        rows[1]: Status.not_affected,
        rows[5]: Status.affected,
    }


def test_an_unknown_ecosystem_repeats_its_caveat() -> None:
    advisory = parse_advisory(
        {
            "id": "HSEC-1",
            "affected": [
                {
                    "package": {"ecosystem": "Hackage", "name": "aeson"},
                    "ranges": [
                        {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0.1"}]}
                    ],
                }
            ],
        }
    )
    verdict = check_installed(advisory, Installed("aeson", "1.5.6"))
    assert verdict is not None
    assert verdict.status is Status.affected
    assert "ecosystem 'Hackage' is not known here" in verdict.reason


@pytest.mark.parametrize(
    ("kind", "version", "upstream"),
    [
        ("deb", "1.0.1e-2+deb7u4", "1.0.1e"),
        ("deb", "1:2.4.1+dfsg-3", "2.4.1"),
        ("deb", "1.0.1f", "1.0.1f"),
        ("rpm", "1:1.0.1e-16.el6_5.7", "1.0.1e"),
        ("apk", "1.0.1g-r0", "1.0.1g"),
    ],
)
def test_the_upstream_part_of_a_distribution_version(
    kind: str, version: str, upstream: str
) -> None:
    assert upstream_version(kind, version) == upstream


def test_fan_out_copies_each_distinct_verdict_to_its_assets(heartbleed: Advisory) -> None:
    assets: list[AssetRow] = [
        (1, "openssl", "1.0.1f", None),
        (2, "openssl", "1.0.1f", None),
        (2, "nginx", "1.4.6", None),
        (3, "openssl", "1.0.1e-2+deb7u5", deb("1.0.1e-2+deb7u5")),
    ]
    verdicts = match_estate(heartbleed, [a[1:] for a in assets])
    assert len(verdicts) == 2
    out = fan_out(verdicts, assets)
    assert [(v.asset_id, v.installed.version, v.verdict.status) for v in out] == [
        (1, "1.0.1f", Status.affected),
        (2, "1.0.1f", Status.affected),
        (3, "1.0.1e-2+deb7u5", Status.not_affected),
    ]
    assert out[0].verdict is out[1].verdict  # judged once, shared


def random_estate(rng: random.Random, assets: int) -> list[AssetRow]:
    upstream = [
        *UPSTREAM,
        "1.0.1e",
        "1.0.2",
        "1.0.2k",
        "1.1.1w",
        "3.0.13",
        "junk!",
        "1.0.1e-2+deb7u4",
    ]
    debian = [*DEBIAN, "1.0.1e-2", "1.0.1e-2+deb7u20", "0.9.8o-4squeeze14"]
    pool: list[tuple[str, str, str | None]] = [("openssl", v, None) for v in upstream]
    pool += [("OpenSSL", v, f"pkg:generic/openssl@{v}") for v in upstream[:4]]
    pool += [("openssl", v, deb(v, release=r)) for v in debian for r in ("", "wheezy", "squeeze")]
    pool += [
        ("openssl", v, deb(v, distro="ubuntu")) for v in ("1.0.1-4ubuntu5.12", "1.0.1f-1ubuntu2")
    ]
    pool += [("openssl", v, rpm(v)) for v in ("1.0.1e-16.el6_5.7", "1.0.1e-15.el6", "1.0.0-27.el6")]
    pool += [("nginx", "1.18.0", None), ("libssl", "1.0.1f", "pkg:pypi/openssl@1.0.1f")]
    return [(n, *rng.choice(pool)) for n in range(assets)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_match_estate_agrees_with_the_naive_reference(seed: int, heartbleed: Advisory) -> None:
    assets = random_estate(random.Random(seed), 2_000)
    fast = match_assets(heartbleed, assets)
    naive = match_naive(heartbleed, assets)
    assert fast == naive
    assert {v.verdict.status for v in fast} == set(Status)  # not agreeing on nothing
    assert {v.asset_id for v in fast} < {a[0] for a in assets}  # nginx and PyPI rows left out


def test_rows_may_come_as_plain_tuples_or_installed(heartbleed: Advisory) -> None:
    rows: list[Any] = [("openssl", "1.0.1f", None), Installed("openssl", "1.0.1f")]
    assert list(match_estate(heartbleed, rows)) == [Installed("openssl", "1.0.1f", None)]
