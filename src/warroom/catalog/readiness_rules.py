"""Readiness checks: pure functions from a snapshot of the catalog to findings and a score.

Nothing here reads the database or the clock; ``readiness.py`` builds the ``Snapshot`` (with
``today``) and stores the report.

Checks and severities (the severity says how badly the gap hurts during an incident):

    internet_facing_eol  critical  an internet-facing asset runs software past end of life;
                                   that software is then not also reported as eol_software
    eol_software         high      an asset runs software past end of life
    no_owner             high for a tier-1 service, medium for tier 2: nobody is accountable
    no_runbook           high for tier 1, medium for tier 2: responders improvise
    no_oncall            high for tier 1, medium for tier 2 (only once paging exists)
    no_comms_lead        high      no contact with plan_role ``comms``: nobody owns the status
                                   page and stakeholder updates
    no_exec_contact      medium    no contact with plan_role ``executive``
    missing_contact      medium    an active person with no phone (everyone has an email, but a
                                   responder you cannot call at 3 a.m. is a gap), or a contact
                                   with neither phone nor email
    no_support_contract  medium    an asset whose only contracts have ended, or an uncovered
                                   asset that supports a tier-1/2 service; low for other
                                   uncovered assets. Judged per asset: a product missing from
                                   the contracts of an otherwise covered asset is not reported.
    contract_expiring    medium    a contract ending within 30 days (and not yet ended)
    sla_unmonitored      medium    a customer SLA on a service no alert integration watches
                                   (only once alerting exists)
    unknown_lifecycle    low       installed software with no lifecycle data, one finding per
                                   product and version however many assets run it

``no_oncall`` and ``sla_unmonitored`` need paging and alert integrations, which warroom does not
have yet: their functions are ready, but ``run_checks`` only runs them when the snapshot says
the feature exists (``paging`` / ``alerting``, False today).

A finding's ``id`` is ``check:subject-key`` built only from names, so the same gap keeps the
same id from run to run: ``eol_software:web-01:openssl@1.0.1e``, ``no_runbook:checkout``.

The score (0-100) is a weighted pass rate. Each check that had something to examine gets a
pass rate, 1 - failing / examined (examined: tier-1/2 services for the service checks,
installed software for the lifecycle checks, assets for contracts, people and contacts for
missing_contact, one plan for no_comms_lead and no_exec_contact). The rates are averaged with
the check's weight, from its worst severity: critical 8, high 4, medium 2, low 1. A big catalog
with a few gaps therefore still scores high, and fixing a gap always raises the score. One
internet-facing system past end of life is an open door whatever else is in order, so any
critical finding caps the score at 60. An empty catalog still has no comms lead and no
executive contact, so it scores 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from warroom.catalog.rules import (
    ContractTerms,
    Cover,
    Coverage,
    Cycle,
    Exposure,
    SlaTerm,
    Support,
    SupportStatus,
    product_key,
)


class Severity(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"


SEVERITY_ORDER = tuple(Severity)
WEIGHT = {Severity.critical: 8, Severity.high: 4, Severity.medium: 2, Severity.low: 1}
CRITICAL_CAP = 60
EXPIRY_DAYS = 30


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


# --- service checks -------------------------------------------------------------------------


def _important(snapshot: Snapshot) -> list[ServiceFacts]:
    return [s for s in snapshot.services if s.tier <= 2]


def _tier_severity(tier: int) -> Severity:
    return Severity.high if tier == 1 else Severity.medium


def check_no_owner(snapshot: Snapshot) -> Outcome:
    services = _important(snapshot)
    found = tuple(
        finding(
            Check.no_owner,
            s.name,
            _tier_severity(s.tier),
            s.name,
            f"tier-{s.tier} service {s.name} has no owner team",
            f"give {s.name} an owner team (owner_team in the plan, or PATCH "
            f"/api/v1/services/{s.name}) so one team is accountable and paged for it",
        )
        for s in services
        if not s.owner_team
    )
    return Outcome(Check.no_owner, len(services), found)


def check_no_runbook(snapshot: Snapshot) -> Outcome:
    services = _important(snapshot)
    found = tuple(
        finding(
            Check.no_runbook,
            s.name,
            _tier_severity(s.tier),
            s.name,
            f"tier-{s.tier} service {s.name} has no runbook",
            f"write a runbook for {s.name} (Markdown or a link in its runbook field): how to "
            "tell it is broken, how to restart or fail it over, and whom to call",
        )
        for s in services
        if not s.runbook.strip()
    )
    return Outcome(Check.no_runbook, len(services), found)


def check_no_oncall(snapshot: Snapshot) -> Outcome:
    services = _important(snapshot)
    found = tuple(
        finding(
            Check.no_oncall,
            s.name,
            _tier_severity(s.tier),
            s.name,
            f"tier-{s.tier} service {s.name} has no on-call coverage",
            f"put {s.name} on an on-call schedule so an incident on it pages someone at any hour",
        )
        for s in services
        if s.name not in snapshot.oncall_services
    )
    return Outcome(Check.no_oncall, len(services), found)


# --- software lifecycle checks --------------------------------------------------------------


def _version_key(cycle: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", cycle))


def newest_supported(cycles: Iterable[Cycle], today: date) -> Cycle | None:
    """The newest cycle still inside its end of life: where to upgrade to."""
    alive = [c for c in cycles if not (c.eol <= today if c.eol else bool(c.eol_flag))]
    if not alive:
        return None
    return max(alive, key=lambda c: (c.release_date or date.min, _version_key(c.cycle)))


def _ended(status: SupportStatus) -> str:
    cycle = status.cycle or status.version
    if status.eol is None:
        return f"{cycle} has reached end of life"
    return f"{cycle} reached end of life on {status.eol}"


def _upgrade(status: SupportStatus, snapshot: Snapshot) -> str:
    target = newest_supported(snapshot.cycles.get(product_key(status.product), ()), snapshot.today)
    what = f"{status.product} {status.version}"
    if target is None:
        return f"replace {what} with a supported product ({_ended(status)}; no cycle is supported)"
    latest = f", latest {target.latest}" if target.latest else ""
    return f"upgrade {what} to {target.cycle}{latest} ({_ended(status)})"


def _eol_pieces(snapshot: Snapshot, exposed: bool) -> tuple[int, list[tuple[str, SupportStatus]]]:
    assets = [
        a for a in snapshot.assets if (a.exposure == Exposure.internet_facing.value) == exposed
    ]
    pieces = [(a.hostname, s) for a in assets for s in a.software]
    return len(pieces), [(h, s) for h, s in pieces if s.status == Support.eol]


def _software_key(hostname: str, status: SupportStatus) -> str:
    return f"{hostname}:{status.product}@{status.version}"


def check_eol_software(snapshot: Snapshot) -> Outcome:
    examined, ended = _eol_pieces(snapshot, exposed=False)
    found = tuple(
        finding(
            Check.eol_software,
            _software_key(host, s),
            Severity.high,
            host,
            f"{host} runs {s.product} {s.version}, past end of life"
            + (f" since {s.eol}" if s.eol else ""),
            f"{_upgrade(s, snapshot)}, or isolate the host",
        )
        for host, s in ended
    )
    return Outcome(Check.eol_software, examined, found)


def check_internet_facing_eol(snapshot: Snapshot) -> Outcome:
    examined, ended = _eol_pieces(snapshot, exposed=True)
    found = tuple(
        finding(
            Check.internet_facing_eol,
            _software_key(host, s),
            Severity.critical,
            host,
            f"internet-facing {host} runs {s.product} {s.version}, past end of life"
            + (f" since {s.eol}" if s.eol else "")
            + ": it gets no security fixes",
            f"{_upgrade(s, snapshot)} now, or take {host} off the internet until it is upgraded",
        )
        for host, s in ended
    )
    return Outcome(Check.internet_facing_eol, examined, found)


def check_unknown_lifecycle(snapshot: Snapshot) -> Outcome:
    hosts: dict[tuple[str, str], list[str]] = {}
    for asset in snapshot.assets:
        for s in asset.software:
            hosts.setdefault((s.product, s.version), [])
            if s.status == Support.unknown:
                hosts[(s.product, s.version)].append(asset.hostname)
    found = tuple(
        _unknown(product, version, names, snapshot)
        for (product, version), names in sorted(hosts.items())
        if names
    )
    return Outcome(Check.unknown_lifecycle, len(hosts), found)


def _unknown(product: str, version: str, hosts: list[str], snapshot: Snapshot) -> Finding:
    shown = ", ".join(hosts[:3]) + (f" and {len(hosts) - 3} more" if len(hosts) > 3 else "")
    if product_key(product) in snapshot.cycles:
        message = f"{product} {version} matches no cycle in {product}'s lifecycle data"
        hint = f"check the version string on {shown}, or refresh {product}'s lifecycle data"
    else:
        message = f"no lifecycle data for {product}, so its support status is unknown"
        hint = (
            f"import {product}'s endoflife.date JSON (POST /api/v1/lifecycles) so its end of "
            f"life is tracked on {shown}"
        )
    return finding(
        Check.unknown_lifecycle,
        f"{product}@{version}",
        Severity.low,
        f"{product} {version}",
        message,
        hint,
    )


# --- contracts ------------------------------------------------------------------------------


def check_no_support_contract(snapshot: Snapshot) -> Outcome:
    tiers = {s.name: s.tier for s in snapshot.services}
    ends = {c.number: c for c in snapshot.contracts}
    found = []
    for asset in snapshot.assets:
        cover = asset.coverage
        if cover is None or cover.status == Cover.covered:
            continue
        important = any(tiers.get(name, 4) <= 2 for name in asset.services)
        found.append(_uncovered(asset.hostname, cover, important, ends))
    return Outcome(Check.no_support_contract, len(snapshot.assets), tuple(found))


def _uncovered(
    host: str, cover: Coverage, important: bool, contracts: Mapping[str, ContractTerms]
) -> Finding:
    if cover.status == Cover.expired:
        ended = [contracts[n] for n in cover.expired if n in contracts]
        last = max(ended, key=lambda c: c.ends_on) if ended else None
        when = f" on {last.ends_on}" if last else ""
        who = f" with {last.vendor}" if last else ""
        numbers = ", ".join(cover.expired)
        message = f"{host}'s support contract {numbers} ended{when}"
        hint = f"renew {numbers}{who} or record the contract that replaced it"
        severity = Severity.medium
    else:
        message = f"no support contract covers {host} or the software it runs"
        hint = f"record the contract that covers {host} (by asset or product), or get one"
        severity = Severity.medium if important else Severity.low
    return finding(Check.no_support_contract, host, severity, host, message, hint)


def check_contract_expiring(snapshot: Snapshot) -> Outcome:
    live = [c for c in snapshot.contracts if c.ends_on >= snapshot.today]
    found = tuple(
        finding(
            Check.contract_expiring,
            c.number,
            Severity.medium,
            c.number,
            f"contract {c.number} with {c.vendor} ends on {c.ends_on} "
            f"({(c.ends_on - snapshot.today).days} days left)",
            f"renew {c.number} with {c.vendor} before {c.ends_on}, or record its replacement",
        )
        for c in live
        if (c.ends_on - snapshot.today).days <= EXPIRY_DAYS
    )
    return Outcome(Check.contract_expiring, len(live), found)


# --- people and contacts --------------------------------------------------------------------


def _contact_label(contact: ContactFacts) -> str:
    return f"{contact.name} ({contact.organisation})" if contact.organisation else contact.name


def check_missing_contact(snapshot: Snapshot) -> Outcome:
    people = [
        finding(
            Check.missing_contact,
            f"person:{p.email}",
            Severity.medium,
            p.name,
            f"{p.name} has no phone number",
            f"add a phone number for {p.name} so they can be called when chat and email fail",
        )
        for p in snapshot.people
        if not (p.phone or "").strip()
    ]
    contacts = [
        finding(
            Check.missing_contact,
            f"contact:{_contact_label(c)}",
            Severity.medium,
            _contact_label(c),
            f"{_contact_label(c)} ({c.plan_role}) has neither phone nor email",
            f"add a phone number or an email for {_contact_label(c)}",
        )
        for c in snapshot.contacts
        if not (c.phone or "").strip() and not (c.email or "").strip()
    ]
    examined = len(snapshot.people) + len(snapshot.contacts)
    return Outcome(Check.missing_contact, examined, (*people, *contacts))


def _role_missing(
    snapshot: Snapshot, check: Check, role: str, severity: Severity, message: str, hint: str
) -> Outcome:
    if any(c.plan_role == role for c in snapshot.contacts):
        return Outcome(check, 1)
    return Outcome(check, 1, (Finding(check.value, check, severity, "plan", message, hint),))


def check_no_comms_lead(snapshot: Snapshot) -> Outcome:
    return _role_missing(
        snapshot,
        Check.no_comms_lead,
        "comms",
        Severity.high,
        "no communications lead is defined",
        "add a contact with plan_role comms: who writes the status page and stakeholder "
        "updates during a major incident",
    )


def check_no_exec_contact(snapshot: Snapshot) -> Outcome:
    return _role_missing(
        snapshot,
        Check.no_exec_contact,
        "executive",
        Severity.medium,
        "no executive contact is defined",
        "add a contact with plan_role executive: who must hear of a SEV1 first and decides "
        "on customer notice and spending",
    )


# --- customers ------------------------------------------------------------------------------


def check_sla_unmonitored(snapshot: Snapshot) -> Outcome:
    found = tuple(
        finding(
            Check.sla_unmonitored,
            f"{t.customer}:{t.service}",
            Severity.medium,
            f"{t.customer} / {t.service}",
            f"{t.customer} has an SLA on {t.service}, which no alert integration watches",
            f"connect an alert integration for {t.service}, so a breach of {t.customer}'s SLA "
            "is seen before the customer reports it",
        )
        for t in snapshot.slas
        if t.service not in snapshot.monitored_services
    )
    return Outcome(Check.sla_unmonitored, len(snapshot.slas), found)


# --- the report -----------------------------------------------------------------------------

CheckFn = Callable[[Snapshot], Outcome]
ALWAYS: tuple[CheckFn, ...] = (
    check_internet_facing_eol,
    check_eol_software,
    check_no_owner,
    check_no_runbook,
    check_no_comms_lead,
    check_no_exec_contact,
    check_missing_contact,
    check_no_support_contract,
    check_contract_expiring,
    check_unknown_lifecycle,
)


def checks_for(snapshot: Snapshot) -> tuple[CheckFn, ...]:
    """The checks that can run: on-call and SLA monitoring only once those features exist."""
    extra = (check_no_oncall,) if snapshot.paging else ()
    return ALWAYS + extra + ((check_sla_unmonitored,) if snapshot.alerting else ())


def score(outcomes: Iterable[Outcome]) -> int:
    judged = [o for o in outcomes if o.examined > 0]
    weights = sum(WEIGHT[CHECK_SEVERITY[o.check]] for o in judged)
    if not weights:
        return 100
    passed = sum(
        WEIGHT[CHECK_SEVERITY[o.check]] * (1 - min(len(o.findings), o.examined) / o.examined)
        for o in judged
    )
    value = round(100 * passed / weights)
    critical = any(f.severity == Severity.critical for o in judged for f in o.findings)
    return min(value, CRITICAL_CAP) if critical else value


def _order(item: Finding) -> tuple[int, str, str]:
    return (SEVERITY_ORDER.index(item.severity), item.check.value, item.id)


def run_checks(snapshot: Snapshot) -> Report:
    outcomes = tuple(check(snapshot) for check in checks_for(snapshot))
    findings = sorted((f for o in outcomes for f in o.findings), key=_order)
    return Report(score(outcomes), tuple(findings), outcomes)
