"""The war room's security panel (SQLite and PostgreSQL): only on security incidents; the
phase moves with one button; an indicator not of its type is refused with the reason shown
and nothing saved; evidence is logged and handed over, its custody listed."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import User, make_user
from tests.integration.incidents.helpers import declare
from tests.integration.security.test_security_api import SHA, breach
from tests.integration.web.helpers import post, sign_in
from warroom.access.rules import Role


def test_the_panel_drives_the_incident(app: FastAPI, client: TestClient, admin: User) -> None:
    ref = breach(client, admin)
    outage = declare(client, admin, title="Checkout slow")["ref"]
    analyst = make_user(app, Role.responder, "Fay Forensics")
    csrf = sign_in(client, admin)
    assert 'id="security"' not in client.get(f"/incidents/{outage}").text
    room = client.get(f"/incidents/{ref}").text
    assert 'id="security"' in room
    assert "Move to containment" in room

    base = f"/incidents/{ref}/security"
    assert post(client, f"{base}/phase", csrf, phase="containment").status_code == 303
    room = client.get(f"/incidents/{ref}").text
    assert "The incident is in containment." in room
    assert "Move to eradication" in room

    post(client, f"{base}/indicators", csrf, type="ip", value="999.0.0.1", tlp="amber")
    room = client.get(f"/incidents/{ref}").text
    assert "Nothing saved: Value:" in room
    assert "999.0.0.1" not in room.split('id="indicators"')[1].split("</ul>")[0]
    post(client, f"{base}/indicators", csrf, type="domain", value="evil[.]example", tlp="red")
    post(client, f"{base}/scope", csrf, hostname="shop-01", compromise="confirmed")
    room = client.get(f"/incidents/{ref}").text
    assert "<code>evil.example</code>" in room
    assert "revenue stops" in room

    post(client, f"{base}/evidence", csrf, label="shop-01 disk image", kind="disk image",
         sha256=SHA, location="locker 3", tlp="red")  # fmt: skip
    room = client.get(f"/incidents/{ref}").text
    item = room.split('id="evidence-')[1].split('"')[0]
    post(client, f"{base}/evidence/{item}/custody", csrf, to=analyst.email, purpose="analysis")
    room = client.get(f"/incidents/{ref}").text
    assert "Ada Admin → Fay Forensics (analysis)" in room
