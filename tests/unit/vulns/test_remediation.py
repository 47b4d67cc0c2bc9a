"""The remediation workflow and the records a campaign opens with, as pure values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from warroom.catalog.rules import Exposure
from warroom.errors import IllegalTransition
from warroom.vulns.advisories import parse_advisory
from warroom.vulns.remediation import (
    RemediationStatus,
    check_transition,
    left_open_at,
    plan_records,
)
from warroom.vulns.rules import AssetVerdict, Installed, Status, Verdict
from warroom.vulns.tiers import AssetFacts, default_policy

R = RemediationStatus
AT = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
HEARTBLEED = parse_advisory(
    {"id": "CVE-2014-0160", "product": "openssl", "affected": "vers:openssl/>=1.0.1|<=1.0.1f"}
)


@pytest.mark.parametrize(
    ("current", "to"),
    [
        (R.unassessed, R.affected),
        (R.unassessed, R.false_positive),
        (R.unassessed, R.risk_accepted),
        (R.affected, R.scheduled),
        (R.affected, R.patched),
        (R.scheduled, R.patched),
        (R.patched, R.verified),
        (R.patched, R.affected),
        (R.scheduled, R.risk_accepted),
        (R.risk_accepted, R.affected),
        (R.verified, R.verified),
    ],
)
def test_the_workflow_allows(current: RemediationStatus, to: RemediationStatus) -> None:
    check_transition(current, to)


@pytest.mark.parametrize(
    ("current", "to"),
    [
        (R.unassessed, R.scheduled),
        (R.unassessed, R.patched),
        (R.affected, R.verified),
        (R.affected, R.unassessed),
        (R.verified, R.affected),
        (R.verified, R.risk_accepted),
        (R.false_positive, R.patched),
    ],
)
def test_the_workflow_refuses_naming_the_status_field(
    current: RemediationStatus, to: RemediationStatus
) -> None:
    with pytest.raises(IllegalTransition) as refused:
        check_transition(current, to)
    assert refused.value.field == "status"
    assert f"cannot become {to}" in refused.value.detail


def test_a_record_stops_leaving_its_asset_exposed_when_patched_or_decided() -> None:
    reached = {"patched": AT, "verified": LATER, "risk_accepted": LATER}
    assert left_open_at(R.scheduled, reached) is None
    assert left_open_at(R.verified, reached) == AT  # exposed until the patch, not the check
    assert left_open_at(R.risk_accepted, reached) == LATER
    assert left_open_at(R.verified, {"verified": LATER}) == LATER


def _found(asset: int, version: str, status: Status) -> AssetVerdict:
    return AssetVerdict(asset, Installed("openssl", version), Verdict(status, f"{version} judged"))


def test_each_asset_gets_one_record_affected_first_and_none_when_not_affected() -> None:
    verdicts = [
        _found(1, "1.0.1f", Status.affected),
        _found(2, "weird", Status.unknown),
        _found(2, "1.0.1", Status.affected),
        _found(3, "1.0.1g", Status.not_affected),
        _found(4, "odd", Status.unknown),
    ]
    facts = {
        1: AssetFacts(Exposure.internet_facing, 1),
        2: AssetFacts(Exposure.internal_tool),
        3: AssetFacts(Exposure.internal),
        4: AssetFacts(Exposure.internal),
    }
    planned = plan_records(HEARTBLEED, default_policy(), verdicts, facts)
    assert [(p.asset_id, p.version, p.status, p.tier) for p in planned] == [
        (1, "1.0.1f", R.affected, 5),
        (2, "1.0.1", R.affected, 3),
        (4, "odd", R.unassessed, 9),
    ]
    assert planned[0].reason == "1.0.1f judged"
    assert planned[0].tier_reason.startswith("tier 5 by rule")
