from __future__ import annotations

from celery import shared_task

from portal.speech.client import backoff
from portal.speech.errors import SpeechTransientError
from projects import services
from projects.models import Project


# A throttled or briefly failing resource is retried with backoff honouring Retry-After; the
# service finds the first attempt's project, so a retry never makes a second one.
@shared_task(name="sync.project_create_remote", bind=True, acks_late=True, max_retries=5)
def project_create_remote(self, project_id: int) -> None:
    project = Project.objects.select_related("resource").filter(id=project_id).first()
    if project is None:
        return
    try:
        services.project_create_remote(project=project)
    except SpeechTransientError as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries, exc.retry_after)) from exc
