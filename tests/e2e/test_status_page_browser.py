"""A customer opens the public status page in headless Chromium during a critical incident: the
banner says so and names the incident, the component shows its outage with 90 days of uptime
bars coloured by the stylesheet, the incident's timeline opens from the banner, nothing breaks
the Content-Security-Policy, and the browser is handed no cookie."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from tests.conftest import LiveServer
from tests.integration.statuspage.public_helpers import incident, make_components, manager, publish

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 10_000
MAJOR_OUTAGE_RED = "rgb(193, 18, 31)"  # --sp-major in status.css


def test_a_customer_reads_the_outage_on_the_status_page(
    browser: Any, live_server: LiveServer, live_app: FastAPI
) -> None:
    codes = make_components(live_app)
    body = "Payments fail for every customer; we are investigating."
    outage = incident("Checkout unavailable", body, ("Checkout", "major_outage"), impact="critical")
    code = publish(live_app, manager(live_app), outage)

    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    blocked: list[str] = []
    page.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security" in msg.text else None
    )
    page.goto(f"{live_server.url}/status")

    banner = page.locator("#overall")
    assert "Major System Outage" in banner.inner_text()
    assert "Checkout unavailable" in banner.inner_text()
    assert body in page.locator(f"#incident-{code}").inner_text()

    checkout = page.locator(f"#component-{codes['Checkout']}")
    assert "Major outage" in checkout.locator(".sp-status").inner_text()
    assert "Major outage" in page.locator(f"#group-{codes['Shop']} .sp-group-head").inner_text()
    bars = checkout.locator("svg.sp-bars rect")
    assert bars.count() == 90
    today = bars.nth(89)
    assert "sp-day-major_outage" in (today.get_attribute("class") or "")
    assert today.evaluate("r => getComputedStyle(r).fill") == MAJOR_OUTAGE_RED
    assert bars.nth(0).bounding_box()["width"] > 0, "the bars are drawn"
    assert "Operational" in page.locator(f"#component-{codes['Docs']}").inner_text()

    banner.locator("a", has_text="Checkout unavailable").click()
    page.wait_for_url(f"{live_server.url}/status/incidents/{code}")
    assert body in page.locator(f"#incident-{code}").inner_text()

    assert blocked == [], "the page must work under the CSP"
    assert context.cookies() == []
    context.close()
