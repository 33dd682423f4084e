from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from localspeech.services.keys import resource_create
from tests.factories import PASSWORD, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_add_a_local_resource_test_it_and_see_its_projects(
    live_server, celery_worker, page: Page
):
    make_team("Cardiology")
    make_user("ops", staff=True)
    _, key = resource_create(name="bundled", region="westus")
    made = httpx.post(
        f"{live_server.url}/speechtotext/v3.2/projects",
        headers={"Ocp-Apim-Subscription-Key": key},
        json={"displayName": "Made in Speech Studio", "locale": "en-US"},
    )
    assert made.status_code == 201

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("ops")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Speech resources").click()
    page.get_by_role("link", name="Add Speech resource").first.click()

    page.get_by_label("Name").fill("Local westus")
    page.get_by_label("Kind").select_option("local")
    page.get_by_label("Region").fill("westus")
    page.get_by_label("Management API URL").fill(live_server.url)
    page.get_by_label("Key").fill(key)
    page.get_by_label("Cardiology").check()
    page.get_by_label("Default team").select_option(label="Cardiology")
    page.get_by_role("button", name="Save").click()

    health = page.locator("#health")
    expect(health.get_by_text("Connected", exact=True)).to_be_visible(timeout=30_000)
    expect(page.locator("#health-message")).to_contain_text("base models")
    expect(page.get_by_text(key)).to_have_count(0)

    page.get_by_role("button", name="Test connection").click()
    expect(health.get_by_text("Connected", exact=True)).to_be_visible(timeout=30_000)

    page.get_by_role("button", name="Sync now").click()
    for _ in range(30):
        if page.get_by_role("cell", name="Made in Speech Studio").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(page.get_by_role("cell", name="Made in Speech Studio")).to_be_visible()
    expect(page.get_by_role("cell", name="Cardiology")).to_be_visible()
