from __future__ import annotations

import pytest
import soundfile
from playwright.sync_api import Page, expect

from portal import sync
from portal.models import Role
from projects import services
from projects.models import Dataset, Project
from tests.conftest import wait_until
from tests.factories import PASSWORD, make_member, make_team
from tests.localspeech.conftest import FIXTURES, clinic_acoustic_zip, clinic_text
from tests.portal.test_resources import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _dataset(project, kind: str, name: str, content: bytes, user) -> Dataset:
    upload = services.upload_start(project=project, user=user)
    upload.kind, upload.source, upload.file_name = kind, "file", "data.bin"
    upload.folder.mkdir(parents=True, exist_ok=True)
    upload.file_path.write_bytes(content)
    upload.save()
    services.upload_validate(upload=upload)
    services.upload_set_details(
        upload=upload, display_name=name, description="", leave_out_rejected=False
    )
    services.upload_begin(upload=upload)
    return wait_until(
        lambda: Dataset.objects.filter(upload__id=upload.id, status="Succeeded").first(), timeout=90
    )


def clinic_project(live_server, username: str = "erin"):
    """An editor and a project "Clinic" made on the bundled service, base models synced."""
    team = make_team("Cardiology")
    user = make_member(team, Role.EDITOR, username=username)
    resource = register(live_server, team)
    created = services.project_create(
        team=team, resource=resource, display_name="Clinic", locale="en-US"
    )
    project = wait_until(
        lambda: Project.objects.filter(id=created.id, remote_id__isnull=False).first()
    )
    sync.resource_sync(resource, full=True)
    return user, project


def test_train_with_mouse_and_keyboard_then_inspect_and_listen(
    live_server, celery_worker, celery_beat, page: Page
):
    user, project = clinic_project(live_server)
    _dataset(project, "Language", "Clinic notes", clinic_text(), user)
    _dataset(
        project,
        "Acoustic",
        "Clinic test set",
        clinic_acoustic_zip(["clinic03.wav", "clinic06.wav"]),
        user,
    )

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.goto(f"{live_server.url}/projects/{project.id}/?tab=models")
    page.get_by_role("button", name="Train a new model").click()

    page.locator("input[name=base_model]:not([disabled])").first.check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Clinic notes").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Name").fill("Clinic model")
    page.get_by_role("link", name="Back").click()  # Back keeps the choice of data
    expect(page.get_by_label("Clinic notes")).to_be_checked()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("Name")).to_have_value("")
    page.get_by_label("Name").fill("Clinic model")
    page.get_by_label("Name").press("Enter")
    page.get_by_label("Test dataset").select_option(label="Clinic test set")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Clinic test set")).to_be_visible()
    page.get_by_role("button", name="Train a new model").click()

    expect(page.locator("#model-status").get_by_text("Succeeded")).to_be_visible(timeout=90_000)
    test_link = page.get_by_role("link", name="Clinic model vs base model")
    for _ in range(60):  # the automatic test starts once training has succeeded
        page.reload()
        if test_link.count():
            break
        page.wait_for_timeout(1000)
    test_link.click()
    expect(page.locator("#wer2")).to_be_visible(timeout=120_000)
    expect(page.get_by_role("heading", name="Side by side")).to_be_visible(timeout=60_000)
    audio = page.locator("audio").first
    audio.evaluate("a => a.load()")
    page.wait_for_function("() => document.querySelector('audio').readyState >= 2", timeout=10_000)
    duration = audio.evaluate("a => a.duration")
    assert abs(duration - soundfile.info(str(FIXTURES / "audio" / "clinic03.wav")).duration) < 0.1
