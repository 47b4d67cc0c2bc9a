"""The campaign page's work (SQLite and PostgreSQL): a window scheduled for a tier from its
form, settled once its change has ended; a bad window named in the message and nothing
scheduled; customers notified with one button, shown notified, and not told twice."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.statuspage.staff_helpers import ok
from tests.integration.vulns.helpers import HEARTBLEED, VULNS, build_estate, listed
from tests.integration.web.helpers import post, sign_in


def test_windows_and_notices_from_the_campaign_page(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    build_estate(client, admin)
    carl = {"name": "Carl", "plan_role": "customer_contact", "email": "carl@acme.example",
            "customer": "Acme"}  # fmt: skip
    ok(client.post("/api/v1/contacts", json=carl, headers=admin.headers), 201)
    csrf = sign_in(client, admin)
    url = post(client, "/vulnerabilities", csrf, document=json.dumps(HEARTBLEED)).headers[
        "location"
    ]
    page = client.get(url).text
    assert "No window yet." in page
    assert '<option value="5">tier 5 (1 affected)</option>' in page
    assert "not notified yet" in page

    start = (clock.now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")  # the admin's zone: UTC
    end = (clock.now + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    backwards = post(client, f"{url}/windows", csrf, tier="5", starts_at=end, ends_at=start)
    assert backwards.status_code == 303
    assert "Nothing scheduled: ends_at: must be after starts_at" in client.get(url).text
    assert ok(client.get("/api/v1/changes", headers=admin.headers)) == []

    made = post(client, f"{url}/windows", csrf, tier="5", starts_at=start, ends_at=end)
    assert made.status_code == 303
    page = client.get(url).text
    (change,) = ok(client.get("/api/v1/changes", headers=admin.headers))
    assert f"CHG-{change['id']} scheduled for 1 asset(s)." in page
    assert 'id="window-CHG-' in page
    assert "settle once the change has ended" in page
    assert '<option value="5">' not in page  # nothing of tier 5 is left waiting
    assert [r[4] for r in listed(client, admin, "CVE-2014-0160", tier=5)] == ["scheduled"]

    ref = f"CHG-{change['id']}"
    ok(client.patch(f"/api/v1/changes/{ref}", json={"state": "cancelled"}, headers=admin.headers))
    assert "Put its assets back to affected" in client.get(url).text
    assert post(client, f"{url}/windows/{ref}/settle", csrf).status_code == 303
    page = client.get(url).text
    assert f"{ref} settled: 1 asset(s) affected." in page
    assert [r[4] for r in listed(client, admin, "CVE-2014-0160", tier=5)] == ["affected"]

    assert post(client, f"{url}/notify", csrf).status_code == 303
    page = client.get(url).text
    assert "Customers notified: Acme (1 skipped)." in page  # Globex has no contact
    assert "notified <time" in page
    assert ">2026-11-23 22:00</time>" in page
    assert "no contact with an email" in page
    post(client, f"{url}/notify", csrf)
    assert "Customers notified: nobody new (2 skipped)." in client.get(url).text
    shown = ok(client.get(f"{VULNS}/CVE-2014-0160/customers", headers=admin.headers))
    assert [c["times"] for c in shown] == [1, 0]
