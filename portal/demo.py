"""The demo workspace, made the way a user's clicks would make it: the portal's own services
and tasks against a local resource over HTTP. A step machine a task advances; every step finds
what an earlier run already made, so running it again makes nothing twice."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.models import DemoSeed, SpeechResource, Team

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "clinic"
PROJECT_NAME = "Demo: clinic dictation"
MODEL_NAME = "Clinic dictation model"
ENDPOINT_NAME = "Clinic dictation endpoint"


class Waiting(Exception):
    """The step waits for the resource; the task looks again shortly."""


def demo_start(*, team: Team, resource: SpeechResource, force: bool = False) -> DemoSeed | None:
    """Starts the demo once. A demo the user deleted stays deleted unless `force`."""
    from portal import tasks

    with transaction.atomic():
        seed = DemoSeed.objects.select_for_update().filter(team=team).first()
        if seed is not None:
            project_gone = seed.project_id is None and seed.step != "project"
            if not (force and project_gone):
                return seed if not project_gone else None
            seed.delete()
        seed = DemoSeed.objects.create(team=team, resource=resource)
        tasks.demo_advance.delay_on_commit(seed.id)
    return seed


def _acoustic_zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("trans.txt", (FIXTURES / "test-sentences.txt").read_text())
        for wav in sorted((FIXTURES / "audio").glob("*.wav")):
            archive.write(wav, wav.name)
    return buffer.getvalue()


def _dataset(seed: DemoSeed, field: str, kind: str, name: str, content: bytes):
    """The demo's dataset, uploaded through the wizard's services once."""
    from projects import services
    from projects.models import DatasetUpload

    upload = DatasetUpload.objects.filter(project=seed.project, display_name=name).first()
    if upload is None:
        upload = services.upload_start(project=seed.project, user=None)
        services.upload_set_kind(upload=upload, kind=kind)
        upload.folder.mkdir(parents=True, exist_ok=True)
        upload.source, upload.file_name = "file", f"{kind.lower()}.bin"
        upload.file_path.write_bytes(content)
        upload.file_size = len(content)
        upload.save()
        services.upload_validate(upload=upload)
        services.upload_set_details(
            upload=upload, display_name=name, description="Demo data", leave_out_rejected=False
        )
        services.upload_begin(upload=upload)
    upload.refresh_from_db()
    if upload.state == "failed":
        raise RuntimeError(f"Uploading {name} failed: {upload.error}")
    if upload.dataset_id and getattr(seed, f"{field}_id") != upload.dataset_id:
        setattr(seed, field, upload.dataset)
        seed.save(update_fields=[field])
    return upload.dataset


def _wait_for(row, what: str):
    """Asks the resource now rather than waiting for the next beat."""
    from portal import sync

    if row is None or row.remote_id is None:
        raise Waiting(what)
    if row.in_flight:
        sync.entity_poll(_kind(row), row.id)
        row.refresh_from_db()
    if row.status == "Failed":
        raise RuntimeError(f"{what} failed: {(row.error or {}).get('message', 'no reason given')}")
    if row.in_flight:
        raise Waiting(what)
    return row


def _kind(row) -> str:
    from portal.sync import mirror_models

    return next(k for k, model in mirror_models().items() if isinstance(row, model))


def demo_advance(seed: DemoSeed) -> DemoSeed:
    """Does what the current step can do now; raises Waiting while the resource works."""
    from deployments import services as deploy
    from deployments.models import Endpoint
    from portal import sync
    from projects import services as projects
    from projects.models import Project
    from training import services as training
    from training.models import Evaluation

    if seed.step == "project":
        if seed.project is None:
            project = Project.objects.filter(
                team=seed.team, resource=seed.resource, display_name=PROJECT_NAME
            ).first()
            seed.project = project or projects.project_create(
                team=seed.team,
                resource=seed.resource,
                display_name=PROJECT_NAME,
                locale="en-US",
                description="Dictated clinic notes: a custom model that knows cardiology terms.",
            )
            seed.save(update_fields=["project"])
        seed.project.refresh_from_db()
        if seed.project.status == "Failed":
            raise RuntimeError(f"Creating the demo project failed: {seed.project.error['message']}")
        if seed.project.remote_id is None:
            raise Waiting("Creating the demo project")
        sync.resource_sync(seed.resource, full=False)
        seed.step = "datasets"
        seed.save(update_fields=["step"])
    if seed.step == "datasets":
        datasets = [
            _dataset(
                seed,
                "language",
                "Language",
                "Clinic notes",
                (FIXTURES / "language.txt").read_bytes(),
            ),
            _dataset(
                seed,
                "pronunciation",
                "Pronunciation",
                "Clinic abbreviations",
                (FIXTURES / "pronunciation.txt").read_bytes(),
            ),
            _dataset(seed, "test_set", "Acoustic", "Clinic dictation test set", _acoustic_zip()),
        ]
        for dataset in datasets:
            _wait_for(dataset, "The demo datasets")
        seed.step = "model"
        seed.save(update_fields=["step"])
    if seed.step == "model":
        if seed.model is None:
            base = next(
                b
                for b in training.base_models_for(seed.project)
                if training.adaptation_refusal(b) is None
            )
            draft = training.draft_start(
                project=seed.project,
                user=None,
                base_model=base,
                display_name=MODEL_NAME,
                description="Trained from clinic notes and abbreviations.",
                test_dataset=seed.test_set,
            )
            training.draft_set_datasets(draft=draft, datasets=[seed.language, seed.pronunciation])
            seed.model = training.draft_submit(draft=draft)
            seed.save(update_fields=["model"])
        seed.model = _wait_for(seed.model, "Training the demo model")
        seed.step = "test"
        seed.save(update_fields=["step"])
    if seed.step == "test":
        if seed.evaluation is None:
            training.auto_test_after_training(seed.model)
            seed.evaluation = Evaluation.objects.filter(draft__model=seed.model).first()
            seed.save(update_fields=["evaluation"])
        evaluation = _wait_for(seed.evaluation, "Testing the demo model")
        if evaluation.details is None:
            sync.evaluation_details_fetch(evaluation)
        seed.step = "endpoint"
        seed.save(update_fields=["step"])
    if seed.step == "endpoint":
        if seed.endpoint is None:
            endpoint = Endpoint.objects.filter(
                project=seed.project, display_name=ENDPOINT_NAME
            ).first()
            seed.endpoint = endpoint or deploy.endpoint_create(
                project=seed.project,
                model_url=seed.model.self_url,
                display_name=ENDPOINT_NAME,
                description="Serves the demo model.",
                logging=True,
            )
            seed.save(update_fields=["endpoint"])
        _wait_for(seed.endpoint, "Deploying the demo model")
        seed.step, seed.finished_at = "done", timezone.now()
        seed.save(update_fields=["step", "finished_at"])
    return seed
