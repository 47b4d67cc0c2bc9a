"""The catalog: services and their dependencies, assets and their software, product lifecycles,
vendors and contracts, outside contacts, customers and their SLAs, readiness runs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warroom.access.models import Team
from warroom.db import Base, UTCDateTime


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (CheckConstraint("tier BETWEEN 1 AND 4", name="tier_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    tier: Mapped[int] = mapped_column(default=3)
    owner_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    runbook: Mapped[str] = mapped_column(Text, default="", server_default="")

    owner_team: Mapped[Team | None] = relationship(lazy="joined")
    depends_on: Mapped[list[Service]] = relationship(
        secondary="service_dependencies",
        primaryjoin="Service.id == ServiceDependency.service_id",
        secondaryjoin="Service.id == ServiceDependency.depends_on_id",
        lazy="selectin",
        order_by="Service.name",
    )


class ServiceDependency(Base):
    __tablename__ = "service_dependencies"
    __table_args__ = (CheckConstraint("service_id <> depends_on_id", name="not_self"),)

    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), primary_key=True
    )
    depends_on_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Asset(Base):
    """A configuration item: a server, VM, container, network device, SaaS tenant or endpoint."""

    __tablename__ = "assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    hostname: Mapped[str] = mapped_column(String(255), unique=True)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    ips: Mapped[list[str]] = mapped_column(JSON, default=list)
    kind: Mapped[str] = mapped_column(String(20), default="server")
    environment: Mapped[str] = mapped_column(String(50), default="production")
    location: Mapped[str] = mapped_column(String(200), default="")
    exposure: Mapped[str] = mapped_column(String(20), default="internal")
    owner_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)

    owner_team: Mapped[Team | None] = relationship(lazy="joined")
    services: Mapped[list[Service]] = relationship(
        secondary="asset_services", lazy="selectin", order_by="Service.name"
    )
    software: Mapped[list[InstalledSoftware]] = relationship(
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="(InstalledSoftware.product, InstalledSoftware.version)",
    )


class AssetService(Base):
    __tablename__ = "asset_services"

    asset_id: Mapped[int] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class InstalledSoftware(Base):
    __tablename__ = "installed_software"
    __table_args__ = (
        UniqueConstraint("asset_id", "product", "version"),
        Index("ix_installed_software_product", "product"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    product: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100))
    purl: Mapped[str | None] = mapped_column(String(500))


class LifecycleCycle(Base):
    """One release cycle of a product, in the endoflife.date sense (``openssl`` ``1.0.1``).

    ``eol``/``support`` hold the date end of life / end of active support comes when one is
    known; ``eol_flag``/``support_flag`` say whether it has already come when the source gives
    no date (``"eol": true``)."""

    __tablename__ = "lifecycle_cycles"
    __table_args__ = (UniqueConstraint("product", "cycle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product: Mapped[str] = mapped_column(String(200))
    cycle: Mapped[str] = mapped_column(String(100))
    release_date: Mapped[date | None] = mapped_column(Date)
    support: Mapped[date | None] = mapped_column(Date)
    support_flag: Mapped[bool | None] = mapped_column()
    eol: Mapped[date | None] = mapped_column(Date)
    eol_flag: Mapped[bool | None] = mapped_column()
    latest: Mapped[str | None] = mapped_column(String(100))


class Vendor(Base):
    __tablename__ = "vendors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    portal_url: Mapped[str] = mapped_column(String(500), default="")


class Contact(Base):
    """Someone outside the staff list the plan may need: an executive, legal, PR, a vendor's
    engineer, a delivery partner, a customer's contact."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("name", "organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    plan_role: Mapped[str] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(50))
    notes: Mapped[str] = mapped_column(Text, default="")
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id", ondelete="SET NULL"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))


class Contract(Base):
    __tablename__ = "contracts"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(100), unique=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(String(100), default="")
    hours: Mapped[str] = mapped_column(String(20), default="business")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    products: Mapped[list[str]] = mapped_column(JSON, default=list)

    vendor: Mapped[Vendor] = relationship(lazy="joined")
    assets: Mapped[list[Asset]] = relationship(
        secondary="contract_assets", lazy="selectin", order_by="Asset.hostname"
    )
    escalation: Mapped[list[Contact]] = relationship(
        secondary="contract_contacts", lazy="selectin", order_by="Contact.name"
    )


class ContractAsset(Base):
    __tablename__ = "contract_assets"

    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contracts.id", ondelete="CASCADE"), primary_key=True
    )
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ContractContact(Base):
    __tablename__ = "contract_contacts"

    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contracts.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    tier: Mapped[int] = mapped_column(default=3)

    slas: Mapped[list[CustomerSla]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="CustomerSla.service_id"
    )
    contacts: Mapped[list[Contact]] = relationship(lazy="selectin", order_by="Contact.name")


class CustomerSla(Base):
    """A customer uses a service under these terms."""

    __tablename__ = "customer_slas"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    availability_target: Mapped[float | None] = mapped_column()
    response_minutes: Mapped[int | None] = mapped_column()
    penalty_terms: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service] = relationship(lazy="joined")


class ReadinessRun(Base):
    __tablename__ = "readiness_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    score: Mapped[int] = mapped_column()
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
