"""Request and response bodies for services, assets, lifecycles and derived views."""

from __future__ import annotations

import ipaddress
from datetime import date
from typing import Annotated, Any

from packageurl import PackageURL
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from warroom.catalog.rules import AssetKind, Cover, Exposure, Support

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Host = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        min_length=1,
        max_length=255,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-_]*$",
    ),
]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


def _ip(value: str) -> str:
    return str(ipaddress.ip_address(value.strip()))


def _purl(value: str | None) -> str | None:
    if value is None:
        return None
    return PackageURL.from_string(value.strip()).to_string()


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServiceIn(Strict):
    name: Name
    tier: int = Field(default=3, ge=1, le=4, description="1 business-critical … 4 experimental")
    owner_team: str | None = None
    description: str = Field(default="", max_length=20_000)
    runbook: str = Field(default="", max_length=50_000, description="Markdown, or a URL")
    depends_on: list[Name] = Field(default_factory=list, max_length=200)


class ServicePatch(Strict):
    tier: int | None = Field(default=None, ge=1, le=4)
    owner_team: str | None = None
    description: str | None = Field(default=None, max_length=20_000)
    runbook: str | None = Field(default=None, max_length=50_000)
    depends_on: list[Name] | None = Field(default=None, max_length=200)


class ServiceOut(BaseModel):
    id: int
    name: str
    tier: int
    owner_team: str | None
    description: str = ""
    runbook: str = ""
    depends_on: list[str] = Field(default_factory=list)
    used_by: list[str] = Field(default_factory=list)


class SoftwareIn(Strict):
    product: Label
    version: Label
    purl: Annotated[str | None, AfterValidator(_purl)] = None


class AssetIn(Strict):
    hostname: Host
    aliases: list[Host] = Field(default_factory=list, max_length=50)
    ips: list[Annotated[str, AfterValidator(_ip)]] = Field(default_factory=list, max_length=50)
    kind: AssetKind = AssetKind.server
    environment: Label = "production"
    location: str = Field(default="", max_length=200)
    exposure: Exposure = Exposure.internal
    services: list[Name] = Field(default_factory=list, max_length=100)
    owner_team: str | None = None
    tags: list[Label] = Field(default_factory=list, max_length=50)
    software: list[SoftwareIn] = Field(default_factory=list, max_length=500)


class AssetPatch(Strict):
    aliases: list[Host] | None = None
    ips: list[Annotated[str, AfterValidator(_ip)]] | None = None
    kind: AssetKind | None = None
    environment: Label | None = None
    location: str | None = Field(default=None, max_length=200)
    exposure: Exposure | None = None
    services: list[Name] | None = None
    owner_team: str | None = None
    tags: list[Label] | None = None
    software: list[SoftwareIn] | None = None


class SoftwareOut(BaseModel):
    product: str
    version: str
    purl: str | None
    support: Support
    cycle: str | None
    eol: date | None
    days_left: int | None
    latest: str | None


class CoverageOut(BaseModel):
    status: Cover
    contracts: list[str]
    expired: list[str]
    uncovered_products: list[str]


class AssetOut(BaseModel):
    id: int
    hostname: str
    aliases: list[str]
    ips: list[str]
    kind: AssetKind
    environment: str
    location: str
    exposure: Exposure
    services: list[str]
    owner_team: str | None
    tags: list[str]
    software: list[SoftwareOut]
    coverage: CoverageOut


class SlaOut(BaseModel):
    customer: str
    service: str
    availability_target: float | None
    response_minutes: int | None
    penalty_terms: str


class BlastRadiusOut(BaseModel):
    subject: str
    services: list[str]
    assets: list[str]
    customers: list[str]
    slas: list[SlaOut]


class LifecycleImport(Strict):
    product: Label
    data: Any = Field(description="An endoflife.date product document (API v0 list or v1)")


class CycleOut(BaseModel):
    product: str
    cycle: str
    release_date: date | None
    support: date | None
    support_ended: bool | None
    eol: date | None
    eol_reached: bool | None
    latest: str | None
