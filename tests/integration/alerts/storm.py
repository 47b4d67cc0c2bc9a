"""Building blocks for the correlation tests: a catalog, an integration, and alerts sent
through the real ingestion (deduplicated, matched to assets, correlated) at a given time."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from warroom.alerts.ingest import do_receive
from warroom.alerts.integrations import ref_of
from warroom.alerts.models import Alert, AlertGroup, Integration
from warroom.alerts.rules import Action, IncomingEvent
from warroom.catalog.models import Asset, Service
from warroom.db import transaction
from warroom.incidents.models import Incident


def seed_service(session: Session, name: str, tier: int, hosts: Iterable[str]) -> Service:
    service = Service(name=name, tier=tier)
    session.add(service)
    for host in hosts:
        asset = Asset(hostname=host)
        asset.services = [service]
        session.add(asset)
    session.flush()
    return service


def seed_integration(session: Session, name: str = "prometheus") -> Integration:
    digest = hashlib.sha256(name.encode()).hexdigest()
    integration = Integration(
        kind="alertmanager", name=name, key_digest=digest, key_hint="k", created_at=_epoch()
    )
    session.add(integration)
    session.flush()
    return integration


def _epoch() -> datetime:
    return datetime.fromisoformat("2026-01-01T00:00:00+00:00")


@dataclass(frozen=True)
class Sent:
    host: str
    event: str = "AntivirusDetection"
    dedup: str | None = None
    status: str = "firing"
    labels: dict[str, str] | None = None


def event_of(sent: Sent) -> IncomingEvent:
    return IncomingEvent(
        action=Action.resolve if sent.status == "resolved" else Action.trigger,
        dedup_key=sent.dedup or f"{sent.event}/{sent.host}",
        summary=f"{sent.event} on {sent.host}",
        source=sent.host,
        event=sent.event,
        labels=sent.labels or {"alertname": sent.event},
    )


def send(
    sessions: sessionmaker[Session], integration_id: int, batch: Iterable[Sent], now: datetime
) -> list[Alert]:
    """One ingest request through the real ingestion: dedup, asset matching, correlation."""
    with transaction(sessions) as session:
        integration = session.get(Integration, integration_id)
        assert integration is not None
        events = [event_of(sent) for sent in batch]
        alerts = do_receive(
            session=session, integration=ref_of(integration), events=events, now=now
        )
        session.expunge_all()
        return alerts


def incidents(sessions: sessionmaker[Session]) -> list[Incident]:
    with transaction(sessions) as session:
        rows = list(session.scalars(select(Incident).order_by(Incident.id)))
        session.expunge_all()
        return rows


def groups(sessions: sessionmaker[Session]) -> list[AlertGroup]:
    with transaction(sessions) as session:
        rows = list(session.scalars(select(AlertGroup).order_by(AlertGroup.id)))
        session.expunge_all()
        return rows
