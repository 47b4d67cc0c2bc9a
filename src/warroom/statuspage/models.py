"""The public status page: components (mapped to catalog services, arranged in groups), their
status history (the uptime bars), and public incidents and maintenances with their updates.

Public things carry a ``code``: a short random id that is all the outside world sees, in the
Statuspage API's shape (``"id": "k2tbh9vrtdwd"``). Internal ids and internal incidents never
leave through the public page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warroom.access.models import Person
from warroom.catalog.models import Service
from warroom.db import Base, UTCDateTime


class StatusComponent(Base):
    __tablename__ = "status_components"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # A group holds components and shows the worst of their statuses.
    is_group: Mapped[bool] = mapped_column(default=False)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("status_components.id", ondelete="SET NULL"), index=True
    )
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(30), default="operational")
    only_show_if_degraded: Mapped[bool] = mapped_column(default=False)
    showcase: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    service: Mapped[Service | None] = relationship(lazy="joined")


class ComponentStatusChange(Base):
    """Each status a component took, from when: the history the uptime bars are drawn from."""

    __tablename__ = "status_component_history"
    __table_args__ = (Index("ix_status_component_history_at", "component_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(
        ForeignKey("status_components.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class PublicIncident(Base):
    """What the public reads about an incident or a maintenance, in its own words."""

    __tablename__ = "public_incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="incident")  # incident, maintenance
    name: Mapped[str] = mapped_column(String(300))
    # Incidents: investigating, identified, monitoring, resolved, postmortem.
    # Maintenances: scheduled, in_progress, verifying, completed.
    status: Mapped[str] = mapped_column(String(20))
    impact: Mapped[str] = mapped_column(String(20), default="none")
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), index=True
    )
    # Published once the first update is approved; drafts are invisible outside.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    monitoring_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scheduled_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    components: Mapped[list[StatusComponent]] = relationship(
        secondary="public_incident_components", lazy="selectin", order_by="StatusComponent.position"
    )
    updates: Mapped[list[PublicUpdate]] = relationship(
        lazy="selectin", order_by="PublicUpdate.id.desc()", back_populates="public_incident"
    )


class PublicIncidentComponent(Base):
    __tablename__ = "public_incident_components"

    public_incident_id: Mapped[int] = mapped_column(
        ForeignKey("public_incidents.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[int] = mapped_column(
        ForeignKey("status_components.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class PublicUpdate(Base):
    """One update as written; public once approved (by the communications lead or the IC)."""

    __tablename__ = "public_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    public_incident_id: Mapped[int] = mapped_column(
        ForeignKey("public_incidents.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    # [{"code", "name", "old_status", "new_status"}] as Statuspage lists them.
    affected_components: Mapped[list[Any]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(20), default="draft")  # draft, published
    # The impact this update gives its incident, applied (like its status) when approved.
    impact: Mapped[str | None] = mapped_column(String(20))
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    display_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    public_incident: Mapped[PublicIncident] = relationship(back_populates="updates")
    written_by: Mapped[Person | None] = relationship(foreign_keys=[written_by_id], lazy="joined")
    approved_by: Mapped[Person | None] = relationship(foreign_keys=[approved_by_id], lazy="joined")


class UpdateReminder(Base):
    """An overdue update the communications lead was told about: once per due time, however
    many workers look."""

    __tablename__ = "update_reminders"
    __table_args__ = (UniqueConstraint("incident_id", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommsUpdate(Base):
    """An update written once and sent to the audiences chosen: the status page (as a draft
    for approval), internal stakeholders, affected customers."""

    __tablename__ = "comms_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    audiences: Mapped[list[str]] = mapped_column(JSON, default=list)
    what_happened: Mapped[str] = mapped_column(Text)
    doing: Mapped[str] = mapped_column(Text)
    next_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    public_update_id: Mapped[int | None] = mapped_column(
        ForeignKey("public_updates.id", ondelete="SET NULL")
    )
    # How many were written to, by audience: {"stakeholders": 4, "customers": 7}.
    sent: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Subscriber(Base):
    """Someone told when the status page changes: an email address (confirmed by a link sent
    to it before anything else is) or a webhook (added by staff), for every component or for
    the components chosen."""

    __tablename__ = "status_subscribers"
    __table_args__ = (UniqueConstraint("kind", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # email, webhook
    address: Mapped[str] = mapped_column(String(2000))
    # Component ids; empty: every component (and incidents that name none).
    components: Mapped[list[int]] = mapped_column(JSON, default=list)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MessageTemplate(Base):
    """An audience's template as the organisation wrote it; without a row, the built-in one."""

    __tablename__ = "message_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[str] = mapped_column(String(20), unique=True)  # public, stakeholders, ...
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    updated_by: Mapped[Person | None] = relationship(lazy="joined")
