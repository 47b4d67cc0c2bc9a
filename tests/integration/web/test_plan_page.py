"""The plan page, on SQLite and PostgreSQL: a manager previews a plan, sees the diff, applies
it through the preview's form; CSV rows are previewed, bad ones listed by line; the forms need
the CSRF token; viewers only download."""

from __future__ import annotations

import html
import re

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from tests.conftest import User, make_user
from tests.integration.web.helpers import csrf_of, post, sign_in
from warroom.access.rules import Role
from warroom.access.service import do_create_team
from warroom.catalog.models import Asset, Service
from warroom.db import transaction

PLAN = """
version: 1
services:
  - {name: web-shop, tier: 1, owner_team: Web, depends_on: [orders]}
  - {name: orders, tier: 2, owner_team: Web}
assets:
  - {hostname: web-01, ips: [10.0.0.1], services: [web-shop], software: [openssl@1.0.1e]}
"""
HEADER = "hostname,ip,kind,environment,exposure,services,owner_team,software\n"
HIDDEN = re.compile(r'<input type="hidden" name="(document|csv)" value="([^"]*)">')


@pytest.fixture
def manager(app: FastAPI) -> User:
    with transaction(app.state.sessions) as session:
        do_create_team(session=session, name="Web")
    return make_user(app, Role.manager, "Mia Manager")


def tiers(app: FastAPI) -> dict[str, int]:
    with transaction(app.state.sessions) as session:
        return {s.name: s.tier for s in session.scalars(select(Service))}


def hostnames(app: FastAPI) -> list[str]:
    with transaction(app.state.sessions) as session:
        return sorted(session.scalars(select(Asset.hostname)))


def hidden(page: str) -> str:
    found = HIDDEN.search(page)
    assert found, "the preview has no form carrying the document"
    return html.unescape(found.group(2))


def preview(client: TestClient, csrf: str, text: str, upload: bool = False) -> Response:
    form = {"csrf": csrf} if upload else {"csrf": csrf, "document": text}
    # With no file chosen, a browser still sends the part, with an empty file name.
    chosen = ("plan.yaml", text.encode(), "application/yaml") if upload else ("", b"", "")
    answer: Response = client.post("/catalog/plan/preview", data=form, files={"upload": chosen})
    return answer


def test_preview_then_apply_through_the_forms(
    client: TestClient, app: FastAPI, manager: User
) -> None:
    csrf = sign_in(client, manager)
    assert "Apply a plan" in client.get("/catalog/plan").text

    shown = preview(client, csrf, PLAN)

    assert shown.status_code == 200, shown.text
    assert "Preview: 3 to create, 0 to update, 0 to delete" in shown.text
    assert "<code>web-shop</code>" in shown.text
    assert tiers(app) == {}, "a preview writes nothing"

    applied = post(client, "/catalog/plan/apply", csrf, document=hidden(shown.text))
    assert applied.status_code == 303
    assert tiers(app) == {"web-shop": 1, "orders": 2}
    assert hostnames(app) == ["web-01"]
    page = client.get(applied.headers["location"]).text
    assert "Plan applied: 3 created, 0 updated, 0 deleted." in page

    again = preview(client, csrf, PLAN, upload=True)
    assert "No changes." in again.text
    assert "Apply these changes" not in again.text


def test_an_update_shows_old_and_new_values(
    client: TestClient, app: FastAPI, manager: User
) -> None:
    csrf = sign_in(client, manager)
    post(client, "/catalog/plan/apply", csrf, document=PLAN)

    shown = preview(client, csrf, PLAN.replace("tier: 2", "tier: 1"), upload=True)

    diff = shown.text[shown.text.index('id="plan-diff"') :]
    assert "~ Update" in diff
    assert re.search(
        r"<th scope=\"row\">tier</th><td><code>2</code></td><td>→ <code>1</code>", diff
    )
    post(client, "/catalog/plan/apply", csrf, document=hidden(shown.text))
    assert tiers(app)["orders"] == 1


def test_a_bad_plan_lists_each_path_and_applies_nothing(
    client: TestClient, app: FastAPI, manager: User
) -> None:
    csrf = sign_in(client, manager)
    bad = PLAN.replace("tier: 2", "tier: 9").replace("[web-shop]", "[ghost]")

    shown = preview(client, csrf, bad)
    applied = post(client, "/catalog/plan/apply", csrf, document=bad)

    assert shown.status_code == 422
    assert "<code>services[1].tier</code>: Input should be less than or equal to 4" in shown.text
    assert applied.status_code == 422
    assert "nothing was written" in applied.text
    assert tiers(app) == {}


