"""Changes that already happened, reported by deploy tools: recorded as completed changes so
they show on the calendar and rank as suspects when an incident follows them.

They arrive as PagerDuty change events (``POST /v2/change/enqueue``, kept by alert intake as
``ChangeEvent`` rows and announced as ``change_event.recorded``) or through
``POST /api/v1/change-events``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warroom.alerts.models import ChangeEvent
from warroom.catalog.models import Asset, Service
from warroom.catalog.parties import check_assets
from warroom.catalog.service import check_services
from warroom.changes.models import Change
from warroom.changes.rules import ChangeState, ChangeType, Risk
from warroom.changes.service import log


@dataclass(frozen=True)
class Deploy:
    title: str
    at: datetime
    source: str = "deploy"
    services: list[Service] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    links: list[Any] = field(default_factory=list)
    details: str = ""
    external_id: str | None = None


def do_record_deploy(*, session: Session, deploy: Deploy, now: datetime) -> Change:
    """A completed standard change at ``deploy.at``; the same ``external_id`` twice records
    it once (senders retry)."""
    if deploy.external_id:
        known = session.scalar(select(Change).where(Change.external_id == deploy.external_id))
        if known is not None:
            return known
    change = Change(
        title=deploy.title[:300],
        type=ChangeType.standard.value,
        state=ChangeState.completed.value,
        description=deploy.details,
        risk=Risk.low.value,
        planned_start=deploy.at,
        planned_end=deploy.at,
        actual_start=deploy.at,
        actual_end=deploy.at,
        source=deploy.source,
        external_id=deploy.external_id,
        links=deploy.links,
        services=deploy.services,
        assets=deploy.assets,
        created_at=now,
        updated_at=now,
    )
    session.add(change)
    session.flush()
    text = f"Reported by {deploy.source}: {change.title}"
    log(session=session, change=change, kind="recorded", actor=None, now=now, text=text)
    return change


def deploy_of_api(
    *,
    session: Session,
    title: str,
    at: datetime,
    services: Sequence[str],
    assets: Sequence[str],
    links: list[Any],
    details: str,
    external_id: str | None,
) -> Deploy:
    """Validate names from the API: an unknown service or asset is the sender's error."""
    return Deploy(
        title=title,
        at=at,
        source="api",
        services=check_services(session=session, names=list(services)),
        assets=check_assets(session=session, hostnames=list(assets)),
        links=links,
        details=details,
        external_id=external_id,
    )


def do_record_change_event(*, session: Session, event_id: int, now: datetime) -> Change | None:
    """The change event the PagerDuty endpoint kept, as a completed change. Its service is the
    integration's; its ``source`` names an asset when one has that hostname."""
    row = session.get(ChangeEvent, event_id)
    if row is None:
        return None
    service = session.get(Service, row.service_id) if row.service_id else None
    asset = None
    if row.source:
        asset = session.scalar(
            select(Asset).where(func.lower(Asset.hostname) == row.source.strip().lower())
        )
    details = "\n".join(f"{k}: {v}" for k, v in (row.details or {}).items())
    deploy = Deploy(
        title=row.summary,
        at=row.occurred_at,
        services=[service] if service else [],
        assets=[asset] if asset else [],
        links=list(row.links or []),
        details=details,
        external_id=f"change-event-{row.id}",
    )
    return do_record_deploy(session=session, deploy=deploy, now=now)
