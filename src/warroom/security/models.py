"""Security incidents' own records: the NIST phase and impact of the incident, its phase
history, indicators of compromise, assets in scope with their compromise status, containment
decisions, and evidence with its chain of custody."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warroom.access.models import Person
from warroom.catalog.models import Asset
from warroom.db import Base, UTCDateTime


class SecurityRecord(Base):
    """What a security incident adds to the incident it is (one row per incident)."""

    __tablename__ = "security_records"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    phase: Mapped[str] = mapped_column(String(30), default="detection_analysis")
    phase_since: Mapped[datetime] = mapped_column(UTCDateTime())
    functional_impact: Mapped[str | None] = mapped_column(String(20))
    information_impact: Mapped[str | None] = mapped_column(String(30))
    recoverability: Mapped[str | None] = mapped_column(String(20))
    tlp: Mapped[str] = mapped_column(String(20), default="amber")


class PhaseChange(Base):
    __tablename__ = "security_phase_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    from_phase: Mapped[str | None] = mapped_column(String(30))
    to_phase: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    by: Mapped[Person | None] = relationship(lazy="joined")


class Indicator(Base):
    __tablename__ = "security_indicators"
    __table_args__ = (UniqueConstraint("incident_id", "type", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str] = mapped_column(Text, default="")
    tlp: Mapped[str] = mapped_column(String(20), default="amber")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    added_by: Mapped[Person | None] = relationship(lazy="joined")


class ScopeAsset(Base):
    """An asset in the incident's scope and how far it is compromised."""

    __tablename__ = "security_scope_assets"
    __table_args__ = (UniqueConstraint("incident_id", "asset_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    compromise: Mapped[str] = mapped_column(String(20), default="suspected")
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    asset: Mapped[Asset] = relationship(lazy="joined")


class ContainmentDecision(Base):
    __tablename__ = "security_containment"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))  # emergency, temporary, permanent
    action: Mapped[str] = mapped_column(Text)
    advice: Mapped[str] = mapped_column(Text, default="")  # what the tier said, as shown then
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    asset: Mapped[Asset | None] = relationship(lazy="joined")
    decided_by: Mapped[Person | None] = relationship(lazy="joined")


class Evidence(Base):
    __tablename__ = "security_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))  # disk image, memory dump, log export, ...
    sha256: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(Text, default="")
    tlp: Mapped[str] = mapped_column(String(20), default="red")
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    holder: Mapped[Person | None] = relationship(lazy="joined")
    custody: Mapped[list[CustodyTransfer]] = relationship(
        lazy="selectin", order_by="CustodyTransfer.id", cascade="all, delete-orphan"
    )


class CustodyTransfer(Base):
    """One hand-over of an evidence item (the first is its collection)."""

    __tablename__ = "security_custody"

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(
        ForeignKey("security_evidence.id", ondelete="CASCADE"), index=True
    )
    from_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    to_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    purpose: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    from_person: Mapped[Person | None] = relationship(foreign_keys=[from_id], lazy="joined")
    to_person: Mapped[Person | None] = relationship(foreign_keys=[to_id], lazy="joined")
