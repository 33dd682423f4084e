"""Portal tasks: worker heartbeat, and sync, polling and connection tests of Speech resources.

Tasks take ids, find their row again (gone means done), and call one service. Calls to a
resource run on the `sync` queue.
"""

from __future__ import annotations

import socket

from celery import shared_task
from django.utils import timezone

from portal import sync
from portal.models import Health, SpeechResource
from portal.services import heartbeat_record
from portal.speech.client import backoff
from portal.speech.errors import SpeechError, SpeechTransientError

# A resource that throttles or fails for a moment is retried with capped backoff that honours
# its Retry-After; any other error is final and shows on the resource page.
SYNC_RETRIES = 5


def _retry(task, exc: SpeechTransientError):
    raise task.retry(exc=exc, countdown=backoff(task.request.retries, exc.retry_after))


def remote_create(task, model_class, kind: str, pk: int, body_for) -> None:
    """The body of every "create on the resource" task: throttling and brief failures retry with
    backoff honouring Retry-After (the create finds its first attempt, so a retry never makes a
    second entity); a refusal (a bad key, an expired base model) is the row's failure, shown."""
    row = model_class.objects.select_related("resource").filter(id=pk).first()
    if row is None or row.remote_id:
        return
    try:
        sync.create_remote(row, kind, body_for(row))
    except SpeechTransientError as exc:
        _retry(task, exc)
    except SpeechError as exc:
        model_class.objects.filter(id=pk).update(
            status="Failed",
            properties={"error": {"code": exc.code or "Refused", "message": exc.message}},
        )


@shared_task(name="portal.heartbeat", acks_late=True)
def heartbeat() -> None:
    heartbeat_record(hostname=socket.gethostname())


@shared_task(name="sync.resources_sync_due", acks_late=True)
def resources_sync_due() -> int:
    """Beat: enqueue a sync of every resource whose last one is older than PORTAL_SYNC_SECONDS."""
    from datetime import timedelta

    from django.conf import settings

    cutoff = timezone.now() - timedelta(seconds=settings.PORTAL_SYNC_SECONDS)
    due = SpeechResource.objects.exclude(last_sync_at__gt=cutoff).values_list("id", flat=True)
    for resource_id in due:
        resource_sync.delay(resource_id)
    return len(due)


@shared_task(name="sync.resource_sync", bind=True, acks_late=True, max_retries=SYNC_RETRIES)
def resource_sync(self, resource_id: int, full: bool | None = None) -> dict | None:
    resource = SpeechResource.objects.filter(id=resource_id).first()
    if resource is None:
        return None
    try:
        report = sync.resource_sync(resource, full=full)
    except SpeechTransientError as exc:
        _retry(self, exc)
    return {"full": report.full, "seen": report.seen, "requests": report.requests}


@shared_task(name="sync.poll_due", acks_late=True)
def poll_due() -> int:
    """Beat: fan out one small poll task per in-flight entity that is due."""
    listed, polls = sync.poll_plan()
    for resource_id in listed:
        resource_sync.delay(resource_id, False)
    for kind, pk in polls:
        entity_poll.delay(kind, pk)
    return len(listed) + len(polls)


@shared_task(name="sync.entity_poll", acks_late=True)
def entity_poll(kind: str, pk: int) -> None:
    # Failures push the row's next poll back inside the service; no task retry needed.
    sync.entity_poll(kind, pk)


@shared_task(name="sync.resource_test", acks_late=True)
def resource_test(resource_id: int) -> None:
    resource = SpeechResource.objects.filter(id=resource_id).first()
    if resource is not None:
        sync.resource_test(resource)


def resource_test_start(resource: SpeechResource) -> None:
    """Marks the resource as being checked and queues the check (the page polls)."""
    SpeechResource.objects.filter(id=resource.id).update(health=Health.CHECKING, health_message="")
    resource_test.delay_on_commit(resource.id)


# A throttled or briefly failing resource is retried with backoff; PATCH and DELETE are safe to
# send again. A refusal (409 in use, 400) is final and kept on the row for the page to show.
@shared_task(name="sync.entity_patch", bind=True, acks_late=True, max_retries=SYNC_RETRIES)
def entity_patch(self, kind: str, pk: int, changes: dict) -> None:
    try:
        sync.entity_patch(kind, pk, changes)
    except SpeechTransientError as exc:
        _retry(self, exc)
    except SpeechError as exc:
        sync.remote_refusal(kind, pk, exc)


@shared_task(name="sync.entity_delete", bind=True, acks_late=True, max_retries=SYNC_RETRIES)
def entity_delete(self, kind: str, pk: int) -> None:
    try:
        sync.entity_delete(kind, pk)
    except SpeechTransientError as exc:
        _retry(self, exc)
    except SpeechError as exc:
        sync.remote_refusal(kind, pk, exc)


@shared_task(name="sync.demo_advance", bind=True, acks_late=True, max_retries=200)
def demo_advance(self, seed_id: int) -> None:
    """Advances the demo; while the resource works it looks again every two seconds. A failure
    is kept on the demo and shown on the dashboard; the portal itself goes on."""
    from portal import demo
    from portal.models import DemoSeed

    seed = DemoSeed.objects.select_related("team", "resource").filter(id=seed_id).first()
    if seed is None or seed.done:
        return
    try:
        demo.demo_advance(seed)
    except demo.Waiting as exc:
        raise self.retry(exc=exc, countdown=2) from exc
    except SpeechTransientError as exc:
        _retry(self, exc)
    except Exception as exc:  # any failure belongs on the dashboard, with its reason
        DemoSeed.objects.filter(id=seed_id).update(error=str(exc)[:1000])