def test_an_empty_form_asks_for_a_plan(client: TestClient, manager: User) -> None:
    csrf = sign_in(client, manager)
    shown = preview(client, csrf, "  ")
    assert shown.status_code == 422
    assert "paste a plan or choose a file" in shown.text


def test_download_is_the_exported_plan(client: TestClient, app: FastAPI, manager: User) -> None:
    csrf = sign_in(client, manager)
    post(client, "/catalog/plan/apply", csrf, document=PLAN)

    answer = client.get("/catalog/plan/download")

    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == 'attachment; filename="warroom-plan.yaml"'
    data = yaml.safe_load(answer.text)
    assert [s["name"] for s in data["services"]] == ["orders", "web-shop"]
    assert "No changes." in preview(client, csrf, answer.text).text


def test_csv_preview_then_import(client: TestClient, app: FastAPI, manager: User) -> None:
    csrf = sign_in(client, manager)
    post(client, "/catalog/plan/apply", csrf, document=PLAN)
    rows = HEADER + "web-01,10.0.0.1,vm,,,web-shop,Web,\nweb-02,10.0.0.2,vm,,,orders,Web,\n"
    files = {"upload": ("assets.csv", rows.encode(), "text/csv")}

    shown = client.post("/catalog/plan/assets/preview", data={"csrf": csrf}, files=files)

    assert shown.status_code == 200
    assert "Preview: 2 rows — 1 new assets, 1 to update" in shown.text
    assert hostnames(app) == ["web-01"]
    imported = post(client, "/catalog/plan/assets/import", csrf, csv=hidden(shown.text))
    assert imported.status_code == 303
    assert hostnames(app) == ["web-01", "web-02"]
    assert "Imported 2 assets (1 created, 1 updated)." in client.get("/catalog/plan").text


def test_bad_csv_rows_are_listed_by_line_and_nothing_is_imported(
    client: TestClient, app: FastAPI, manager: User
) -> None:
    csrf = sign_in(client, manager)
    rows = HEADER + "ok-01,10.0.0.1,,,,,,\nbad-01,10.0.0.300,,,,,,\nbad-02,10.0.0.3,,,,,Nobody,\n"

    shown = post(client, "/catalog/plan/assets/preview", csrf, csv=rows)
    imported = post(client, "/catalog/plan/assets/import", csrf, csv=rows)

    for answer in (shown, imported):
        assert answer.status_code == 422
        assert (
            "<td>3</td><td>ip</td><td>&#39;10.0.0.300&#39; is not an IP address</td>" in answer.text
        )
        assert "<td>4</td><td>owner_team</td><td>unknown team &#39;Nobody&#39;</td>" in answer.text
    assert hostnames(app) == []


@pytest.mark.parametrize("token", [None, "forged"])
def test_the_forms_need_the_csrf_token(
    client: TestClient, app: FastAPI, manager: User, token: str | None
) -> None:
    sign_in(client, manager)
    form = {"document": PLAN} | ({"csrf": token} if token else {})
    rows = {"csv": HEADER + "web-09,10.0.0.9,,,,,,\n"} | ({"csrf": token} if token else {})

    for url, data in (("/catalog/plan/apply", form), ("/catalog/plan/assets/import", rows)):
        answer = client.post(url, data=data, follow_redirects=False)
        assert answer.status_code == 403
        assert "expired or came from another site" in answer.text
    assert tiers(app) == {}
    assert hostnames(app) == []


def test_viewers_download_but_cannot_preview_or_apply(
    client: TestClient, app: FastAPI, viewer: User
) -> None:
    csrf = sign_in(client, viewer)

    page = client.get("/catalog/plan").text

    assert "Download the plan (YAML)" in page
    assert "Apply a plan" not in page
    assert 'action="/catalog/plan/apply"' not in page
    assert client.get("/catalog/plan/download").status_code == 200
    for url, field in (("/catalog/plan/preview", "document"), ("/catalog/plan/apply", "document"),
                       ("/catalog/plan/assets/import", "csv")):  # fmt: skip
        assert post(client, url, csrf, **{field: PLAN}).status_code == 403
    assert tiers(app) == {}


def test_the_overview_links_to_the_plan_page(client: TestClient, viewer: User) -> None:
    sign_in(client, viewer)
    assert 'href="/catalog/plan"' in client.get("/catalog").text


def test_signed_out_visitors_are_sent_to_login(client: TestClient) -> None:
    answer = client.get("/catalog/plan/download", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")


def test_the_page_has_a_csrf_token_on_every_form(client: TestClient, manager: User) -> None:
    sign_in(client, manager)
    page = client.get("/catalog/plan").text
    assert page.count('name="csrf"') == page.count("<form ")
    assert csrf_of(page)
