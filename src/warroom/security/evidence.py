"""Containment decisions and evidence: each decision is kept with what the asset's service tier
advised at the time, and each evidence item with its hash and every hand-over of it, so who
held it, and when, can be shown later."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.access.service import Actor
from warroom.catalog.assets import access_asset
from warroom.catalog.models import Asset
from warroom.errors import InvalidInput, NotFound
from warroom.incidents.models import Incident
from warroom.incidents.service import check_person, record
from warroom.security.models import ContainmentDecision, CustodyTransfer, Evidence
from warroom.security.rules import OfflineAdvice, offline_advice
from warroom.security.schemas import ContainmentIn, CustodyIn, EvidenceIn
from warroom.security.service import security_record


def asset_tier(asset: Asset) -> int | None:
    """The most critical tier among the services the asset runs."""
    return min((s.tier for s in asset.services), default=None)


def advice_for(asset: Asset) -> OfflineAdvice:
    return offline_advice(asset_tier(asset), asset.exposure)


def do_contain(
    *, session: Session, incident: Incident, actor: Actor, data: ContainmentIn, now: datetime
) -> ContainmentDecision:
    asset = access_asset(session=session, hostname=data.hostname) if data.hostname else None
    security_record(session, incident, now)
    advice = advice_for(asset).text if asset is not None else ""
    decision = ContainmentDecision(
        incident_id=incident.id, asset=asset, kind=data.kind.value, action=data.action.strip(),
        advice=advice, decided_at=now, decided_by_id=actor.person_id,
    )  # fmt: skip
    session.add(decision)
    session.flush()
    where = f" on {asset.hostname}" if asset else ""
    record(session=session, incident=incident, kind="security_containment", actor=actor,
           now=now, text=f"Containment ({data.kind.value}){where}: {decision.action}")  # fmt: skip
    return decision


def do_add_evidence(
    *, session: Session, incident: Incident, actor: Actor, data: EvidenceIn, now: datetime
) -> Evidence:
    """Log an item as collected: its first custody entry hands it to its holder."""
    holder = _holder(session, data.holder, actor)
    security_record(session, incident, now)
    item = Evidence(
        incident_id=incident.id, label=data.label.strip(), kind=data.kind.strip(),
        sha256=data.sha256.lower(), location=data.location.strip(), tlp=data.tlp.value,
        collected_at=now, holder=holder,
    )  # fmt: skip
    item.custody.append(CustodyTransfer(to_id=holder.id, purpose="collected", at=now))
    session.add(item)
    session.flush()
    record(session=session, incident=incident, kind="security_evidence", actor=actor, now=now,
           text=f"Evidence logged: {item.label} (sha256 {item.sha256[:12]}…), held by "
                f"{holder.name}")  # fmt: skip
    return item


def _holder(session: Session, email: str | None, actor: Actor) -> Person:
    if email:
        return check_person(session=session, email=email, field="holder")
    found = session.get(Person, actor.person_id)
    assert found is not None  # the actor was read from this database
    return found


def do_transfer(
    *, session: Session, incident: Incident, actor: Actor, evidence_id: int, data: CustodyIn,
    now: datetime,
) -> Evidence:  # fmt: skip
    item = session.get(Evidence, evidence_id)
    if item is None or item.incident_id != incident.id:
        raise NotFound(f"no evidence item {evidence_id} on this incident")
    to = check_person(session=session, email=data.to, field="to")
    if to.id == item.holder_id:
        raise InvalidInput("to", f"{to.name} already holds it")
    item.custody.append(CustodyTransfer(from_id=item.holder_id, to_id=to.id,
                                        purpose=data.purpose.strip(), at=now))  # fmt: skip
    before = item.holder.name if item.holder else "nobody"
    item.holder = to
    session.flush()
    record(session=session, incident=incident, kind="security_custody", actor=actor, now=now,
           text=f"Evidence {item.label}: {before} → {to.name}"
                + (f" ({data.purpose.strip()})" if data.purpose.strip() else ""))  # fmt: skip
    return item
