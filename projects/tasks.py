from __future__ import annotations

from celery import shared_task

from portal.speech.client import backoff
from portal.speech.errors import SpeechError, SpeechTransientError
from portal.tasks import remote_create
from projects import services
from projects.models import DatasetUpload, Project, UploadState


# Retries and refusals as in portal.tasks.remote_create: a retry never makes a second project.
@shared_task(name="sync.project_create_remote", bind=True, acks_late=True, max_retries=5)
def project_create_remote(self, project_id: int) -> None:
    remote_create(self, Project, "projects", project_id, services.project_body)


@shared_task(name="projects.upload_validate", acks_late=True)
def upload_validate(upload_id: str) -> None:
    upload = DatasetUpload.objects.select_related("project__resource").filter(id=upload_id).first()
    if upload is not None and upload.state == UploadState.DRAFT:
        services.upload_validate(upload=upload)


# Blocks the resource already holds are skipped, so a retry (or the sweeper's restart after a
# killed worker) resumes; throttling and brief failures retry with backoff, the rest is final.
@shared_task(name="sync.upload_send", bind=True, acks_late=True, max_retries=8)
def upload_send(self, upload_id: str) -> None:
    upload = (
        DatasetUpload.objects.select_related("project__resource", "dataset")
        .filter(id=upload_id)
        .first()
    )
    if upload is None or upload.state != UploadState.UPLOADING:
        return
    try:
        services.upload_send(upload=upload)
    except SpeechTransientError as exc:
        if self.request.retries >= self.max_retries:
            services.upload_fail(upload=upload, message=exc.message)
            return
        raise self.retry(exc=exc, countdown=backoff(self.request.retries, exc.retry_after)) from exc
    except SpeechError as exc:
        services.upload_fail(upload=upload, message=exc.message)


@shared_task(name="projects.uploads_sweep", acks_late=True)
def uploads_sweep() -> int:
    """Beat: restarts uploads whose task stopped reporting progress (a killed worker)."""
    stalled = services.uploads_stalled()
    for upload_id in stalled:
        upload_send.delay(str(upload_id))
    return len(stalled)
