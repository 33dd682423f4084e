"""Train a new model through the wizard and test it, end to end against the bundled service."""

from __future__ import annotations

import re

import pytest

from portal import sync
from projects.models import Dataset
from speechformats.wer import word_errors
from tests.conftest import wait_until
from tests.localspeech.conftest import FIXTURES, clinic_acoustic_zip, clinic_text
from tests.projects.test_upload_wizard import walk
from training.models import BaseModel, CustomModel, Evaluation, TrainingDraft

pytestmark = pytest.mark.django_db(transaction=True)


def uploaded(client, project, kind, name, content, display) -> Dataset:
    upload = walk(client, project, kind, name, content, display)
    return wait_until(
        lambda: Dataset.objects.filter(upload__id=upload.id, status="Succeeded").first(), timeout=90
    )


def start_wizard(client, project) -> str:
    response = client.post(f"/projects/{project.id}/models/new/")
    assert response.status_code == 302
    return response["Location"].rsplit("/new/", 1)[0]


def train(client, project, base, datasets, name: str, test=None) -> None:
    """Walks the wizard with the given choices, one step after the other."""
    draft = start_wizard(client, project)
    client.post(f"{draft}/new/base/", {"base_model": base.id})
    client.post(f"{draft}/new/data/", {"datasets": [d.id for d in datasets]})
    client.post(f"{draft}/new/details/", {"display_name": name})
    client.post(f"{draft}/new/test/", {"test_dataset": test.id if test else ""})
    client.post(f"{draft}/new/review/")


def newest_base(project) -> BaseModel:
    return (
        BaseModel.objects.filter(resource=project.resource).order_by("-remote_created_at").first()
    )


def test_train_with_the_wizard_auto_test_and_beat_the_base_model(client, editor, project):
    client.force_login(editor)
    sync.resource_sync(project.resource, full=True)
    text = uploaded(client, project, "Language", "notes.txt", clinic_text(), "Clinic notes")
    tests = uploaded(
        client, project, "Acoustic", "test.zip", clinic_acoustic_zip(), "Clinic test set"
    )
    newest = (
        BaseModel.objects.filter(resource=project.resource).order_by("-remote_created_at").first()
    )

    draft = start_wizard(client, project)
    assert client.post(f"{draft}/new/base/", {"base_model": newest.id})["Location"].endswith(
        "/new/data/"
    )
    page = client.get(f"{draft}/new/data/").content.decode()
    assert "Clinic notes" in page and "Clinic test set" in page
    assert client.post(f"{draft}/new/data/", {"datasets": [text.id]})["Location"].endswith(
        "/new/details/"
    )
    # Back to the base model step keeps the choice.
    assert "checked" in client.get(f"{draft}/new/base/").content.decode()
    client.post(f"{draft}/new/details/", {"display_name": "Clinic model", "description": "notes"})
    client.post(f"{draft}/new/test/", {"test_dataset": tests.id})
    response = client.post(f"{draft}/new/review/")
    model = CustomModel.objects.get(display_name="Clinic model")
    assert response["Location"] == f"/projects/{project.id}/models/{model.id}/"
    client.post(f"{draft}/new/review/")  # submitting twice trains once
    assert CustomModel.objects.filter(display_name="Clinic model").count() == 1

    model = wait_until(
        lambda: CustomModel.objects.filter(id=model.id, status="Succeeded").first(), timeout=120
    )
    evaluation = wait_until(
        lambda: Evaluation.objects.filter(
            draft__model=model, status="Succeeded", details__isnull=False
        ).first(),
        timeout=180,
    )
    props = evaluation.properties
    assert props["wordErrorRate2"] < props["wordErrorRate1"]
    page = client.get(f"/projects/{project.id}/tests/{evaluation.id}/").content.decode()
    for n in (1, 2):
        shown = float(re.search(rf'id="wer{n}">([0-9.]+)<', page).group(1))
        assert shown == pytest.approx(props[f"wordErrorRate{n}"], abs=0.001)
    assert "op-substitute" in page or "op-delete" in page

    # The portal's own recomputation (speechformats, jiwer) equals the service's figures.
    for n in (1, 2):
        errors = [
            word_errors(f[f"model{n}"]["reference"], f[f"model{n}"]["lexical"])
            for f in evaluation.details["files"]
        ]
        recomputed = sum(e.errors for e in errors) / sum(e.reference_words for e in errors)
        assert recomputed == pytest.approx(props[f"wordErrorRate{n}"], abs=1e-4)

    csv_export = client.get(
        f"/projects/{project.id}/tests/{evaluation.id}/export.csv"
    ).content.decode()
    assert csv_export.splitlines()[0].startswith("file,") and "clinic01.wav" in csv_export


