from datetime import date

import pytest

from warroom.catalog.endoflife import parse_endoflife
from warroom.catalog.lifecycles import shipped_data, shipped_products
from warroom.catalog.rules import (
    CatalogGraph,
    ContractTerms,
    Cover,
    Cycle,
    SlaTerm,
    Support,
    asset_coverage,
    blast_radius,
    find_cycle,
    match_cycle,
    product_key,
    support_status,
)
from warroom.errors import InvalidInput

TODAY = date(2026, 11, 23)


def shipped(product: str) -> list[Cycle]:
    return parse_endoflife(product, shipped_data(product))


@pytest.mark.parametrize(
    ("version", "cycle"),
    [
        ("1.0.1e", "1.0.1"),
        ("1.0.1", "1.0.1"),
        ("1.0.2u", "1.0.2"),
        ("1.1.1w", "1.1.1"),
        ("3.0.13", "3.0"),
        ("v3.5.1", "3.5"),
        ("3.5.0-1ubuntu1", "3.5"),
        ("0.9.8zh", "0.9.8"),
        ("1.1.0l", "1.1.0"),
    ],
)
def test_openssl_versions_find_their_cycle(version: str, cycle: str) -> None:
    names = [c.cycle for c in shipped("openssl")]
    assert match_cycle(version, names) == cycle


def test_a_prefix_must_end_at_a_boundary() -> None:
    assert match_cycle("1.10.2", ["1.1", "1.10"]) == "1.10"
    assert match_cycle("1.10.2", ["1.1"]) is None
    assert match_cycle("10", ["1"]) is None
    assert match_cycle("2012-r2", ["2012", "2012-r2"]) == "2012-r2"


def test_heartbleed_era_openssl_is_end_of_life() -> None:
    status = support_status("openssl", "1.0.1e", shipped("openssl"), TODAY)
    assert status.status is Support.eol
    assert status.cycle == "1.0.1"
    assert status.eol == date(2016, 12, 31)
    assert status.days_left is not None
    assert status.days_left < 0


def test_supported_cycle_counts_days_left() -> None:
    status = support_status("postgresql", "16.4", shipped("postgresql"), TODAY)
    assert status.status is Support.supported
    assert status.days_left == (date(2028, 11, 9) - TODAY).days


def test_unknown_version_or_product() -> None:
    assert support_status("openssl", "9.9.9", shipped("openssl"), TODAY).status is Support.unknown
    assert support_status("mystery", "1.0", [], TODAY).status is Support.unknown


def test_boolean_only_lifecycles() -> None:
    cycles = parse_endoflife(
        "av-engine",
        [
            {"cycle": "8.5", "eol": True, "support": False},
            {"cycle": "9", "eol": False, "support": True, "latest": "9.2.1"},
        ],
    )
    old = support_status("AV Engine", "8.5.0", cycles, TODAY)
    new = support_status("AV Engine", "9.2.0", cycles, TODAY)
    assert (old.status, old.active_support) == (Support.eol, False)
    assert (new.status, new.active_support, new.latest) == (Support.supported, True, "9.2.1")
    assert old.days_left is None


def test_endoflife_v1_documents() -> None:
    doc = {
        "result": {
            "releases": [
                {
                    "name": "7",
                    "releaseDate": "2014-06-09",
                    "isEol": True,
                    "eolFrom": "2024-06-30",
                    "isEoas": True,
                    "eoasFrom": "2019-08-06",
                    "latest": {"name": "7.9"},
                },
            ]
        }
    }
    (cycle,) = parse_endoflife("RHEL", doc)
    assert (cycle.product, cycle.cycle, cycle.eol, cycle.latest) == (
        "rhel",
        "7",
        date(2024, 6, 30),
        "7.9",
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"nope": 1}, "data"),
        ([{"eol": "2020-01-01"}], "data.0"),
        ([{"cycle": "1", "eol": "someday"}], "data.0.eol"),
    ],
)
def test_bad_lifecycle_documents_name_the_field(data: object, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_endoflife("x", data)
    assert caught.value.field == field


def test_every_shipped_product_parses() -> None:
    assert {"openssl", "postgresql", "windows-server"} <= set(shipped_products())
    for product in shipped_products():
        assert shipped(product)


def test_product_keys() -> None:
    assert product_key(" OpenSSL ") == "openssl"
    assert product_key("Windows Server") == "windows-server"


GRAPH = {
    "checkout": frozenset({"orders", "payments"}),
    "orders": frozenset({"order-db", "identity"}),
    "payments": frozenset({"identity"}),
    "reporting": frozenset({"order-db"}),
    "order-db": frozenset(),
    "identity": frozenset(),
}


def test_cycles_are_found_with_their_path() -> None:
    assert find_cycle(GRAPH, "order-db", "checkout") == [
        "order-db",
        "checkout",
        "orders",
        "order-db",
    ]
    assert find_cycle(GRAPH, "identity", "identity") == ["identity", "identity"]
    assert find_cycle(GRAPH, "checkout", "reporting") is None


def test_blast_radius_through_shared_dependencies() -> None:
    graph = CatalogGraph(
        GRAPH,
        {
            "db-01": frozenset({"order-db"}),
            "sso-01": frozenset({"identity"}),
            "web-01": frozenset({"checkout"}),
        },
        (
            SlaTerm("Acme", "checkout", 99.9, 30, "5% credit"),
            SlaTerm("Globex", "reporting", 99.0, 240, ""),
            SlaTerm("Initech", "payments", 99.5, 60, ""),
        ),
    )
    found = blast_radius(graph, services=["identity"])
    assert found.services == ("checkout", "identity", "orders", "payments")
    assert found.assets == ("sso-01", "web-01")
    assert found.customers == ("Acme", "Initech")
    by_asset = blast_radius(graph, assets=["db-01"])
    assert by_asset.services == ("checkout", "order-db", "orders", "reporting")
    assert by_asset.customers == ("Acme", "Globex")


def test_contract_coverage() -> None:
    contracts = [
        ContractTerms(
            "C-1",
            "Vendor",
            date(2026, 1, 1),
            date(2026, 12, 31),
            "24x7",
            assets=frozenset({"db-01"}),
        ),
        ContractTerms(
            "C-2",
            "AV Co",
            date(2024, 1, 1),
            date(2025, 12, 31),
            "business",
            products=frozenset({"av-engine"}),
        ),
        ContractTerms(
            "C-3",
            "OS Co",
            date(2026, 1, 1),
            date(2027, 12, 31),
            "business",
            products=frozenset({"rhel"}),
        ),
    ]
    direct = asset_coverage("db-01", ["rhel"], contracts, TODAY)
    assert (direct.status, direct.contracts) == (Cover.covered, ("C-1", "C-3"))
    expired = asset_coverage("app-07", ["AV Engine"], contracts, TODAY)
    assert (expired.status, expired.expired) == (Cover.expired, ("C-2",))
    partial = asset_coverage("app-08", ["rhel", "av-engine"], contracts, TODAY)
    assert partial.status is Cover.covered
    assert partial.uncovered_products == ("av-engine",)
    assert asset_coverage("lab-01", ["python"], contracts, TODAY).status is Cover.none
