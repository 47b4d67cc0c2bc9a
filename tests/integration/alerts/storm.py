"""Building blocks for the correlation tests: a catalog, an integration, and alerts written
the way ingestion writes them (one open alert per dedup key), then correlated."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from warroom.alerts.correlate import do_correlate
from warroom.alerts.maintenance import covering_windows, is_alert_expected
from warroom.alerts.models import Alert, AlertGroup, Integration
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


def _asset(session: Session, host: str) -> Asset | None:
    return session.scalar(select(Asset).where(Asset.hostname == host))


def upsert(session: Session, integration_id: int, sent: Sent, now: datetime) -> Alert:
    key = sent.dedup or f"{sent.event}/{sent.host}"
    alert = session.scalar(
        select(Alert).where(
            Alert.integration_id == integration_id,
            Alert.dedup_key == key,
            Alert.status != "resolved",
        )
    )
    if alert is not None:
        alert.count += 1
        alert.last_seen, alert.status = now, sent.status
        alert.resolved_at = now if sent.status == "resolved" else None
        return alert
    asset = _asset(session, sent.host)
    alert = Alert(
        integration_id=integration_id,
        dedup_key=key,
        summary=f"{sent.event} on {sent.host}",
        severity="error",
        status=sent.status,
        event=sent.event,
        source=sent.host,
        first_seen=now,
        last_seen=now,
        labels=sent.labels or {"alertname": sent.event},
        asset=asset,
        service=asset.services[0] if asset is not None and asset.services else None,
        state_changes=[],
    )
    session.add(alert)
    session.flush()
    return alert


def send(
    sessions: sessionmaker[Session],
    integration_id: int,
    batch: Iterable[Sent],
    now: datetime,
    **alert_fields: Any,
) -> list[AlertGroup]:
    """One ingest request: upsert the batch and correlate it, in one transaction."""
    with transaction(sessions) as session:
        windows = covering_windows(session=session, now=now)
        alerts = [upsert(session, integration_id, sent, now) for sent in batch]
        for alert in alerts:
            alert.expected = is_alert_expected(windows, alert, now)
            for name, value in alert_fields.items():
                setattr(alert, name, value)
        groups = do_correlate(session=session, alerts=alerts, now=now)
        session.expunge_all()
        return groups


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
