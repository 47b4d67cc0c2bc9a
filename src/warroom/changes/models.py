"""Changes and what is recorded about them: scope, approvals, their own timeline, the conflicts
last found, and responders' marks (suspect, cause) on incidents.

Windows (freeze and maintenance) live in ``alerts.models.MaintenanceWindow``: alert intake
reads the maintenance ones, and this domain sits above alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warroom.access.models import Person
from warroom.catalog.models import Asset, Service
from warroom.db import Base, UTCDateTime


class Change(Base):
    __tablename__ = "changes"
    __table_args__ = (
        Index("ix_changes_state_start", "state", "planned_start"),
        Index("ix_changes_planned_end", "planned_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    # The state to return to when a hold is released.
    held_from: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    backout_plan: Mapped[str] = mapped_column(Text, default="")
    risk: Mapped[str] = mapped_column(String(10), default="medium")
    reboot_required: Mapped[bool] = mapped_column(default=False)
    planned_start: Mapped[datetime] = mapped_column(UTCDateTime())
    planned_end: Mapped[datetime] = mapped_column(UTCDateTime())
    actual_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    actual_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    implementer_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # An emergency change made to fix this incident does not conflict with it.
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))
    window_id: Mapped[int | None] = mapped_column(
        ForeignKey("maintenance_windows.id", ondelete="SET NULL")
    )
    source: Mapped[str] = mapped_column(String(20), default="manual")  # manual, api, deploy
    external_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    links: Mapped[list[Any]] = mapped_column(JSON, default=list)
    override_reason: Mapped[str | None] = mapped_column(Text)
    override_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    override_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the go/no-go check ran for this planned start (moving the start runs it again).
    checked_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_id], lazy="joined")
    implementer: Mapped[Person | None] = relationship(foreign_keys=[implementer_id], lazy="joined")
    authority: Mapped[Person | None] = relationship(foreign_keys=[authority_id], lazy="joined")
    override_by: Mapped[Person | None] = relationship(foreign_keys=[override_by_id], lazy="joined")
    services: Mapped[list[Service]] = relationship(
        secondary="change_services", lazy="selectin", order_by="Service.name"
    )
    assets: Mapped[list[Asset]] = relationship(
        secondary="change_assets", lazy="selectin", order_by="Asset.hostname"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own mapping


class ChangeService(Base):
    __tablename__ = "change_services"

    change_id: Mapped[int] = mapped_column(
        ForeignKey("changes.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ChangeAsset(Base):
    __tablename__ = "change_assets"

    change_id: Mapped[int] = mapped_column(
        ForeignKey("changes.id", ondelete="CASCADE"), primary_key=True
    )
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ChangeApproval(Base):
    __tablename__ = "change_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    decision: Mapped[str] = mapped_column(String(10))  # approved, rejected
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())

    person: Mapped[Person | None] = relationship(lazy="joined")


class ChangeLog(Base):
    """The change's own timeline: saves, transitions, approvals, holds, overrides, notices."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_change_at", "change_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[Person | None] = relationship(lazy="joined")


class ChangeConflict(Base):
    """The conflicts found when the change was last evaluated; ``key`` names one conflict
    across evaluations, so each is announced once, when it first appears."""

    __tablename__ = "change_conflicts"
    __table_args__ = (UniqueConstraint("change_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))
    detail: Mapped[str] = mapped_column(Text, default="")
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ChangeMark(Base):
    """A responder's verdict on a change while working an incident: suspect or cause."""

    __tablename__ = "change_marks"
    __table_args__ = (UniqueConstraint("incident_id", "change_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id", ondelete="CASCADE"), index=True)
    mark: Mapped[str] = mapped_column(String(10))  # suspect, cause
    note: Mapped[str] = mapped_column(Text, default="")
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime())

    marked_by: Mapped[Person | None] = relationship(lazy="joined")
