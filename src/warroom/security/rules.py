"""Pure rules of security incidents: the NIST SP 800-61 phases and how an incident moves
through them, the NIST impact categories, Traffic Light Protocol markings, containment
decisions (with advice from the service tier before a server is taken offline), the
compromise status of assets in scope, and indicators of compromise validated per type.
No database, no clock: ``now`` and the facts are passed in."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from warroom.errors import IllegalTransition, InvalidInput


class Phase(StrEnum):
    detection_analysis = "detection_analysis"
    containment = "containment"
    eradication = "eradication"
    recovery = "recovery"
    validation = "validation"
    post_incident = "post_incident"

    @property
    def label(self) -> str:
        return PHASE_LABELS[self]


PHASE_LABELS = {
    Phase.detection_analysis: "Detection & analysis",
    Phase.containment: "Containment",
    Phase.eradication: "Eradication",
    Phase.recovery: "Recovery",
    Phase.validation: "Validation",
    Phase.post_incident: "Post-incident",
}
ORDER = list(Phase)


def check_phase_move(current: Phase, target: Phase, reason: str) -> None:
    """Forward one phase at a time: containment before eradication before recovery, because
    rebuilding a host the intruder still reaches only hands it back. Back to any earlier
    phase when something new is found (a second foothold during recovery), with the reason
    recorded, as NIST's cycle allows."""
    if target == current:
        raise IllegalTransition("phase", f"the incident is already in {current.label.lower()}")
    step = ORDER.index(target) - ORDER.index(current)
    if step > 1:
        skipped = ", ".join(
            p.label.lower() for p in ORDER[ORDER.index(current) + 1 : ORDER.index(target)]
        )
        raise IllegalTransition("phase", f"{target.label.lower()} comes after {skipped}")
    if step < 0 and not reason.strip():
        raise InvalidInput("reason", f"say why the incident goes back to {target.label.lower()}")


class FunctionalImpact(StrEnum):
    """NIST SP 800-61 table 3-2."""

    none = "none"
    low = "low"
    medium = "medium"
    high = "high"


class InformationImpact(StrEnum):
    """NIST SP 800-61 table 3-3."""

    none = "none"
    privacy_breach = "privacy_breach"
    proprietary_breach = "proprietary_breach"
    integrity_loss = "integrity_loss"


class Recoverability(StrEnum):
    """NIST SP 800-61 table 3-4."""

    regular = "regular"
    supplemented = "supplemented"
    extended = "extended"
    not_recoverable = "not_recoverable"


class Tlp(StrEnum):
    """Traffic Light Protocol 2.0: who may be told."""

    clear = "clear"
    green = "green"
    amber = "amber"
    amber_strict = "amber+strict"
    red = "red"


TLP_RANK = {t: n for n, t in enumerate(Tlp)}


def strictest(*markings: Tlp) -> Tlp:
    """What a document mixing items of these markings must carry."""
    return max(markings, key=TLP_RANK.__getitem__, default=Tlp.clear)


class Containment(StrEnum):
    emergency = "emergency"  # now, to stop the damage; reviewed afterwards
    temporary = "temporary"  # holds until eradication
    permanent = "permanent"  # stays


class Compromise(StrEnum):
    suspected = "suspected"
    confirmed = "confirmed"
    contained = "contained"
    eradicated = "eradicated"
    recovered = "recovered"
    clean = "clean"  # examined and found untouched


@dataclass(frozen=True)
class OfflineAdvice:
    severity: str  # caution, consider, go
    text: str


def offline_advice(tier: int | None, exposure: str) -> OfflineAdvice:
    """What taking a server offline costs, from the most critical service it runs."""
    reach = " It faces the internet: while it stays up, so does the intruder's way in." if (
        exposure == "internet-facing") else ""  # fmt: skip
    if tier == 1:
        text = ("It runs a tier-1 service: offline, revenue stops. Prefer network isolation "
                "that keeps the service up, and agree it with the service owner.")  # fmt: skip
        return OfflineAdvice("caution", text + reach)
    if tier == 2:
        text = "It runs a tier-2 service: offline, some customers lose a function; tell them."
        return OfflineAdvice("consider", text + reach)
    return OfflineAdvice("go", "No business-critical service depends on it: isolate it." + reach)


class IocType(StrEnum):
    ip = "ip"
    domain = "domain"
    url = "url"
    hash = "hash"
    account = "account"
    path = "path"
    email = "email"
