"""The readiness report as a use case: a snapshot of the catalog from the database, the checks
of ``readiness_rules`` run over it, each run kept as a ``ReadinessRun`` for the trend.

The caller owns the transaction; ``do_run_readiness`` adds one row and never commits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.catalog.lifecycles import cycles_by_product, software_status
from warroom.catalog.models import Asset, ReadinessRun, Service
from warroom.catalog.parties import list_contacts, list_customers
from warroom.catalog.readiness_facts import (
    AssetFacts,
    Check,
    ContactFacts,
    PersonFacts,
    ServiceFacts,
    Severity,
    Snapshot,
    count_severities,
)
from warroom.catalog.readiness_rules import run_checks
from warroom.catalog.rules import ContractTerms, SlaTerm, SupportStatus, asset_coverage
from warroom.catalog.service import list_services
from warroom.catalog.views import contract_terms

HISTORY_LIMIT = 30

# Facts only a higher domain knows (who is on call, which services alerts watch) complete the
# snapshot through sources those domains register when the app or command starts, so the
# catalog never imports them. A source returns the snapshot with its facts filled in.
SnapshotSource = Callable[[Session, datetime, Snapshot], Snapshot]
SNAPSHOT_SOURCES: dict[str, SnapshotSource] = {}


class FindingOut(BaseModel):
    id: str = Field(description="Stable: the same gap has the same id in every run")
    check: Check
    severity: Severity
    subject: str
    message: str
    hint: str = Field(description="What to do about it")


class ReadinessOut(BaseModel):
    score: int = Field(ge=0, le=100)
    findings: list[FindingOut]
    ran_at: datetime
    counts: dict[str, int] = Field(description="Findings by severity")


class RunSummary(BaseModel):
    ran_at: datetime
    score: int
    counts: dict[str, int]


# --- the snapshot ---------------------------------------------------------------------------


def _service_facts(service: Service) -> ServiceFacts:
    owner = service.owner_team.name if service.owner_team else None
    return ServiceFacts(service.name, service.tier, owner, service.runbook)


def _asset_facts(
    asset: Asset, statuses: list[SupportStatus], terms: list[ContractTerms], today: date
) -> AssetFacts:
    products = [s.product for s in asset.software]
    return AssetFacts(
        hostname=asset.hostname,
        exposure=asset.exposure,
        services=tuple(s.name for s in asset.services),
        software=tuple(statuses),
        coverage=asset_coverage(asset.hostname, products, terms, today),
    )


def _people(session: Session) -> tuple[PersonFacts, ...]:
    query = select(Person).where(Person.active.is_(True)).order_by(Person.name)
    return tuple(PersonFacts(p.name, p.email, p.phone) for p in session.scalars(query))


def _contacts(session: Session) -> tuple[ContactFacts, ...]:
    return tuple(
        ContactFacts(c.name, c.plan_role, c.organisation, c.email, c.phone)
        for c in list_contacts(session=session)
    )


def _slas(session: Session) -> tuple[SlaTerm, ...]:
    return tuple(
        SlaTerm(c.name, s.service.name, s.availability_target, s.response_minutes, s.penalty_terms)
        for c in list_customers(session=session)
        for s in c.slas
    )


def build_snapshot(*, session: Session, today: date) -> Snapshot:
    """Everything the catalog itself knows, read once; ``complete_snapshot`` adds the rest."""
    assets = list(session.scalars(select(Asset).order_by(Asset.hostname)))
    cycles = cycles_by_product(session=session)
    statuses = software_status(assets, cycles, today)
    terms = contract_terms(session=session)
    return Snapshot(
        today=today,
        services=tuple(_service_facts(s) for s in list_services(session=session)),
        assets=tuple(_asset_facts(a, statuses[a.hostname], terms, today) for a in assets),
        cycles={product: tuple(found) for product, found in cycles.items()},
        contracts=tuple(terms),
        people=_people(session),
        contacts=_contacts(session),
        slas=_slas(session),
    )


def complete_snapshot(*, session: Session, now: datetime, snapshot: Snapshot) -> Snapshot:
    """The snapshot with every registered source's facts (paging, alerting) filled in."""
    for source in SNAPSHOT_SOURCES.values():
        snapshot = source(session, now, snapshot)
    return snapshot


# --- running and history --------------------------------------------------------------------


def do_run_readiness(*, session: Session, now: datetime) -> ReadinessOut:
    """Run every check on the catalog as it stands and keep the run for the trend."""
    snapshot = build_snapshot(session=session, today=now.date())
    report = run_checks(complete_snapshot(session=session, now=now, snapshot=snapshot))
    findings = [f.as_dict() for f in report.findings]
    latest = session.scalar(
        select(ReadinessRun).order_by(ReadinessRun.ran_at.desc(), ReadinessRun.id.desc())
    )
    if worth_keeping(latest, findings, now):
        session.add(ReadinessRun(ran_at=now, score=report.score, findings=findings))
        session.flush()
    return ReadinessOut(
        score=report.score,
        findings=[FindingOut.model_validate(f) for f in findings],
        ran_at=now,
        counts=report.counts(),
    )


# Every page view runs the report; the trend keeps a point when the findings change, and at
# most one an hour while they stay the same, so reloading a page does not flood it.
SAME_RESULT_INTERVAL = timedelta(hours=1)


def worth_keeping(
    latest: ReadinessRun | None, findings: list[dict[str, Any]], now: datetime
) -> bool:
    if latest is None or latest.ran_at + SAME_RESULT_INTERVAL <= now:
        return True
    return [f["id"] for f in latest.findings] != [f["id"] for f in findings]


def _summary(run: ReadinessRun) -> RunSummary:
    severities: list[Any] = [f.get("severity") for f in run.findings]
    return RunSummary(ran_at=run.ran_at, score=run.score, counts=count_severities(severities))


def readiness_history(*, session: Session, limit: int = HISTORY_LIMIT) -> list[RunSummary]:
    """The latest ``limit`` runs, oldest first, as a trend reads."""
    query = select(ReadinessRun).order_by(ReadinessRun.ran_at.desc(), ReadinessRun.id.desc())
    runs = list(session.scalars(query.limit(limit)))
    return [_summary(run) for run in reversed(runs)]
