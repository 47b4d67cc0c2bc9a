"""Readiness checks: pure functions from a snapshot of the catalog to findings and a score.
The checks on assets and contracts are in ``readiness_assets``; the types in ``readiness_facts``.

Nothing here reads the database or the clock; ``readiness.py`` builds the ``Snapshot`` (with
``today``) and stores the report.

Checks and severities (the severity says how badly the gap hurts during an incident):

    internet_facing_eol  critical  an internet-facing asset runs software past end of life;
                                   that software is then not also reported as eol_software
    eol_software         high      an asset runs software past end of life
    no_owner             high for a tier-1 service, medium for tier 2: nobody is accountable
    no_runbook           high for tier 1, medium for tier 2: responders improvise
    no_oncall            high for tier 1, medium for tier 2: an incident on it would page
                                   nobody at some hour of the next 7 days (only once
                                   paging is in use: some escalation policy exists)
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

``no_oncall`` and ``sla_unmonitored`` need facts from higher domains, which the catalog does not
import: those domains register snapshot sources (``readiness.SNAPSHOT_SOURCES``) that fill in
``paging``/``oncall_services`` and ``alerting``/``monitored_services``, and ``run_checks``
runs each check only when its flag is set. The on-call source counts a service as covered when
its escalation policy's steps reach a person at every moment of the next 7 days: a person or a
team with active people always, schedules wherever they do not all have a gap at once. No
source fills in ``alerting`` yet, so ``sla_unmonitored`` does not run.

A finding's ``id`` is ``check:subject-key`` built only from names, so the same gap keeps the
same id from run to run: ``eol_software:web-01:openssl@1.0.1e``, ``no_runbook:checkout``.

The score (0-100) is a weighted pass rate. Each check that had something to examine gets a
pass rate, 1 - failing / examined (examined: tier-1/2 services for the service checks,
installed software for the end-of-life checks, distinct product versions for
unknown_lifecycle, assets for no_support_contract, contracts not yet ended for
contract_expiring, people and contacts for missing_contact, one plan for no_comms_lead and
no_exec_contact). The rates are averaged with the check's weight, from its worst severity:
critical 8, high 4, medium 2, low 1. A big catalog with a few gaps therefore still scores
high, and fixing a gap never lowers the score. One
internet-facing system past end of life is an open door whatever else is in order, so any
critical finding caps the score at 60. An empty catalog still has no comms lead and no
executive contact, so it scores 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from warroom.catalog.readiness_assets import (
    check_contract_expiring,
    check_eol_software,
    check_internet_facing_eol,
    check_no_support_contract,
    check_unknown_lifecycle,
)
from warroom.catalog.readiness_facts import (
    CHECK_SEVERITY,
    SEVERITY_ORDER,
    Check,
    ContactFacts,
    Finding,
    Outcome,
    Report,
    ServiceFacts,
    Severity,
    Snapshot,
    finding,
)

WEIGHT = {Severity.critical: 8, Severity.high: 4, Severity.medium: 2, Severity.low: 1}
CRITICAL_CAP = 60


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
            f"give {s.name} an escalation policy (PUT /api/v1/services/{s.name}/"
            "escalation-policy) whose steps reach someone at every hour: a schedule with no "
            "gaps, a person or a team (`warroom schedule gaps NAME` lists a schedule's gaps)",
        )
        for s in services
        if s.name not in snapshot.oncall_services
    )
    return Outcome(Check.no_oncall, len(services), found)


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
