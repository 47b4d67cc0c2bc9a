"""Priority tiers: the default order, a custom policy from plain data, and faults by field."""

from __future__ import annotations

from typing import Any

import pytest

from warroom.catalog.rules import Exposure
from warroom.errors import InvalidInput
from warroom.vulns.advisories import Advisory
from warroom.vulns.tiers import (
    AssetFacts,
    PolicyError,
    TierPolicy,
    asset_facts,
    default_policy,
    parse_policy,
    policy_data,
    tier_for,
)

TOOL, EDGE, INSIDE = Exposure.internal_tool, Exposure.internet_facing, Exposure.internal


def advisory(cvss: float | None = None, exploited: bool = False) -> Advisory:
    return Advisory(id="CVE-1", affected=(), cvss=cvss, known_exploited=exploited)


def tier(policy: TierPolicy, asset: AssetFacts, adv: Advisory) -> int:
    return tier_for(policy, asset, adv)[0]


@pytest.mark.parametrize(
    ("asset", "adv", "expected"),
    [
        (AssetFacts(TOOL), advisory(exploited=True), 1),
        (AssetFacts(TOOL), advisory(cvss=9.8), 1),
        (AssetFacts(TOOL, service_tier=1), advisory(cvss=5.0), 2),
        (AssetFacts(TOOL), advisory(cvss=7.5), 2),
        (AssetFacts(TOOL, service_tier=4), advisory(cvss=4.0), 3),
        (AssetFacts(EDGE), advisory(cvss=5.0, exploited=True), 4),
        (AssetFacts(EDGE), advisory(cvss=9.0), 4),
        (AssetFacts(EDGE, service_tier=2), advisory(), 5),
        (AssetFacts(EDGE, service_tier=3), advisory(cvss=6.9), 6),
        (AssetFacts(EDGE), advisory(), 6),  # no score is not a high score
        (AssetFacts(INSIDE, service_tier=4), advisory(exploited=True), 7),
        (AssetFacts(INSIDE, service_tier=1), advisory(), 8),
        (AssetFacts(INSIDE, service_tier=3), advisory(cvss=3.1), 9),
    ],
)
def test_the_default_policy_orders_exposure_then_urgency(
    asset: AssetFacts, adv: Advisory, expected: int
) -> None:
    assert tier(default_policy(), asset, adv) == expected


def test_management_tools_come_before_the_internet_before_the_inside() -> None:
    policy, calm, wild = default_policy(), advisory(cvss=2.0), advisory(cvss=10.0, exploited=True)
    assert tier(policy, AssetFacts(TOOL), calm) < tier(policy, AssetFacts(EDGE), wild)
    assert tier(policy, AssetFacts(EDGE), calm) < tier(policy, AssetFacts(INSIDE), wild)


def test_the_reason_names_the_rule_and_its_conditions() -> None:
    _, reason = tier_for(default_policy(), AssetFacts(EDGE), advisory(exploited=True))
    assert reason == (
        "tier 4 by rule 6 (internet-facing, urgent): internet-facing, known exploited"
    )


def test_asset_facts_take_the_most_critical_service() -> None:
    assert asset_facts("internal-tool", [3, 1, 4]) == AssetFacts(TOOL, service_tier=1)
    assert asset_facts("internal", []) == AssetFacts(INSIDE, service_tier=None)


CUSTOM = {
    "rules": [
        {"tier": 1, "name": "exploited in the wild", "known_exploited": True},
        {"tier": 2, "exposure": "internet-facing", "min_cvss": 7},
        {"tier": 3, "exposure": ["internal", "internal-tool"], "max_service_tier": 1},
    ],
    "fallback_tier": 5,
}


def test_a_custom_policy_from_plain_data() -> None:
    policy = parse_policy(CUSTOM)
    assert tier(policy, AssetFacts(INSIDE), advisory(exploited=True)) == 1
    assert tier(policy, AssetFacts(EDGE), advisory(cvss=7.0)) == 2
    assert tier(policy, AssetFacts(EDGE), advisory(cvss=6.9)) == 5
    assert tier(policy, AssetFacts(TOOL, service_tier=1), advisory()) == 3
    assert tier(policy, AssetFacts(TOOL, service_tier=2), advisory()) == 5
    assert tier_for(policy, AssetFacts(TOOL), advisory())[1] == "tier 5: no rule matched"


def test_without_a_fallback_unmatched_assets_come_last() -> None:
    policy = parse_policy({"rules": [{"tier": 2, "exposure": "internet-facing"}]})
    assert tier(policy, AssetFacts(INSIDE), advisory()) == 3


def test_a_policy_survives_its_plain_data() -> None:
    for policy in (default_policy(), parse_policy(CUSTOM)):
        assert parse_policy(policy_data(policy)) == policy


@pytest.mark.parametrize(
    ("data", "path", "reason"),
    [
        ([], "$", "must be an object"),
        ({}, "$.rules", "required"),
        ({"rules": []}, "$.rules", "non-empty"),
        ({"rules": [{"tier": 1}], "order": "asc"}, "$.order", "not a policy field"),
        ({"rules": [{"exposure": "internal"}]}, "$.rules[0].tier", "required"),
        ({"rules": [{"tier": 1}, {"tier": 0}]}, "$.rules[1].tier", "from 1"),
        ({"rules": [{"tier": True}]}, "$.rules[0].tier", "whole number"),
        ({"rules": [{"tier": 1, "exposure": "dmz"}]}, "$.rules[0].exposure[0]", "'dmz'"),
        (
            {"rules": [{"tier": 1, "exposure": ["internal", "public"]}]},
            "$.rules[0].exposure[1]",
            "must be one of internet-facing, internal, internal-tool",
        ),
        ({"rules": [{"tier": 1, "exposure": 3}]}, "$.rules[0].exposure", "an exposure"),
        ({"rules": [{"tier": 1, "min_cvss": 11}]}, "$.rules[0].min_cvss", "0 to 10"),
        ({"rules": [{"tier": 1, "min_cvss": "high"}]}, "$.rules[0].min_cvss", "0 to 10"),
        ({"rules": [{"tier": 1, "max_service_tier": 5}]}, "$.rules[0].max_service_tier", "1"),
        ({"rules": [{"tier": 1, "known_exploited": 1}]}, "$.rules[0].known_exploited", "true"),
        ({"rules": [{"tier": 1, "cvss": 7}]}, "$.rules[0].cvss", "not a rule field"),
        ({"rules": [{"tier": 1, "name": 7}]}, "$.rules[0].name", "string"),
        ({"rules": [{"tier": 1}], "fallback_tier": "last"}, "$.fallback_tier", "whole number"),
    ],
)
def test_an_invalid_policy_names_the_field(data: Any, path: str, reason: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(data)
    assert caught.value.path == path
    assert reason in caught.value.reason
    assert isinstance(caught.value, InvalidInput)
