"""Remediation records: their statuses and the moves between them, and the record each affected
asset gets when a campaign opens. Pure: no session, no clock.

A record starts ``affected`` when the verdict says so, ``unassessed`` when the verdict is
``unknown`` (someone must look). The work then runs affected → scheduled → patched → verified;
``risk_accepted`` and ``false_positive`` end it from any status not yet final. Steps may be
skipped forward (a host patched without a slot), and a record goes back to ``affected`` when a
patch is found missing or a decision is revisited. ``verified`` is final.

*Open* records leave the asset exposed (unassessed, affected, scheduled): the burndown counts
them. *Final* records (verified, risk accepted, false positive) need no more work: a campaign
closes when all its records are final.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from warroom.errors import IllegalTransition
from warroom.vulns.advisories import Advisory
from warroom.vulns.rules import AssetVerdict, Status
from warroom.vulns.tiers import AssetFacts, TierPolicy, tier_for


class RemediationStatus(StrEnum):
    unassessed = "unassessed"
    affected = "affected"
    scheduled = "scheduled"
    patched = "patched"
    verified = "verified"
    risk_accepted = "risk_accepted"
    false_positive = "false_positive"


R = RemediationStatus
OPEN = frozenset({R.unassessed, R.affected, R.scheduled})
FINAL = frozenset({R.verified, R.risk_accepted, R.false_positive})
_ENDINGS = frozenset({R.risk_accepted, R.false_positive})
TRANSITIONS: dict[RemediationStatus, frozenset[RemediationStatus]] = {
    R.unassessed: frozenset({R.affected}) | _ENDINGS,
    R.affected: frozenset({R.scheduled, R.patched}) | _ENDINGS,
    R.scheduled: frozenset({R.affected, R.patched}) | _ENDINGS,
    R.patched: frozenset({R.affected, R.verified}) | _ENDINGS,
    R.verified: frozenset(),
    R.risk_accepted: frozenset({R.affected}),
    R.false_positive: frozenset({R.affected}),
}


def check_transition(current: RemediationStatus, to: RemediationStatus) -> None:
    """Raise :class:`IllegalTransition` naming ``status`` unless ``current`` may become
    ``to``; staying put is allowed (a note alone changes)."""
    if to == current or to in TRANSITIONS[current]:
        return
    allowed = ", ".join(sorted(TRANSITIONS[current])) or "nothing (it is final)"
    raise IllegalTransition(
        "status", f"a record {current} cannot become {to}; it can become {allowed}"
    )


def initial_status(verdict: Status) -> RemediationStatus:
    return R.affected if verdict is Status.affected else R.unassessed


def left_open_at(
    status: RemediationStatus, reached: Mapping[str, datetime | None]
) -> datetime | None:
    """When a record stopped leaving its asset exposed, from the time each status was last
    reached; None while it is open. A verified patch closed the exposure when it was patched."""
    if status in OPEN:
        return None
    if status is R.verified and reached.get(R.patched) is not None:
        return reached[R.patched]
    return reached.get(status)


@dataclass(frozen=True, slots=True)
class Planned:
    """The record an affected asset gets when the campaign opens."""

    asset_id: int
    product: str
    version: str
    purl: str | None
    verdict: Status
    reason: str
    tier: int
    tier_reason: str
    status: RemediationStatus


def plan_records(
    advisory: Advisory,
    policy: TierPolicy,
    verdicts: Iterable[AssetVerdict],
    facts: Mapping[int, AssetFacts],
) -> list[Planned]:
    """One record per asset the advisory may affect: of several matching installs on one asset,
    an ``affected`` one speaks for it before an ``unknown`` one. ``not_affected`` gets none."""
    chosen: dict[int, AssetVerdict] = {}
    for found in verdicts:
        if found.verdict.status is Status.not_affected:
            continue
        held = chosen.get(found.asset_id)
        if held is None or _before(found, held):
            chosen[found.asset_id] = found
    tiers: dict[AssetFacts, tuple[int, str]] = {}
    return [
        _planned(found, facts[asset_id], advisory, policy, tiers)
        for asset_id, found in sorted(chosen.items())
    ]


def _before(found: AssetVerdict, held: AssetVerdict) -> bool:
    """Affected first; between equals, the lowest installed row, so the choice is stable."""
    rank = (found.verdict.status is not Status.affected, found.installed)
    return rank < (held.verdict.status is not Status.affected, held.installed)


def _planned(
    found: AssetVerdict,
    facts: AssetFacts,
    advisory: Advisory,
    policy: TierPolicy,
    tiers: dict[AssetFacts, tuple[int, str]],
) -> Planned:
    # Assets share a handful of (exposure, service tier) facts: each is tiered once.
    if facts not in tiers:
        tiers[facts] = tier_for(policy, facts, advisory)
    tier, tier_reason = tiers[facts]
    product, version, purl = found.installed
    verdict = found.verdict
    return Planned(
        found.asset_id, product, version, purl, verdict.status, verdict.reason,
        tier, tier_reason, initial_status(verdict.status),
    )  # fmt: skip
