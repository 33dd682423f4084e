from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.localspeech.conftest import FIXTURES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_first_run_shows_the_demo_and_try_it_transcribes(
    live_server, celery_worker, settings, page: Page
):
    settings.DEBUG = True
    call_command("demo_user")
    call_command("register_local_resource", "--url", live_server.url, "--region", "westus")
    call_command("register_local_resource", "--url", live_server.url, "--region", "westeurope")
    settings.DEBUG = False
    call_command("seed_demo")

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("demo")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Getting started")).to_be_visible()
    expect(page.locator("#demo").get_by_text("Succeeded")).to_be_visible(timeout=120_000)
    expect(page.locator("#demo-wer2")).to_be_visible(timeout=120_000)
    expect(page.locator("#demo-wer1")).not_to_be_empty()
    page.get_by_role("link", name="Clinic dictation endpoint: Try it").click(timeout=120_000)
    page.get_by_label("A WAV file").set_input_files(str(FIXTURES / "audio" / "clinic06.wav"))
    page.get_by_role("button", name="Transcribe").click()
    expect(page.locator("#try-endpoint")).to_contain_text("Metformin", timeout=30_000)
