"""On-call and paging: schedules of rotating layers with overrides, escalation policies, the
routes that pick a policy for an incident, people's contact methods and notification rules,
and the paging outbox (escalations, pages and their deliveries) that the worker drains."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warroom.access.models import Person, Team
from warroom.catalog.models import Service
from warroom.db import Base, UTCDateTime


class Schedule(Base):
    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    layers: Mapped[list[ScheduleLayer]] = relationship(
        order_by="ScheduleLayer.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    overrides: Mapped[list[ScheduleOverride]] = relationship(
        order_by="ScheduleOverride.starts_at",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class ScheduleLayer(Base):
    """One rotation. Later layers (higher ``position``) win where they cover the time.

    The rotation runs in ``timezone`` wall time from ``starts_local``: a daily handoff at 09:00
    stays at 09:00 across daylight-saving changes. ``restrictions`` limit when the layer is on,
    e.g. ``[{"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}]`` (Monday is 0)."""

    __tablename__ = "schedule_layers"
    __table_args__ = (
        CheckConstraint("shift_seconds > 0", name="shift_positive"),
        CheckConstraint(
            "rotation IN ('hourly', 'daily', 'weekly', 'custom')", name="rotation_kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200), default="")
    rotation: Mapped[str] = mapped_column(String(10))
    shift_seconds: Mapped[int] = mapped_column()
    starts_local: Mapped[datetime] = mapped_column()  # naive: wall time in ``timezone``
    timezone: Mapped[str] = mapped_column(String(64))
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    restrictions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    members: Mapped[list[LayerMember]] = relationship(
        order_by="LayerMember.position", cascade="all, delete-orphan", lazy="selectin"
    )


class LayerMember(Base):
    __tablename__ = "schedule_layer_members"

    layer_id: Mapped[int] = mapped_column(
        ForeignKey("schedule_layers.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)

    person: Mapped[Person] = relationship(lazy="joined")


class ScheduleOverride(Base):
    """``person`` covers the whole schedule from ``starts_at`` to ``ends_at``."""

    __tablename__ = "schedule_overrides"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("schedules.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined")


class EscalationPolicy(Base):
    __tablename__ = "escalation_policies"
    __table_args__ = (CheckConstraint("repeat BETWEEN 0 AND 9", name="repeat_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    repeat: Mapped[int] = mapped_column(default=0)  # times the steps run again after the first
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    steps: Mapped[list[EscalationStep]] = relationship(
        order_by="EscalationStep.position", cascade="all, delete-orphan", lazy="selectin"
    )


class EscalationStep(Base):
    """Page the targets, then wait ``delay_minutes`` for an acknowledgement before the next."""

    __tablename__ = "escalation_steps"
    __table_args__ = (CheckConstraint("delay_minutes >= 0", name="delay_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(
        ForeignKey("escalation_policies.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    delay_minutes: Mapped[int] = mapped_column(default=15)

    targets: Mapped[list[EscalationTarget]] = relationship(
        order_by="EscalationTarget.id", cascade="all, delete-orphan", lazy="selectin"
    )


class EscalationTarget(Base):
    """Exactly one of a person, a schedule (whoever is on call then) or a team (its members)."""

    __tablename__ = "escalation_targets"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN person_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN schedule_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN team_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(
        ForeignKey("escalation_steps.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))

    person: Mapped[Person | None] = relationship(lazy="joined")
    schedule: Mapped[Schedule | None] = relationship(lazy="joined")
    team: Mapped[Team | None] = relationship(lazy="joined")


class ServicePolicy(Base):
    """The escalation policy that pages for incidents on a service."""

    __tablename__ = "service_escalation_policies"

    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), primary_key=True
    )
    policy_id: Mapped[int] = mapped_column(
        ForeignKey("escalation_policies.id", ondelete="CASCADE"), index=True
    )

    service: Mapped[Service] = relationship(lazy="joined")
    policy: Mapped[EscalationPolicy] = relationship(lazy="joined")


class PagingRoute(Base):
    """Organisation-wide routes: ``security`` (the policy every security incident follows),
    ``default`` (service incidents whose services have no policy) and ``commander`` (the
    incident-commander rotation a SEV1 also pages)."""

    __tablename__ = "paging_routes"
    __table_args__ = (
        CheckConstraint("name IN ('security', 'default', 'commander')", name="route_name"),
    )

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("escalation_policies.id", ondelete="CASCADE")
    )
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"))


class ContactMethod(Base):
    """Where a person can be reached: ``email``, ``webhook`` (JSON, HMAC-signed) or ``apprise``
    (an Apprise URL: Slack, Teams, Telegram, ntfy, Twilio SMS and others)."""

    __tablename__ = "contact_methods"
    __table_args__ = (
        CheckConstraint("kind IN ('email', 'webhook', 'apprise')", name="contact_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(2000))
    # At most this many messages per hour through this method; the rest wait.
    max_per_hour: Mapped[int] = mapped_column(default=20)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NotificationRule(Base):
    """Notify through ``contact_method`` this many minutes after being paged (0: at once)."""

    __tablename__ = "notification_rules"
    __table_args__ = (CheckConstraint("delay_minutes >= 0", name="delay_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    contact_method_id: Mapped[int] = mapped_column(
        ForeignKey("contact_methods.id", ondelete="CASCADE")
    )
    delay_minutes: Mapped[int] = mapped_column(default=0)

    contact_method: Mapped[ContactMethod] = relationship(lazy="joined")


class Escalation(Base):
    """A running escalation of one incident, with the policy as it was when paging started.

    ``next_at`` is when the next step is due; the worker picks due rows with ``SKIP LOCKED``,
    so a restart resumes where it stopped and two workers never run one step twice."""

    __tablename__ = "escalations"
    __table_args__ = (
        Index("ix_escalations_due", "status", "next_at"),
        Index("ix_escalations_incident", "incident_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("escalation_policies.id", ondelete="SET NULL")
    )
    policy_name: Mapped[str] = mapped_column(String(200))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="active")
    step: Mapped[int] = mapped_column(default=0)  # the next step to run
    round: Mapped[int] = mapped_column(default=0)
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stopped_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class Page(Base):
    """One person paged for one incident: however many alerts, steps or triggers reach them,
    there is one page per person and incident while it is open."""

    __tablename__ = "pages"
    __table_args__ = (
        Index(
            "uq_pages_open",
            "incident_id",
            "person_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_pages_person_status", "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    escalation_id: Mapped[int | None] = mapped_column(
        ForeignKey("escalations.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open, acknowledged, closed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_via: Mapped[str | None] = mapped_column(String(20))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship(lazy="joined")


class Delivery(Base):
    """The outbox: one message to one contact method, written in the transaction that decided
    it, sent by the worker. ``status``: pending, sent, failed (gave up), cancelled."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_due", "status", "due_at"),
        Index("ix_deliveries_page", "page_id"),
        Index("ix_deliveries_method_sent", "contact_method_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    contact_method_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_methods.id", ondelete="SET NULL")
    )
    channel: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(2000))
    purpose: Mapped[str] = mapped_column(String(20), default="page")  # page, handover, notice
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A worker's lease while it sends: others skip the row until ``claimed_until`` has passed,
    # so a worker that dies mid-send delays the message instead of losing it.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Staffing(Base):
    """An incident's staffing plan: responders hand over every ``shift_hours``."""

    __tablename__ = "incident_staffing"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    shift_hours: Mapped[int] = mapped_column(default=8)
    next_handover_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
