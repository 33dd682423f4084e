"""The dashboard follows a training job from Running to Succeeded without a reload."""

from __future__ import annotations

import random

import pytest
from playwright.sync_api import Page, expect

from localspeech.engine.lexicon import base_dictionary
from tests.browser.test_training import _dataset, clinic_project
from tests.conftest import wait_until
from tests.factories import PASSWORD
from training import services as training
from training.models import CustomModel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def long_training_text(sentences: int = 60_000) -> bytes:
    """About 5 MB of sentences: training takes several seconds, so the portal's poll (every
    five seconds, as the service's Retry-After asks) sees the model Running."""
    words = sorted(w for w in base_dictionary() if w.isalpha())[:5000]
    pick = random.Random(7).choice
    return "\n".join(" ".join(pick(words) for _ in range(10)) for _ in range(sentences)).encode()


def test_the_dashboard_shows_training_finish_without_a_reload(
    live_server, celery_worker, celery_beat, page: Page
):
    user, project = clinic_project(live_server)
    text = _dataset(project, "Language", "Long notes", long_training_text(), user)

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    base = training.base_models_for(project).first()
    draft = training.draft_start(project=project, user=user, base_model=base, datasets=[text])
    training.draft_set_details(
        draft=draft, display_name="Long model", description="", weight_percent=None
    )
    model = training.draft_submit(draft=draft)
    wait_until(
        lambda: CustomModel.objects.filter(id=model.id, status="Running").exists(), timeout=60
    )

    page.goto(f"{live_server.url}/")
    status = page.locator(f"#model-{model.id} .model-status")
    expect(status).to_have_text("Running")
    page.evaluate("window.notReloaded = true")
    expect(status).to_have_text("Succeeded", timeout=90_000)
    assert page.evaluate("window.notReloaded === true")
    expect(page.locator("#panel-work")).to_contain_text("Nothing is training")
