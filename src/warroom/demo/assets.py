"""Kestrel's assets and the software on them, and the lifecycle of their antivirus engine.

Chicago hosts the data centre, Memphis and Dortmund the warehouses. Servers run Debian 13 with
OpenSSL 3.5 and nginx 1.28, whose shipped lifecycles stay supported for years, so the only
end-of-life software is what the plan plants: antivirus engine 8.5 on six sales application
servers, Ubuntu 20.04 with OpenSSL 1.1.1 on the internet-facing shop-web-04, and the older
servers of ``legacy.py`` that the Heartbleed walk-through finds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from warroom.catalog.assets import do_save_asset
from warroom.catalog.rules import AssetKind, Exposure
from warroom.catalog.schemas import AssetIn, SoftwareIn

# Not in the shipped lifecycle data: the demo imports its cycles itself.
AV_PRODUCT = "sentinel-av-engine"
AV_OLD, AV_CURRENT = "8.5.0", "9.2.4"
OLD_AV_HOSTS = tuple(f"sos-app-{n:02d}" for n in range(1, 7))
LEGACY_SHOP_HOST = "shop-web-04"
UNTRACKED_HOST = "label-print-01"

BASE = (("debian", "13.1"), ("openssl", "3.5.1"))
WEB = (*BASE, ("nginx", "1.28.0"))
DB = (*BASE, ("postgresql", "17.6"))
AV = ((AV_PRODUCT, AV_CURRENT),)


def av_lifecycle(today: date) -> list[dict[str, Any]]:
    """endoflife.date v0 cycles for the antivirus engine: 8.5 ended about seven months ago,
    9.0 is in its last year, 9.2 is current."""

    def day(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    return [
        {"cycle": "9.2", "releaseDate": day(-240), "support": day(480), "eol": day(850),
         "latest": AV_CURRENT},
        {"cycle": "9.0", "releaseDate": day(-700), "support": day(-240), "eol": day(150),
         "latest": "9.0.7"},
        {"cycle": "8.5", "releaseDate": day(-1400), "support": day(-580), "eol": day(-210),
         "latest": "8.5.3"},
    ]  # fmt: skip


@dataclass(frozen=True)
class Host:
    hostname: str
    services: tuple[str, ...]
    team: str
    location: str
    software: tuple[tuple[str, str], ...] = ()
    kind: AssetKind = AssetKind.server
    exposure: Exposure = Exposure.internal
    ips: tuple[str, ...] = ()
    environment: str = "production"
    tags: tuple[str, ...] = field(default=())
    aliases: tuple[str, ...] = ()


PUBLIC, TOOL = Exposure.internet_facing, Exposure.internal_tool
CHI, MEM, DOR = "Chicago DC1", "Memphis DC", "Dortmund warehouse"
SALES, OPS, NET, DBA = "Sales Apps Development", "Operations", "Network", "Database"


def _sales_servers() -> list[Host]:
    return [
        Host(
            f"sos-app-{n:02d}",
            ("sales-ordering",),
            SALES,
            CHI,
            (*WEB, (AV_PRODUCT, AV_OLD if n <= len(OLD_AV_HOSTS) else AV_CURRENT)),
            ips=(f"10.20.1.{10 + n}",),
            tags=("pci",),
        )
        for n in range(1, 11)
    ]


def _shop_servers() -> list[Host]:
    legacy = (("ubuntu", "20.04"), ("openssl", "1.1.1f"), ("nginx", "1.28.0"), *AV)
    return [
        Host(
            f"shop-web-{n:02d}",
            ("web-shop",),
            SALES,
            CHI,
            legacy if f"shop-web-{n:02d}" == LEGACY_SHOP_HOST else (*WEB, *AV),
            exposure=PUBLIC,
            ips=(f"198.51.100.{20 + n}",),
            tags=("dmz", "pci"),
        )
        for n in range(1, 5)
    ]


def _handhelds() -> list[Host]:
    sites = (("mem", MEM, 8, "10.40.8"), ("dor", DOR, 4, "10.60.8"))
    return [
        Host(
            f"wh-scan-{code}-{n:02d}",
            ("warehouse-mgmt",),
            OPS,
            where,
            AV,
            kind=AssetKind.endpoint,
            ips=(f"{net}.{100 + n}",),
            tags=("handheld",),
        )
        for code, where, count, net in sites
        for n in range(1, count + 1)
    ]


def _network() -> list[Host]:
    def gear(name: str, where: str, ip: str, exposure: Exposure = Exposure.internal) -> Host:
        return Host(
            name,
            ("core-network",),
            NET,
            where,
            kind=AssetKind.network,
            ips=(ip,),
            exposure=exposure,
        )

    return [
        gear("core-sw-chi-01", CHI, "10.20.0.2"),
        gear("core-sw-chi-02", CHI, "10.20.0.3"),
        gear("fw-chi-01", CHI, "198.51.100.1", PUBLIC),
        gear("fw-dor-01", DOR, "203.0.113.1", PUBLIC),
        gear("vpn-gw-01", CHI, "198.51.100.2", PUBLIC),
        gear("wlc-mem-01", MEM, "10.40.0.5"),
    ]  # fmt: skip


H = Host


def _others() -> list[Host]:
    return [
        H("sos-db-01", ("order-db",), DBA, CHI, (*DB, *AV), ips=("10.20.2.11",),
          aliases=("order-db-primary",)),
        H("sos-db-02", ("order-db",), DBA, CHI, (*DB, *AV), ips=("10.20.2.12",),
          aliases=("order-db-replica",)),
        H("pay-gw-01", ("payments-gateway",), SALES, CHI, (*WEB, *AV), ips=("10.20.3.11",),
          tags=("pci",)),
        H("pay-gw-02", ("payments-gateway",), SALES, CHI, (*WEB, *AV), ips=("10.20.3.12",),
          tags=("pci",)),
        H("pricing-app-01", ("pricing-catalogue",), SALES, CHI, (*WEB, *AV), ips=("10.20.4.11",)),
        H("pricing-app-02", ("pricing-catalogue",), SALES, CHI, (*WEB, *AV), ips=("10.20.4.12",)),
        H("kestrel-idp-tenant", ("identity-sso",), "Identity", "SaaS (EU region)",
          kind=AssetKind.saas, exposure=PUBLIC, aliases=("login.kestrel-supply.example",)),
        H("idp-proxy-01", ("identity-sso",), "Identity", CHI, (*WEB, *AV), ips=("10.20.5.11",)),
        H("erp-app-01", ("erp-inventory",), OPS, CHI, (("windows-server", "2022"), *AV),
          ips=("10.20.6.11",)),
        H("erp-db-01", ("erp-inventory",), DBA, CHI, (*DB, *AV), ips=("10.20.6.12",)),
        H("wms-app-01", ("warehouse-mgmt",), OPS, MEM, (*WEB, *AV), ips=("10.40.1.11",)),
        H("wms-app-02", ("warehouse-mgmt",), OPS, DOR, (*WEB, *AV), ips=("10.60.1.11",)),
        H(UNTRACKED_HOST, ("shipping-labels",), OPS, MEM,
          (*BASE, ("labelforge-server", "4.1.2"), *AV), ips=("10.40.1.21",)),
        H("edi-gw-01", ("edi-partner-feed",), SALES, CHI, (*WEB, *AV),
          exposure=PUBLIC, ips=("198.51.100.30",)),
        H("mail-relay-01", ("email-relay",), OPS, CHI, (*BASE, *AV),
          exposure=PUBLIC, ips=("198.51.100.40",)),
        H("mail-relay-02", ("email-relay",), OPS, DOR, (*BASE, *AV),
          exposure=PUBLIC, ips=("203.0.113.40",)),
        H("bi-app-01", ("bi-reporting",), DBA, CHI, (*DB, *AV), ips=("10.20.7.11",)),
        H("kestrel-servicedesk", ("service-desk-portal",), "Service Desk", "SaaS (US region)",
          kind=AssetKind.saas, exposure=PUBLIC),
        H("wiki-01", ("internal-wiki",), "Service Desk", CHI, (*WEB, *AV),
          exposure=TOOL, ips=("10.20.8.11",)),
        H("recsys-lab-01", ("price-recommender-beta",), SALES, CHI, (("python", "3.12"),),
          kind=AssetKind.container, environment="staging"),
        H("ops-jump-01", (), OPS, CHI, (*BASE, *AV), exposure=TOOL,
          ips=("10.20.9.11",), tags=("bastion",)),
        H("mon-01", (), OPS, CHI, (*WEB, *AV), exposure=TOOL, ips=("10.20.9.12",)),
    ]  # fmt: skip


def hosts() -> list[Host]:
    return [*_sales_servers(), *_shop_servers(), *_others(), *_network(), *_handhelds()]


def load_assets(*, session: Session) -> None:
    for host in hosts():
        data = AssetIn(
            hostname=host.hostname,
            aliases=list(host.aliases),
            ips=list(host.ips),
            kind=host.kind,
            environment=host.environment,
            location=host.location,
            exposure=host.exposure,
            services=list(host.services),
            owner_team=host.team,
            tags=list(host.tags),
            software=[SoftwareIn(product=p, version=v) for p, v in host.software],
        )
        do_save_asset(session=session, data=data)
