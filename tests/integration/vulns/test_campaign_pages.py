"""The campaign pages (SQLite and PostgreSQL): an advisory pasted as JSON opens a campaign
whose page lists the affected hosts by tier; bad JSON or a malformed advisory is shown beside
the field and opens nothing; a status set on a record moves the counts and the burndown."""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock, User
from tests.integration.vulns.helpers import HEARTBLEED, build_estate
from tests.integration.web.helpers import post, sign_in


def test_open_follow_and_patch_from_the_pages(
    app: FastAPI, client: TestClient, admin: User, clock: Clock
) -> None:
    ids = build_estate(client, admin)
    csrf = sign_in(client, admin)
    assert "No campaign yet." in client.get("/vulnerabilities").text

    bad = post(client, "/vulnerabilities", csrf, document="{not json")
    assert bad.status_code == 422
    assert "not JSON (line 1" in bad.text
    broken = post(client, "/vulnerabilities", csrf, document=json.dumps({"id": "X-1"}))
    assert broken.status_code == 422
    assert "$.product" in broken.text
    assert "No campaign yet." in broken.text

    opened = post(client, "/vulnerabilities", csrf, document=json.dumps(HEARTBLEED))
    assert opened.status_code == 303
    page = client.get(opened.headers["location"]).text
    assert "Campaign CVE-2014-0160 opened." in page
    for host in ("vpn-1", "web-1", "web-2", "deb-1"):
        assert f'id="asset-{ids[host]}"' in page, host
    for host in ("web-3", "db-1", "old-1", "deb-2"):
        assert f'id="asset-{ids[host]}"' not in page, host
    assert page.index(f'id="asset-{ids["vpn-1"]}"') < page.index(f'id="asset-{ids["web-1"]}"')

    clock.advance(hours=2)
    url = opened.headers["location"]
    moved = post(client, f"{url}/assets/{ids['web-1']}", csrf, status="patched")
    assert moved.status_code == 303
    page = client.get(url).text
    row = page.split(f'id="asset-{ids["web-1"]}"')[1].split("</tr>")[0]
    assert '<option value="patched" selected>' in row
    assert '<polyline points="' in page
    refused = post(client, f"{url}/assets/{ids['web-1']}", csrf, status="unassessed")
    assert refused.status_code == 303
    assert "Nothing saved" in client.get(url).text
