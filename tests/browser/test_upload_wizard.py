from __future__ import annotations

import pytest
import soundfile
from playwright.sync_api import Page, expect

from portal.models import Role
from projects import services
from projects.models import Project
from tests.conftest import wait_until
from tests.factories import PASSWORD, make_member, make_team
from tests.localspeech.conftest import FIXTURES, clinic_acoustic_zip
from tests.portal.test_resources import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_walk_the_wizard_fix_the_data_upload_and_listen(
    live_server, celery_worker, celery_beat, page: Page, tmp_path
):
    team = make_team("Cardiology")
    make_member(team, Role.EDITOR, username="erin")
    resource = register(live_server, team)
    created = services.project_create(
        team=team, resource=resource, display_name="Clinic", locale="en-US"
    )
    project = wait_until(
        lambda: Project.objects.filter(id=created.id, remote_id__isnull=False).first()
    )

    lines = (FIXTURES / "test-sentences.txt").read_text().splitlines()[:3]
    broken = tmp_path / "broken.zip"
    broken.write_bytes(
        clinic_acoustic_zip(
            ["clinic01.wav", "clinic02.wav", "clinic03.wav"],
            transcript="\n".join([*lines[:2], "clinic03.wav no tab"]) + "\n",
        )
    )
    fixed = tmp_path / "fixed.zip"
    fixed.write_bytes(clinic_acoustic_zip(["clinic01.wav", "clinic02.wav", "clinic03.wav"]))

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/projects/{project.id}/")
    page.get_by_role("button", name="Upload data").click()

    page.get_by_text("Audio + human-labeled transcript").click()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("A file from this computer").set_input_files(str(broken))
    page.get_by_role("button", name="Check the data").click()
    table = page.locator("#rejected")
    expect(table).to_contain_text(
        "expected 'file.wav<TAB>transcript' (exactly one tab)", timeout=20_000
    )
    expect(table).to_contain_text("trans.txt")

    page.get_by_role("link", name="Back: choose other data").click()
    page.get_by_label("A file from this computer").set_input_files(str(fixed))
    page.get_by_role("button", name="Check the data").click()
    expect(page.get_by_text("3 accepted")).to_be_visible(timeout=20_000)
    expect(page.locator("#rejected")).to_have_count(0)
    page.get_by_role("link", name="Next").click()
    page.get_by_label("Name").fill("Clinic test set")
    page.get_by_role("button", name="Upload").click()

    expect(page.locator("#send-progress")).to_have_attribute("value", "100", timeout=30_000)
    page.get_by_role("link", name="Open the dataset").click(timeout=30_000)
    expect(page.get_by_role("heading", name="Clinic test set")).to_be_visible()
    audio = page.locator("audio").first
    audio.evaluate("a => a.load()")
    page.wait_for_function("() => document.querySelector('audio').readyState >= 2", timeout=10_000)
    duration = audio.evaluate("a => a.duration")
    assert abs(duration - soundfile.info(str(FIXTURES / "audio" / "clinic01.wav")).duration) < 0.1
