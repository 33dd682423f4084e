"""SIGKILL of the worker mid-upload: the upload resumes from the blocks the resource already
holds and arrives uncorrupted."""

from __future__ import annotations

import hashlib
import os
import signal

import httpx
import pytest

from localspeech.models import Block
from projects import services
from projects.models import Dataset, DatasetUpload
from tests.conftest import IN_CI, wait_until
from tests.localspeech.conftest import clinic_acoustic_zip
from tests.portal.test_worker_kill import _worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_killed_upload_resumes_and_arrives_whole(project, editor, tmp_path, settings):
    if not settings.REDIS_URL:
        if IN_CI:
            pytest.fail("REDIS_URL must be set under CI")
        pytest.skip("needs Redis (REDIS_URL): the filesystem broker has no redelivery")
    data = clinic_acoustic_zip()
    resource = project.resource
    resource.budget_requests, resource.budget_seconds = 1, 1  # one block a second
    resource.save()
    upload = services.upload_start(project=project, user=editor)
    upload.kind, upload.source, upload.file_name = "Acoustic", "file", "clinic.zip"
    upload.folder.mkdir(parents=True, exist_ok=True)
    upload.file_path.write_bytes(data)
    upload.file_size = len(data)
    upload.report = {"status": "Succeeded", "rejected": []}
    upload.display_name = "Clinic test set"
    upload.state = "uploading"
    upload.save()

    os.environ["PORTAL_UPLOAD_BLOCK_BYTES"] = str(64 * 1024)
    log = tmp_path / "worker.log"
    first = _worker(log)
    try:
        from projects.tasks import upload_send

        upload_send.apply_async(args=[str(upload.id)], queue="killtest")
        wait_until(
            lambda: Block.objects.filter(dataset__display_name="Clinic test set").count() >= 3,
            timeout=60,
        )
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        assert DatasetUpload.objects.get(id=upload.id).state == "uploading"
        second = _worker(log)
        try:
            done = wait_until(
                lambda: DatasetUpload.objects.filter(id=upload.id, state="uploaded").first(),
                timeout=120,
            )
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(timeout=20)
    finally:
        os.environ.pop("PORTAL_UPLOAD_BLOCK_BYTES", None)
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    blocks = -(-len(data) // (64 * 1024))
    assert done.bytes_sent == len(data)
    dataset = wait_until(
        lambda: Dataset.objects.filter(
            id=done.dataset_id, status__in=["Succeeded", "Failed"]
        ).first(),
        timeout=60,
    )
    assert dataset.status == "Succeeded", dataset.properties
    assert dataset.properties["acceptedLineCount"] == 10
    assert len(dataset.raw) and blocks > 3
    headers = {"Ocp-Apim-Subscription-Key": resource.key()}
    files = httpx.get(f"{dataset.self_url}/files", headers=headers).json()["values"]
    archive = next(f for f in files if f["kind"] == "AcousticDataArchive")
    received = httpx.get(archive["links"]["contentUrl"]).content
    assert hashlib.sha256(received).hexdigest() == hashlib.sha256(data).hexdigest()
    assert (
        settings.PORTAL_UPLOAD_BLOCK_BYTES == 8 * 1024 * 1024
    )  # the test process kept the default
