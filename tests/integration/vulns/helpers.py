"""The Heartbleed estate, built through the catalog API, and small readers of the answers."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import User
from tests.integration.statuspage.staff_helpers import ok

VULNS = "/api/v1/vulnerabilities"
WHEEZY = "pkg:deb/debian/openssl@{}?distro=wheezy"
# hostname: (exposure, services, openssl version, purl)
ESTATE: dict[str, tuple[str, list[str], str, str | None]] = {
    "web-1": ("internet-facing", ["shop"], "1.0.1", None),
    "web-2": ("internet-facing", ["blog"], "1.0.1f", None),
    "web-3": ("internet-facing", ["shop"], "1.0.1g", None),
    "vpn-1": ("internal-tool", [], "1.0.2-beta1", None),
    "db-1": ("internal", ["shop"], "1.0.0t", None),
    "old-1": ("internal", [], "0.9.8y", None),
    "deb-1": ("internal", ["shop"], "1.0.1e-2+deb7u4", WHEEZY.format("1.0.1e-2%2Bdeb7u4")),
    "deb-2": ("internal", ["blog"], "1.0.1e-2+deb7u5", WHEEZY.format("1.0.1e-2%2Bdeb7u5")),
    "rhel-1": ("internal", [], "1.0.1e-15.el6", "pkg:rpm/redhat/openssl@1.0.1e-15.el6"),
}
HEARTBLEED = {
    "id": "CVE-2014-0160",
    "product": "openssl",
    "affected": ["vers:openssl/>=1.0.1|<=1.0.1f|1.0.2-beta1", "vers:deb/<1.0.1e-2+deb7u5"],
    "fixed": "1.0.1g",
    "summary": "Heartbleed",
}


def build_estate(client: TestClient, admin: User) -> dict[str, int]:
    """Services shop (tier 1) and blog (tier 3), customers Acme (shop) and Globex (blog), and
    the hosts of ``ESTATE``, each with its OpenSSL and an nginx; their ids by hostname."""
    for name, tier in (("shop", 1), ("blog", 3)):
        ok(
            client.post(
                "/api/v1/services", json={"name": name, "tier": tier}, headers=admin.headers
            ),
            201,
        )
    for name, service in (("Acme", "shop"), ("Globex", "blog")):
        customer = {"name": name, "slas": [{"service": service}]}
        ok(client.post("/api/v1/customers", json=customer, headers=admin.headers), 201)
    ids: dict[str, int] = {}
    for hostname, (exposure, services, version, purl) in ESTATE.items():
        software = [
            {"product": "openssl", "version": version, "purl": purl},
            {"product": "nginx", "version": "1.4.6"},
        ]
        body: dict[str, Any] = {
            "hostname": hostname,
            "exposure": exposure,
            "services": services,
            "software": software,
        }
        made = ok(client.post("/api/v1/assets", json=body, headers=admin.headers), 201)
        ids[hostname] = made["id"]
    return ids


def listed(client: TestClient, user: User, ref: str, **params: Any) -> list[tuple[Any, ...]]:
    """(hostname, version, verdict, tier, status) of each record, in the API's order."""
    rows = ok(client.get(f"{VULNS}/{ref}/assets", params=params, headers=user.headers))
    return [(r["hostname"], r["version"], r["verdict"], r["tier"], r["status"]) for r in rows]


def move(client: TestClient, user: User, ref: str, asset_id: int, **body: Any) -> Any:
    return client.patch(f"{VULNS}/{ref}/assets/{asset_id}", json=body, headers=user.headers)
