"""Kestrel's continuity plan as data: what each service is, how to run it, what it needs, and
the assets, vendors, contracts, contacts and customers around it (``assets.py``,
``parties.py``).

The plan is honest rather than perfect, so the readiness report has something to find:
sales-ordering, a tier-1 service, has no runbook; six of the ten sales application servers
still run antivirus engine 8.5, which reached end of life; the antivirus vendor's support
contract ran out months ago; an internet-facing web-shop host runs an old OpenSSL; a label
server runs software nobody tracks; and the network maintenance contract ends within weeks.
Every date is relative to the ``now`` the loader is given, so the story stays true whenever the
demo is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from warroom.catalog.lifecycles import do_import_lifecycle, do_import_shipped
from warroom.catalog.schemas import ServiceIn
from warroom.catalog.service import access_service, do_save_service
from warroom.demo.assets import AV_PRODUCT, av_lifecycle, load_assets
from warroom.demo.org import SERVICES
from warroom.demo.parties import load_parties

WIKI = "https://wiki.kestrel-supply.example/runbooks"


@dataclass(frozen=True)
class ServicePlan:
    description: str
    runbook: str
    depends_on: tuple[str, ...] = ()


PAYMENTS_RUNBOOK = """\
# payments-gateway

1. Check the PSP status page (https://status.psp.example) before touching anything.
2. `systemctl status payments-gw` on pay-gw-01 and pay-gw-02; both should be active.
3. Card authorisations failing on one node only: drain it at the load balancer.
4. Failing on both: switch the acquirer profile to the fallback in the admin console and
   page the Sales Apps Development on-call.
5. Never replay captures by hand: reconciliation runs at 02:00 and catches up.
"""

ORDER_DB_RUNBOOK = """\
# order-db (PostgreSQL 17, sos-db-01 primary, sos-db-02 streaming replica)

- Replication lag: `SELECT now() - pg_last_xact_replay_timestamp();` on sos-db-02.
- Primary down: promote with `pg_ctl promote` on sos-db-02, move the `order-db` DNS alias,
  then restart the sales-ordering application servers one at a time.
- Disk above 85 %: archive WAL first, never delete files under pg_wal.
- Escalate to the database support vendor (contract in the catalog) for data corruption.
"""

SSO_RUNBOOK = """\
# identity-sso

- Sign-in failing for everyone: check the identity provider tenant's status page.
- Failing only on site: check idp-proxy-01 and the clock (SAML rejects skew over 3 minutes).
- Break-glass admin accounts are in the vault entry "IdP break-glass"; using one is a SEV2.
"""

NETWORK_RUNBOOK = """\
# core-network

- WAN down at a site: check the carrier circuit in the network vendor's portal, then fail
  over to the LTE backup on the site firewall.
- VPN: vpn-gw-01 carries remote staff; restart the tunnel service before the box.
- Warehouse Wi-Fi: the controller is wlc-mem-01; handhelds roam back within 2 minutes.
"""

# sales-ordering has no runbook on purpose: the readiness report must find it.
PLANS: dict[str, ServicePlan] = {
    "sales-ordering": ServicePlan(
        "Order entry for inside sales and the web shop: quotes, orders, credit checks.",
        "",
        ("order-db", "identity-sso", "pricing-catalogue", "payments-gateway", "email-relay"),
    ),
    "web-shop": ServicePlan(
        "The public B2B shop at shop.kestrel-supply.example: catalogue, basket, checkout.",
        f"{WIKI}/web-shop",
        ("sales-ordering", "pricing-catalogue", "identity-sso", "core-network"),
    ),
    "payments-gateway": ServicePlan(
        "Card and invoice payments through the payment service provider.",
        PAYMENTS_RUNBOOK,
        ("core-network",),
    ),
    "erp-inventory": ServicePlan(
        "Stock, purchasing and inventory valuation (the ERP).",
        f"{WIKI}/erp-inventory",
        ("identity-sso", "core-network"),
    ),
    "order-db": ServicePlan(
        "The PostgreSQL cluster behind sales-ordering.", ORDER_DB_RUNBOOK, ("core-network",)
    ),
    "identity-sso": ServicePlan(
        "Single sign-on for staff and shop customers (SaaS identity provider).",
        SSO_RUNBOOK,
        ("core-network",),
    ),
    "core-network": ServicePlan(
        "WAN between Chicago, Memphis and Dortmund, the VPN and the warehouse Wi-Fi.",
        NETWORK_RUNBOOK,
    ),
    "warehouse-mgmt": ServicePlan(
        "Warehouse management: picking, packing and the handheld scanners.",
        f"{WIKI}/warehouse-mgmt",
        ("erp-inventory", "shipping-labels", "core-network"),
    ),
    "edi-partner-feed": ServicePlan(
        "AS2 and EDI exchange with carriers and large customers.",
        f"{WIKI}/edi-partner-feed",
        ("sales-ordering", "core-network"),
    ),
    "pricing-catalogue": ServicePlan(
        "Product data and customer-specific price lists.",
        f"{WIKI}/pricing-catalogue",
        ("erp-inventory",),
    ),
    "shipping-labels": ServicePlan(
        "Carrier label printing for Memphis and Dortmund.",
        f"{WIKI}/shipping-labels",
        ("core-network",),
    ),
    "email-relay": ServicePlan(
        "Outbound mail: order confirmations, invoices, alerts.",
        f"{WIKI}/email-relay",
        ("core-network",),
    ),
    "bi-reporting": ServicePlan(
        "Nightly sales and stock reporting.",
        f"{WIKI}/bi-reporting",
        ("order-db", "erp-inventory"),
    ),
    "service-desk-portal": ServicePlan(
        "The staff service desk (SaaS).", f"{WIKI}/service-desk", ("identity-sso",)
    ),
    "internal-wiki": ServicePlan(
        "Staff wiki, where most runbooks live.", f"{WIKI}/internal-wiki", ("identity-sso",)
    ),
    "price-recommender-beta": ServicePlan(
        "Experimental price suggestions for inside sales.",
        "",
        ("pricing-catalogue", "bi-reporting"),
    ),
}


def load_plan(*, session: Session, now: datetime) -> None:
    """The catalog around the demo's services (which must already exist)."""
    do_import_shipped(session=session)
    do_import_lifecycle(session=session, product=AV_PRODUCT, data=av_lifecycle(now.date()))
    _describe_services(session)
    load_assets(session=session)
    load_parties(session=session, today=now.date())


def _describe_services(session: Session) -> None:
    for service in SERVICES:
        plan = PLANS[service.name]
        data = ServiceIn(
            name=service.name,
            tier=service.tier,
            owner_team=service.owner,
            description=plan.description,
            runbook=plan.runbook,
            depends_on=list(plan.depends_on),
        )
        existing = access_service(session=session, name=service.name)
        do_save_service(session=session, data=data, existing=existing)
