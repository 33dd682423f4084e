from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from portal import sync
from portal.models import Role
from projects import services
from projects.models import Project
from tests.browser.test_training import _dataset
from tests.conftest import wait_until
from tests.factories import PASSWORD, make_member, make_team
from tests.localspeech.conftest import FIXTURES, clinic_text
from tests.portal.test_resources import register
from training import services as training_services
from training.models import CustomModel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_copy_to_with_back_and_try_it(live_server, celery_worker, celery_beat, page: Page):
    team = make_team("Cardiology")
    user = make_member(team, Role.EDITOR, username="erin")
    source = register(live_server, team)
    target = register(live_server, team, name="Local westeurope", region="westeurope")
    made = services.project_create(
        team=team, resource=source, display_name="Clinic", locale="en-US"
    )
    europe = services.project_create(
        team=team, resource=target, display_name="Europe", locale="en-US"
    )
    project = wait_until(
        lambda: Project.objects.filter(id=made.id, remote_id__isnull=False).first()
    )
    wait_until(lambda: Project.objects.filter(id=europe.id, remote_id__isnull=False).first())
    sync.resource_sync(source, full=True)
    text = _dataset(project, "Language", "Clinic notes", clinic_text(), user)
    draft = training_services.draft_start(project=project, user=user, display_name="Clinic model")
    training_services.draft_set_base(
        draft=draft, base=training_services.base_models_for(project).first()
    )
    training_services.draft_set_datasets(draft=draft, datasets=[text])
    model = training_services.draft_submit(draft=draft)
    model = wait_until(
        lambda: CustomModel.objects.filter(id=model.id, status="Succeeded").first(), timeout=90
    )

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/projects/{project.id}/models/{model.id}/")
    page.get_by_role("button", name="Copy to").click()
    page.get_by_label("westeurope").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Local westeurope").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("link", name="Back").click()
    expect(page.get_by_label("Local westeurope")).to_be_checked()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Europe").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("#copy-progress")).to_contain_text("Copied", timeout=60_000)

    page.goto(f"{live_server.url}/projects/{project.id}/endpoints/new/")
    page.get_by_label("Name").fill("Clinic endpoint")
    page.get_by_label("Model").select_option(label="Clinic model (custom)")
    page.get_by_role("button", name="Deploy").click()
    expect(page.locator("#endpoint-status").get_by_text("Succeeded")).to_be_visible(timeout=60_000)
    page.get_by_label("A WAV file").set_input_files(str(FIXTURES / "audio" / "clinic06.wav"))
    page.get_by_role("button", name="Transcribe").click()
    expect(page.locator("#try-endpoint")).to_contain_text(
        "Metformin continued for diabetes", timeout=30_000
    )
    expect(page.locator("#try-base")).not_to_be_empty()