def test_steps_out_of_order_and_foreign_datasets_are_refused(client, editor, project, live_server):
    client.force_login(editor)
    draft = start_wizard(client, project)
    response = client.post(f"{draft}/new/review/", follow=True)
    assert "Select a base model first." in response.content.decode()
    sync.resource_sync(project.resource, full=True)
    newest = (
        BaseModel.objects.filter(resource=project.resource).order_by("-remote_created_at").first()
    )
    client.post(f"{draft}/new/base/", {"base_model": newest.id})
    from projects import services
    from tests.factories import make_team

    other = services.project_create(
        team=make_team("Other"), resource=project.resource, display_name="Theirs", locale="en-US"
    )
    foreign = Dataset.objects.create(
        resource=project.resource,
        project=other,
        display_name="Theirs",
        kind="Language",
        status="Succeeded",
        locale="en-US",
    )
    response = client.post(f"{draft}/new/data/", {"datasets": [foreign.id]}, follow=True)
    assert "is not a dataset of this project" in response.content.decode()


def test_a_base_model_past_its_adaptation_date_is_refused_before_any_call(client, editor, project):
    client.force_login(editor)
    sync.resource_sync(project.resource, full=True)
    expired = (
        BaseModel.objects.filter(resource=project.resource).order_by("remote_created_at").first()
    )
    draft = start_wizard(client, project)
    page = client.get(f"{draft}/new/base/").content.decode()
    assert "can no longer be used for training" in page
    response = client.post(f"{draft}/new/base/", {"base_model": expired.id}, follow=True)
    assert "can no longer be used for training" in response.content.decode()
    assert TrainingDraft.objects.get(id=draft.rsplit("/", 1)[-1]).base_model is None


def test_a_failed_training_shows_its_reason(client, editor, project):
    client.force_login(editor)
    sync.resource_sync(project.resource, full=True)
    words = uploaded(
        client,
        project,
        "Pronunciation",
        "words.txt",
        (FIXTURES / "pronunciation.txt").read_bytes(),
        "Words",
    )
    train(client, project, newest_base(project), [words], "Words only")
    model = wait_until(
        lambda: CustomModel.objects.filter(display_name="Words only", status="Failed").first(),
        timeout=90,
    )
    page = client.get(f"/projects/{project.id}/models/{model.id}/").content.decode()
    assert "The training data has no usable text: add a Language dataset." in page


def test_retrain_on_the_newest_base_model_and_compare_versions(client, editor, project):
    client.force_login(editor)
    sync.resource_sync(project.resource, full=True)
    text = uploaded(client, project, "Language", "notes.txt", clinic_text(), "Clinic notes")
    tests = uploaded(
        client,
        project,
        "Acoustic",
        "test.zip",
        clinic_acoustic_zip(["clinic03.wav", "clinic06.wav"]),
        "Two clips",
    )
    older = BaseModel.objects.filter(resource=project.resource).order_by("-remote_created_at")[1]
    train(client, project, older, [text], "First", tests)
    first = wait_until(
        lambda: CustomModel.objects.filter(display_name="First", status="Succeeded").first(),
        timeout=90,
    )

    response = client.post(f"/projects/{project.id}/models/{first.id}/retrain/")
    second = CustomModel.objects.exclude(id=first.id).get(project=project)
    assert response["Location"] == f"/projects/{project.id}/models/{second.id}/"
    newest = (
        BaseModel.objects.filter(resource=project.resource).order_by("-remote_created_at").first()
    )
    assert second.draft.base_model == newest and list(second.draft.datasets.all()) == [text]
    wait_until(
        lambda: Evaluation.objects.filter(project=project, status="Succeeded").count() == 2,
        timeout=180,
    )
    page = client.get(f"/projects/{project.id}/?tab=tests").content.decode()
    assert 'id="matrix"' in page and "First" in page and second.display_name in page
    assert "<polyline" in page and "First → " in page


def test_the_model_page_lists_files_and_a_finished_model_deletes(client, editor, project):
    client.force_login(editor)
    sync.resource_sync(project.resource, full=True)
    text = uploaded(client, project, "Language", "notes.txt", clinic_text(), "Clinic notes")
    train(client, project, newest_base(project), [text], "Short lived")
    model = wait_until(
        lambda: CustomModel.objects.filter(display_name="Short lived", files__isnull=False).first(),
        timeout=90,
    )
    page = client.get(f"/projects/{project.id}/models/{model.id}/").content.decode()
    assert "training-report.json" in page and "Transcription until" in page
    client.post(f"/projects/{project.id}/models/{model.id}/delete/")
    wait_until(lambda: not CustomModel.objects.filter(id=model.id).exists())
