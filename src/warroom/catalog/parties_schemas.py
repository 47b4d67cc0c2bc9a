"""Request and response bodies for the parties of the plan: vendors, support contracts,
outside contacts and customers with their per-service SLAs.

Each ``*In`` body is the whole of one record, so a declarative plan can be applied by saving
it as it stands; each ``*Patch`` body holds only the fields to change and is merged into the
stored record's ``*In`` before the merged record is validated again."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from warroom.access.schemas import Email

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Organisation = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Url = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^(https?://\S+)?$")
]
Number = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Level = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Hostname = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
# Products are matched against installed software and lifecycles, which use lower-case names.
Product = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=200)
]

PORTAL_URL = "The vendor's support portal, http(s); empty when there is none"
PRODUCTS = "Covered products, lower-cased as in the software inventory: openssl, mcafee-engine"
ASSETS = "Covered assets, by hostname"
ESCALATION = (
    "Ids of the contacts to escalate to under this contract (see GET /api/v1/contacts). "
    "Ids, not names, because two contacts may share a name in different organisations."
)
VENDOR_REF = "The vendor this person works for, by name"
CUSTOMER_REF = "The customer this person speaks for, by name"
SLAS = "The customer's SLAs, one per service; a PATCH replaces the whole list"


class PlanRole(StrEnum):
    """What the plan may need someone outside the staff list for."""

    executive = "executive"
    legal = "legal"
    pr = "pr"
    comms = "comms"
    vendor_engineer = "vendor_engineer"
    delivery_partner = "delivery_partner"
    customer_contact = "customer_contact"
    other = "other"


class SupportHours(StrEnum):
    around_the_clock = "24x7"
    business = "business"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VendorIn(Strict):
    name: Name
    portal_url: Url = Field(default="", description=PORTAL_URL)


class VendorPatch(Strict):
    name: Name | None = None
    portal_url: Url | None = Field(default=None, description=PORTAL_URL)


class ContractIn(Strict):
    number: Number
    vendor: Name = Field(description="The vendor, by name")
    products: list[Product] = Field(default_factory=list, max_length=500, description=PRODUCTS)
    assets: list[Hostname] = Field(default_factory=list, max_length=5000, description=ASSETS)
    level: Level = Field(default="", description="The support level, as the vendor names it")
    hours: SupportHours = SupportHours.business
    starts_on: date
    ends_on: date
    escalation_contacts: list[int] = Field(
        default_factory=list, max_length=100, description=ESCALATION
    )

    @field_validator("products")
    @classmethod
    def _unique_products(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @field_validator("ends_on")
    @classmethod
    def _after_start(cls, value: date, info: ValidationInfo) -> date:
        starts_on = info.data.get("starts_on")
        if starts_on is not None and value < starts_on:
            raise ValueError(f"must be on or after starts_on ({starts_on.isoformat()})")
        return value


class ContractPatch(Strict):
    number: Number | None = None
    vendor: Name | None = None
    products: list[Product] | None = Field(default=None, max_length=500, description=PRODUCTS)
    assets: list[Hostname] | None = Field(default=None, max_length=5000, description=ASSETS)
    level: Level | None = None
    hours: SupportHours | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    escalation_contacts: list[int] | None = Field(default=None, max_length=100)


class ContactIn(Strict):
    name: Name
    organisation: Organisation = ""
    plan_role: PlanRole
    email: Email | None = None
    phone: Phone | None = None
    notes: Notes = ""
    vendor: Name | None = Field(default=None, description=VENDOR_REF)
    customer: Name | None = Field(default=None, description=CUSTOMER_REF)


class ContactPatch(Strict):
    name: Name | None = None
    organisation: Organisation | None = None
    plan_role: PlanRole | None = None
    email: Email | None = None
    phone: Phone | None = None
    notes: Notes | None = None
    vendor: Name | None = Field(default=None, description=VENDOR_REF + "; null detaches")
    customer: Name | None = Field(default=None, description=CUSTOMER_REF + "; null detaches")


class SlaIn(Strict):
    service: Name = Field(description="The service, by name")
    availability_target: float | None = Field(
        default=None, gt=0, le=100, allow_inf_nan=False, description="Percent, e.g. 99.95"
    )
    response_minutes: int | None = Field(default=None, gt=0, le=525_600)
    penalty_terms: Notes = ""


class CustomerIn(Strict):
    name: Name
    tier: int = Field(default=3, ge=1, le=4, description="1 most important … 4 least")
    slas: list[SlaIn] = Field(default_factory=list, max_length=500, description=SLAS)


class CustomerPatch(Strict):
    name: Name | None = None
    tier: int | None = Field(default=None, ge=1, le=4)
    slas: list[SlaIn] | None = Field(default=None, max_length=500, description=SLAS)


class ContactBrief(BaseModel):
    id: int
    name: str
    organisation: str
    plan_role: PlanRole
    email: str | None
    phone: str | None


class ContactOut(ContactBrief):
    notes: str
    vendor: str | None
    customer: str | None


class VendorOut(BaseModel):
    id: int
    name: str
    portal_url: str
    contacts: list[ContactBrief]
    contracts: list[str] = Field(description="Contract numbers")


class ContractOut(BaseModel):
    id: int
    number: str
    vendor: str
    products: list[str]
    assets: list[str]
    level: str
    hours: SupportHours
    starts_on: date
    ends_on: date
    escalation_contacts: list[ContactBrief]


class SlaOut(BaseModel):
    service: str
    availability_target: float | None
    response_minutes: int | None
    penalty_terms: str


class CustomerOut(BaseModel):
    id: int
    name: str
    tier: int
    slas: list[SlaOut]
    contacts: list[ContactBrief]
