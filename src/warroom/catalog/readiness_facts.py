"""The values the readiness checks work on: severities and check names, the snapshot of the
catalog they read, and the findings and outcomes they give. Pure data; the checks live in
``readiness_rules`` and ``readiness_assets``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from warroom.catalog.rules import ContractTerms, Coverage, Cycle, Exposure, SlaTerm, SupportStatus


class Severity(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"


SEVERITY_ORDER = tuple(Severity)


class Check(StrEnum):
    no_owner = "no_owner"
    no_runbook = "no_runbook"
    no_oncall = "no_oncall"
    eol_software = "eol_software"
    internet_facing_eol = "internet_facing_eol"
    unknown_lifecycle = "unknown_lifecycle"
    no_support_contract = "no_support_contract"
    contract_expiring = "contract_expiring"
    missing_contact = "missing_contact"
    no_comms_lead = "no_comms_lead"
    no_exec_contact = "no_exec_contact"
    sla_unmonitored = "sla_unmonitored"


# The worst severity each check can give: its weight in the score.
CHECK_SEVERITY = {
    Check.internet_facing_eol: Severity.critical,
    Check.eol_software: Severity.high,
    Check.no_owner: Severity.high,
    Check.no_runbook: Severity.high,
    Check.no_oncall: Severity.high,
    Check.no_comms_lead: Severity.high,
    Check.no_exec_contact: Severity.medium,
    Check.missing_contact: Severity.medium,
    Check.no_support_contract: Severity.medium,
    Check.contract_expiring: Severity.medium,
    Check.sla_unmonitored: Severity.medium,
    Check.unknown_lifecycle: Severity.low,
}


# --- the snapshot ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceFacts:
    name: str
    tier: int
    owner_team: str | None = None
    runbook: str = ""


@dataclass(frozen=True)
class AssetFacts:
    hostname: str
    exposure: str = Exposure.internal.value
    services: tuple[str, ...] = ()
    software: tuple[SupportStatus, ...] = ()
    coverage: Coverage | None = None


@dataclass(frozen=True)
class PersonFacts:
    name: str
    email: str
    phone: str | None = None


@dataclass(frozen=True)
class ContactFacts:
    name: str
    plan_role: str
    organisation: str = ""
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """What the checks look at, as plain values. ``paging``/``alerting`` say whether on-call
    schedules and alert integrations exist at all; until they do, their checks do not run."""

    today: date
    services: tuple[ServiceFacts, ...] = ()
    assets: tuple[AssetFacts, ...] = ()
    cycles: Mapping[str, tuple[Cycle, ...]] = field(default_factory=dict)
    contracts: tuple[ContractTerms, ...] = ()
    people: tuple[PersonFacts, ...] = ()
    contacts: tuple[ContactFacts, ...] = ()
    slas: tuple[SlaTerm, ...] = ()
    paging: bool = False
    oncall_services: frozenset[str] = frozenset()
    alerting: bool = False
    monitored_services: frozenset[str] = frozenset()


# --- findings and the report ----------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    id: str
    check: Check
    severity: Severity
    subject: str
    message: str
    hint: str

    def as_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "check": self.check.value,
            "severity": self.severity.value,
            "subject": self.subject,
            "message": self.message,
            "hint": self.hint,
        }


def finding(
    check: Check, key: str, severity: Severity, subject: str, message: str, hint: str
) -> Finding:
    return Finding(f"{check.value}:{key}", check, severity, subject, message, hint)


@dataclass(frozen=True)
class Outcome:
    """One check's verdict: how many things it examined and which of them fall short."""

    check: Check
    examined: int
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Report:
    score: int
    findings: tuple[Finding, ...]
    outcomes: tuple[Outcome, ...]

    def counts(self) -> dict[str, int]:
        return count_severities(f.severity for f in self.findings)


def count_severities(severities: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys((s.value for s in SEVERITY_ORDER), 0)
    for severity in severities:
        counts[severity] = counts.get(severity, 0) + 1
    return counts
