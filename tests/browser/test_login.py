from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from portal.models import Role
from tests.factories import PASSWORD, make_member, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_signs_in_sees_the_dashboard_and_signs_out(live_server, page: Page):
    make_member(make_team("Call center"), Role.EDITOR, username="erin")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("link", name="Call center")).to_be_visible()
    expect(page.get_by_role("link", name="Speech resources")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_a_wrong_password_is_explained(live_server, page: Page):
    make_member(make_team(), Role.VIEWER, username="frank")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("frank")
    page.get_by_label("Password").fill("not it")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
