"""The Heartbleed walk-through on the demo: the shipped OSV document opened against Kestrel's
estate finds the legacy OpenSSL servers in three tiers, leaves the fixed and older ones alone,
reaches customers, and a window over the Dortmund warehouse server meets the open outage."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock
from tests.integration.statuspage.staff_helpers import ok
from tests.integration.vulns.helpers import VULNS
from warroom.access.models import Person
from warroom.access.service import do_create_token
from warroom.db import transaction
from warroom.demo.legacy import HEARTBLEED
from warroom.demo.loader import load_demo


def _headers(app: FastAPI, clock: Clock) -> dict[str, str]:
    with transaction(app.state.sessions) as session:
        load_demo(session=session, now=clock())
        person = session.scalars(
            select(Person).where(Person.email == "priya.raman@kestrel-supply.example")
        ).one()
        token, _ = do_create_token(session=session, person=person, now=clock())
    return {"Authorization": f"Bearer {token}"}


def test_heartbleed_on_the_demo_estate(app: FastAPI, client: TestClient, clock: Clock) -> None:
    headers = _headers(app, clock)
    opened = ok(client.post(VULNS, json=json.loads(HEARTBLEED.read_text()), headers=headers), 201)
    assert (opened["cvss"], opened["known_exploited"]) == (7.5, True)
    rows = ok(client.get(f"{VULNS}/{opened['id']}/assets", headers=headers))
    assert [(r["hostname"], r["version"], r["tier"]) for r in rows] == [
        ("backup-console-01", "1.0.2-beta1", 1),  # management tools first
        ("kvm-mgmt-01", "1.0.1e", 1),
        ("edi-as2-legacy-01", "1.0.1f", 4),  # internet-facing
        ("label-legacy-01", "1.0.1c", 7),  # internal
        ("wms-edge-dor-01", "1.0.1e-2+deb7u4", 7),
    ]
    assert {r["status"] for r in rows} == {"affected"}
    # Not affected: the fix, the versions before the heartbeat code, Debian's backported fix,
    # and every current server (OpenSSL 3.5, and 1.1.1 on the old shop server).
    listed = {r["hostname"] for r in rows}
    assert not listed & {"edi-as2-legacy-02", "erp-report-01", "bi-extract-01",
                         "wms-edge-mem-01", "shop-web-04", "sos-app-01"}  # fmt: skip

    customers = ok(client.get(f"{VULNS}/{opened['id']}/customers", headers=headers))
    assert {c["customer"] for c in customers} == {
        "Great Lakes Fabrication", "Rhine-Ruhr Anlagenbau GmbH", "Midwest Rail Maintenance"
    }  # fmt: skip
    assert all(c["contacts"] >= 1 for c in customers)

    start = clock.now + timedelta(hours=1)
    body = {"tier": 7, "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat()}  # fmt: skip
    made = ok(client.post(f"{VULNS}/{opened['id']}/windows", json=body, headers=headers), 201)
    assert made["hostnames"] == ["label-legacy-01", "wms-edge-dor-01"]
    reasons = {c["reason"] for c in made["conflicts"] if c["severity"] in ("critical", "high")}
    assert "incident" in reasons  # the Dortmund scanner outage is on warehouse-mgmt
