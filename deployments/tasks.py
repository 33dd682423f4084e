from __future__ import annotations

import contextlib

from celery import shared_task

from deployments import services
from deployments.models import CopyOperation, CopyState, Endpoint, TryIt
from portal.speech.client import backoff
from portal.speech.errors import SpeechError, SpeechTransientError
from portal.tasks import remote_create


# Throttling, brief failures and a copy still running retry with backoff honouring
# Retry-After; each step is recorded, so a rerun continues instead of starting over.
@shared_task(name="sync.endpoint_create_remote", bind=True, acks_late=True, max_retries=5)
def endpoint_create_remote(self, endpoint_id: int) -> None:
    remote_create(self, Endpoint, "endpoints", endpoint_id, services.endpoint_body)


@shared_task(name="sync.try_it", acks_late=True)
def try_it(attempt_id: str) -> None:
    attempt = TryIt.objects.select_related("endpoint__resource").filter(id=attempt_id).first()
    if attempt is not None and not attempt.done:
        services.try_it_run(attempt=attempt)


@shared_task(name="sync.endpoint_logs_fetch", acks_late=True)
def endpoint_logs_fetch(endpoint_id: int) -> None:
    endpoint = Endpoint.objects.select_related("resource").filter(id=endpoint_id).first()
    if endpoint is not None and endpoint.self_url:
        try:
            services.endpoint_logs_fetch(endpoint)
        except SpeechError as exc:
            Endpoint.objects.filter(id=endpoint_id).update(logs=[{"error": exc.message}])


@shared_task(name="sync.model_copy", bind=True, acks_late=True, max_retries=20)
def model_copy(self, copy_id: str) -> None:
    copy = (
        CopyOperation.objects.select_related(
            "source__resource", "target_resource", "target_project"
        )
        .filter(id=copy_id, state=CopyState.RUNNING)
        .first()
    )
    if copy is None:
        return
    try:
        services.copy_run(copy=copy)
    except SpeechTransientError as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries, exc.retry_after)) from exc
    except (SpeechError, services.DeployRefused) as exc:
        CopyOperation.objects.filter(id=copy_id).update(
            state=CopyState.FAILED, error=str(exc)[:1000]
        )


@shared_task(name="sync.endpoint_log_delete", acks_late=True)
def endpoint_log_delete(endpoint_id: int, name: str) -> None:
    endpoint = Endpoint.objects.select_related("resource").filter(id=endpoint_id).first()
    if endpoint is not None:
        # Already gone, or refused: the next refresh shows what is there.
        with contextlib.suppress(SpeechError):
            services.endpoint_log_delete(endpoint, name)


@shared_task(name="projects.test_set_build", acks_late=True)
def test_set_build(upload_id: str) -> None:
    from projects.models import DatasetUpload

    upload = DatasetUpload.objects.select_related("project__resource").filter(id=upload_id).first()
    if upload is not None and not upload.file_name:
        services.test_set_build(upload)
