"""Alert ingestion and correlation: integrations, alerts, correlation rules and alert groups,
maintenance windows, and change events received from monitoring."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warroom.catalog.models import Asset, Service
from warroom.db import Base, UTCDateTime


class Integration(Base):
    """A source of alerts with its secret routing key (kept only as a SHA-256 digest: the key
    is 128 random bits, so a fast digest is as safe as a slow one and ingest stays cheap)."""

    __tablename__ = "integrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200), unique=True)
    key_digest: Mapped[str] = mapped_column(String(64), unique=True)
    key_hint: Mapped[str] = mapped_column(String(12))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="SET NULL"))
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Heartbeats: the last ping, and whether the missed-ping alert is currently raised.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    service: Mapped[Service | None] = relationship(lazy="joined")


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        # One open alert per dedup key and integration; a resolved one frees the key.
        Index(
            "uq_alerts_open_dedup",
            "integration_id",
            "dedup_key",
            unique=True,
            sqlite_where=text("status <> 'resolved'"),
            postgresql_where=text("status <> 'resolved'"),
        ),
        Index("ix_alerts_status_last_seen", "status", "last_seen"),
        Index("ix_alerts_group", "group_id"),
        Index("ix_alerts_service", "service_id"),
        Index("ix_alerts_asset", "asset_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id", ondelete="CASCADE"))
    dedup_key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str | None] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(String(1024))
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(15))
    event: Mapped[str] = mapped_column(String(255), default="")
    source: Mapped[str] = mapped_column(String(255), default="")
    count: Mapped[int] = mapped_column(default=1)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    labels: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    links: Mapped[list[Any]] = mapped_column(JSON, default=list)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id", ondelete="SET NULL"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="SET NULL"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("alert_groups.id", ondelete="SET NULL"))
    # Inside a maintenance window: shown and counted, never escalated.
    expected: Mapped[bool] = mapped_column(default=False)
    flapping: Mapped[bool] = mapped_column(default=False)
    state_changes: Mapped[list[str]] = mapped_column(JSON, default=list)

    integration: Mapped[Integration] = relationship(lazy="joined")
    asset: Mapped[Asset | None] = relationship(lazy="joined")
    service: Mapped[Service | None] = relationship(lazy="joined")


class CorrelationRule(Base):
    """Group alerts that share ``group_by`` values within ``window_seconds``; open (or join) an
    incident when the group reaches any of its thresholds."""

    __tablename__ = "correlation_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    group_by: Mapped[list[str]] = mapped_column(JSON, default=list)
    window_seconds: Mapped[int] = mapped_column(default=900)
    min_alerts: Mapped[int | None] = mapped_column()
    min_assets: Mapped[int | None] = mapped_column()
    min_share: Mapped[float | None] = mapped_column()
    open_incident: Mapped[bool] = mapped_column(default=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=100)

    service: Mapped[Service | None] = relationship(lazy="joined")


class AlertGroup(Base):
    __tablename__ = "alert_groups"
    __table_args__ = (
        Index(
            "uq_alert_groups_open_key",
            "rule_id",
            "key",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("correlation_rules.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    title: Mapped[str] = mapped_column(String(1024), default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    alert_count: Mapped[int] = mapped_column(default=0)
    asset_count: Mapped[int] = mapped_column(default=0)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="SET NULL"))
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), index=True
    )
    proposed_severity: Mapped[str | None] = mapped_column(String(10))
    threshold_met_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the thresholds look at: alerts and hosts neither expected nor flapping.
    escalating_alerts: Mapped[int] = mapped_column(default=0, server_default="0")
    escalating_assets: Mapped[int] = mapped_column(default=0, server_default="0")

    rule: Mapped[CorrelationRule] = relationship(lazy="joined")


class AlertGroupMember(Base):
    """The distinct hosts (asset hostname, else the alert's source) seen in a group."""

    __tablename__ = "alert_group_members"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("alert_groups.id", ondelete="CASCADE"), primary_key=True
    )
    member: Mapped[str] = mapped_column(String(255), primary_key=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    # Whether any of the host's alerts escalates (is neither expected nor flapping).
    escalating: Mapped[bool] = mapped_column(default=False, server_default=false())


class AlertGroupAlert(Base):
    """Every alert of a group: an alert belongs to one group per rule that applies to it
    (``Alert.group_id`` keeps the first of them, by rule position)."""

    __tablename__ = "alert_group_alerts"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("alert_groups.id", ondelete="CASCADE"), primary_key=True
    )
    alert_id: Mapped[int] = mapped_column(
        ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MaintenanceWindow(Base):
    """A window on the change calendar. ``maintenance``: when changes should happen, and alerts
    on these assets or services during it are expected, not escalated. ``freeze``: no changes
    (no assets and no services means everything). ``rrule`` (RFC 5545) repeats the first
    occurrence, ``starts_at`` to ``ends_at``; ``repeat_until`` is when the last one ends."""

    __tablename__ = "maintenance_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    assets: Mapped[list[str]] = mapped_column(JSON, default=list)
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(
        String(20), default="maintenance", server_default="maintenance"
    )
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    rrule: Mapped[str | None] = mapped_column(String(500))
    # For a repeating window, the end of its last occurrence (None: it repeats forever).
    repeat_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ChangeEvent(Base):
    """A change reported by a deploy tool (PagerDuty change events): recorded for the change
    calendar, never paged on."""

    __tablename__ = "change_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id", ondelete="CASCADE"))
    summary: Mapped[str] = mapped_column(String(1024))
    source: Mapped[str] = mapped_column(String(255), default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    links: Mapped[list[Any]] = mapped_column(JSON, default=list)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
