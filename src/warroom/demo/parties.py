"""Kestrel's vendors, support contracts, outside contacts and key-account customers.

Planted for the readiness report: the antivirus vendor's contract, the only one covering the
sales application servers, ended about three months before ``today`` and was never renewed,
and the network maintenance contract ends in three weeks. Phone numbers use reserved fictional
ranges and mail goes to ``.example`` domains.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from warroom.catalog.parties import (
    do_save_contact,
    do_save_contract,
    do_save_customer,
    do_save_vendor,
)
from warroom.catalog.parties_schemas import (
    ContactIn,
    ContractIn,
    CustomerIn,
    PlanRole,
    SlaIn,
    SupportHours,
    VendorIn,
)
from warroom.catalog.rules import AssetKind
from warroom.demo.assets import AV_PRODUCT, hosts
from warroom.demo.org import COMPANY, DOMAIN

AV_VENDOR = "Sentinel Shield Security"
AV_CONTRACT = "SSS-2023-0417"
AV_EXPIRED_DAYS = 95  # how long before ``today`` the antivirus contract ended
NETWORK_CONTRACT = "MN-MAINT-7781"
NETWORK_ENDS_IN = 21  # days: inside the readiness report's 30-day warning

VENDORS = (
    VendorIn(name=AV_VENDOR, portal_url="https://support.sentinelshield.example"),
    VendorIn(name="Elephant Data Services", portal_url="https://portal.elephantdata.example"),
    VendorIn(name="Meridian Networks", portal_url="https://care.meridian-networks.example"),
    VendorIn(name="Lakeshore Cloud Hosting", portal_url="https://my.lakeshore-hosting.example"),
    VendorIn(name="Harbor Mobility", portal_url="https://service.harbor-mobility.example"),
)


def _person(
    name: str, org: str, role: PlanRole, email: str, phone: str, notes: str = "", **links: str
) -> ContactIn:
    return ContactIn(
        name=name, organisation=org, plan_role=role, email=email, phone=phone, notes=notes,
        **links,
    )  # fmt: skip


PR = PlanRole
CONTACTS = (
    _person("Catherine Holloway", COMPANY, PR.executive, f"catherine.holloway@{DOMAIN}",
            "+1 312 555 0101", "Chief Executive Officer; approves customer notification in a SEV1"),
    _person("Robert Lindqvist", COMPANY, PR.executive, f"robert.lindqvist@{DOMAIN}",
            "+1 312 555 0102", "Chief Financial Officer; owns SLA penalties and insurance claims"),
    _person("Naomi Fletcher", COMPANY, PR.comms, f"naomi.fletcher@{DOMAIN}",
            "+1 312 555 0109", "Head of Corporate Communications; status page and customer mail"),
    _person("Amelia Strand", "Strand & Becker LLP", PR.legal, "astrand@strandbecker.example",
            "+1 312 555 0177", "Outside counsel: contracts, breach notification duties"),
    _person("Leo Martins", "Brightwater Communications", PR.pr, "leo@brightwater-pr.example",
            "+1 312 555 0188", "PR agency; press statements within 2 hours, any day"),
    _person("Arjun Kapoor", "Tessellate Consulting", PR.delivery_partner,
            "arjun.kapoor@tessellate.example", "+91 20 5555 0111",
            "Built the web shop; on retainer for sales-ordering changes"),
    _person("Viktor Hale", AV_VENDOR, PR.vendor_engineer, "v.hale@sentinelshield.example",
            "+1 650 555 0143", "Escalation engineer for the antivirus engine", vendor=AV_VENDOR),
    _person("Ingrid Solberg", "Elephant Data Services", PR.vendor_engineer,
            "ingrid@elephantdata.example", "+44 20 7946 0555", "PostgreSQL support engineer",
            vendor="Elephant Data Services"),
    _person("Dev Patel", "Meridian Networks", PR.vendor_engineer,
            "dpatel@meridian-networks.example", "+1 901 555 0150", "Network TAC lead for Kestrel",
            vendor="Meridian Networks"),
    _person("Carla Jimenez", "Lakeshore Cloud Hosting", PR.vendor_engineer,
            "carla.jimenez@lakeshore-hosting.example", "+1 312 555 0160",
            "Technical account manager, Chicago DC1", vendor="Lakeshore Cloud Hosting"),
    _person("Tom Reilly", "Harbor Mobility", PR.vendor_engineer, "treilly@harbor-mobility.example",
            "+1 901 555 0171", "Handheld repair and replacement", vendor="Harbor Mobility"),
)  # fmt: skip


@dataclass(frozen=True)
class DemoContract:
    number: str
    vendor: str
    escalation: str  # contact name
    level: str
    hours: SupportHours
    starts: int  # days from today
    ends: int
    products: tuple[str, ...] = ()
    assets: tuple[str, ...] = ()


def _hostnames(kind: AssetKind) -> tuple[str, ...]:
    return tuple(h.hostname for h in hosts() if h.kind == kind)


def _sales_servers() -> tuple[str, ...]:
    return tuple(h.hostname for h in hosts() if h.hostname.startswith("sos-app-"))


def _hosted() -> tuple[str, ...]:
    # The sales application servers are Kestrel's own machines in its Chicago cage, not
    # hosted ones: the antivirus vendor's contract was the only support they had.
    return tuple(h for h in _hostnames(AssetKind.server) if h not in _sales_servers())


C = DemoContract


def _contracts() -> tuple[DemoContract, ...]:
    around, business = SupportHours.around_the_clock, SupportHours.business
    databases = ("sos-db-01", "sos-db-02", "erp-db-01", "bi-app-01")
    return (
        C(AV_CONTRACT, AV_VENDOR, "Viktor Hale", "Enterprise Gold", around,
          -3 * 365 - AV_EXPIRED_DAYS, -AV_EXPIRED_DAYS, products=(AV_PRODUCT,),
          assets=_sales_servers()),
        C("EDS-PG-2291", "Elephant Data Services", "Ingrid Solberg", "Premium", around, -200, 530,
          products=("postgresql",), assets=databases),
        C(NETWORK_CONTRACT, "Meridian Networks", "Dev Patel", "Next business day + TAC",
          business, -365 + NETWORK_ENDS_IN, NETWORK_ENDS_IN,
          assets=_hostnames(AssetKind.network)),
        C("LCH-COLO-1150", "Lakeshore Cloud Hosting", "Carla Jimenez",
          "Managed hosting and remote hands", around, -400, 330,
          assets=_hosted()),
        C("HM-CARE-0932", "Harbor Mobility", "Tom Reilly", "Device care", business, -160, 200,
          assets=_hostnames(AssetKind.endpoint)),
    )  # fmt: skip


def _sla(service: str, target: float, minutes: int, penalty: str = "") -> SlaIn:
    return SlaIn(
        service=service, availability_target=target, response_minutes=minutes,
        penalty_terms=penalty,
    )  # fmt: skip


CREDIT = "Service credit of 5% of the monthly fee per 0.1% below target, capped at 25%"
CUSTOMERS = (
    (CustomerIn(name="Great Lakes Fabrication", tier=1, slas=[
        _sla("sales-ordering", 99.9, 30, CREDIT),
        _sla("web-shop", 99.5, 60, CREDIT),
        _sla("edi-partner-feed", 99.5, 60),
     ]), ("Megan Doyle", "megan.doyle@greatlakesfab.example", "+1 216 555 0140")),
    (CustomerIn(name="Ohio Valley Builders Co-op", tier=1, slas=[
        _sla("web-shop", 99.9, 30, "10% credit per hour of checkout outage beyond 2 hours"),
        _sla("sales-ordering", 99.9, 30, CREDIT),
     ]), ("Luis Ferreira", "lferreira@ovbuilders.example", "+1 614 555 0119")),
    (CustomerIn(name="Rhine-Ruhr Anlagenbau GmbH", tier=2, slas=[
        _sla("edi-partner-feed", 99.5, 120,
             "Contractual penalty of EUR 2,000 per day of late shipment caused by an EDI outage"),
        _sla("warehouse-mgmt", 99.0, 240),
     ]), ("Katrin Vogel", "k.vogel@rr-anlagenbau.example", "+49 231 555 0177")),
    (CustomerIn(name="Midwest Rail Maintenance", tier=2, slas=[
        _sla("sales-ordering", 99.5, 60, "Credit of 2% of monthly spend per breach"),
        _sla("shipping-labels", 99.0, 240),
     ]), ("Darnell Brooks", "dbrooks@mwrail.example", "+1 312 555 0199")),
    (CustomerIn(name="Sunbelt Facilities Group", tier=3, slas=[
        _sla("web-shop", 99.0, 240),
     ]), ("Rosa Alvarez", "rosa.alvarez@sunbeltfg.example", "+1 713 555 0124")),
)  # fmt: skip


def load_parties(*, session: Session, today: date) -> None:
    for vendor in VENDORS:
        do_save_vendor(session=session, data=vendor)
    ids = {c.name: do_save_contact(session=session, data=c).id for c in CONTACTS}
    for c in _contracts():
        data = ContractIn(
            number=c.number,
            vendor=c.vendor,
            products=list(c.products),
            assets=list(c.assets),
            level=c.level,
            hours=c.hours,
            starts_on=today + timedelta(days=c.starts),
            ends_on=today + timedelta(days=c.ends),
            escalation_contacts=[ids[c.escalation]],
        )
        do_save_contract(session=session, data=data)
    _customers(session)


def _customers(session: Session) -> None:
    for customer, (name, email, phone) in CUSTOMERS:
        do_save_customer(session=session, data=customer)
        contact = ContactIn(
            name=name,
            organisation=customer.name,
            plan_role=PlanRole.customer_contact,
            email=email,
            phone=phone,
            notes=f"Key-account contact, tier {customer.tier}",
            customer=customer.name,
        )
        do_save_contact(session=session, data=contact)
