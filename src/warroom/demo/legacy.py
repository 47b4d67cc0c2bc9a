"""Kestrel's older servers, still running the OpenSSL they were built with: the estate the
Heartbleed walk-through works through (``advisories/heartbleed.osv.json``, opened with
``warroom vulns open``).

Under the default patch policy, with Heartbleed known exploited, the affected ones fall in three
tiers: the management tools (tier 1), the internet-facing EDI gateway (tier 4) and the
internal warehouse and label servers (tier 7). One of those, wms-edge-dor-01, runs the
warehouse system in Dortmund, where the demo's scanner outage is still open: a patch window
over it shows the conflict. Five hosts are not affected: OpenSSL 1.0.1g (the fix), 1.0.0t and
0.9.8y (before the heartbeat code), and Debian 7's 1.0.1e-2+deb7u5 (the fix, backported)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from sqlalchemy.orm import Session

from warroom.catalog.assets import do_save_asset
from warroom.catalog.rules import Exposure
from warroom.catalog.schemas import AssetIn, SoftwareIn

HEARTBLEED = files("warroom.demo") / "advisories" / "heartbleed.osv.json"
WHEEZY = "pkg:deb/debian/openssl@1.0.1e-2%2Bdeb7u{}?distro=wheezy"
TOOL, PUBLIC, INTERNAL = Exposure.internal_tool, Exposure.internet_facing, Exposure.internal


@dataclass(frozen=True)
class LegacyHost:
    hostname: str
    exposure: Exposure
    services: tuple[str, ...]
    team: str
    location: str
    ip: str
    openssl: str
    purl: str | None = None
    os: tuple[str, str] = ("centos", "6.5")


CHI, MEM, DOR = "Chicago DC1", "Memphis DC", "Dortmund warehouse"
L = LegacyHost
LEGACY = (
    L("kvm-mgmt-01", TOOL, (), "Operations", CHI, "10.20.9.21", "1.0.1e"),
    L("backup-console-01", TOOL, (), "Operations", CHI, "10.20.9.22", "1.0.2-beta1"),
    L("edi-as2-legacy-01", PUBLIC, ("edi-partner-feed",), "Sales Apps Development", CHI,
      "198.51.100.31", "1.0.1f"),
    L("edi-as2-legacy-02", PUBLIC, ("edi-partner-feed",), "Sales Apps Development", CHI,
      "198.51.100.32", "1.0.1g"),
    L("wms-edge-dor-01", INTERNAL, ("warehouse-mgmt",), "Operations", DOR, "10.60.1.21",
      "1.0.1e-2+deb7u4", WHEEZY.format(4), ("debian", "7.4")),
    L("wms-edge-mem-01", INTERNAL, ("warehouse-mgmt",), "Operations", MEM, "10.40.1.31",
      "1.0.1e-2+deb7u5", WHEEZY.format(5), ("debian", "7.4")),
    L("label-legacy-01", INTERNAL, ("shipping-labels",), "Operations", MEM, "10.40.1.22",
      "1.0.1c"),
    L("erp-report-01", INTERNAL, ("erp-inventory",), "Database", CHI, "10.20.6.21", "1.0.0t"),
    L("bi-extract-01", INTERNAL, ("bi-reporting",), "Database", CHI, "10.20.7.21", "0.9.8y"),
)  # fmt: skip


def load_legacy(*, session: Session) -> None:
    for host in LEGACY:
        software = [
            SoftwareIn(product=host.os[0], version=host.os[1]),
            SoftwareIn(product="openssl", version=host.openssl, purl=host.purl),
        ]
        data = AssetIn(
            hostname=host.hostname,
            ips=[host.ip],
            location=host.location,
            exposure=host.exposure,
            services=list(host.services),
            owner_team=host.team,
            tags=["legacy"],
            software=software,
        )
        do_save_asset(session=session, data=data)
