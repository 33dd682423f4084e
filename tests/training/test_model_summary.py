"""The model page says what a model was built from, and why audio was not used when it was not."""

from __future__ import annotations

import pytest

from portal.models import Role
from tests.factories import make_member, make_project
from training.models import CustomModel

pytestmark = pytest.mark.django_db


def test_the_model_page_shows_what_training_skipped(client):
    project = make_project()
    client.force_login(make_member(project.team, Role.VIEWER))
    summary = {
        "sentences": 58,
        "vocabulary": 240,
        "newWords": 31,
        "order": 3,
        "builtFrom": [{"name": "Clinic notes", "kind": "Language"},
                      {"name": "Clinic dictation", "kind": "Acoustic"}],
        "interpolation": {"customWeight": 0.3},
        "acoustic": {"skipped": "acoustic adaptation (MLLR) needs Debian's sphinxtrain"},
    }  # fmt: skip
    model = CustomModel.objects.create(
        resource=project.resource, project=project, display_name="Clinic", status="Succeeded",
        files=[{"name": "report", "kind": "TrainingSummary", "content": summary}],
    )  # fmt: skip
    page = client.get(f"/projects/{project.id}/models/{model.id}/").content.decode()
    assert "Clinic notes (Language), Clinic dictation (Acoustic)" in page
    assert "your text&#x27;s weight 30 %" in page or "your text's weight 30 %" in page
    assert "Audio not used for acoustic adaptation: acoustic adaptation (MLLR) needs" in page
